"""Bookmarks: one service for the directory's buttons, the booth page's tap, the API and the exports.

A bookmark is the signed-in person's; the rules about what may be bookmarked live here once:
a solution shown by an approved exhibitor of this forum, or an approved exhibitor (by id or booth code).
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from ..audit.services import apply_changes, record
from ..db import utcnow
from ..errors import Conflict, NotFound, PermissionDenied, ValidationError
from ..exhibitors.models import Application, ApplicationStatus, Solution, application_solution
from ..extensions import db
from ..forums.models import Forum, ForumStatus
from ..permissions import can, ensure
from ..sites.models import Site
from ..text import clean
from .models import Bookmark, Interest

NOTE_MAX = 2000
CANDIDATE_SITE_KINDS = ("hospital", "institution", "clinic", "lab")


@dataclass
class Target:
    company_id: int
    solution_id: int | None


def _approved(forum: Forum, company_id: int) -> Application | None:
    return db.session.scalar(sa.select(Application).where(
        Application.forum_id == forum.id, Application.company_id == company_id,
        Application.status == ApplicationStatus.approved))


def resolve_target(forum: Forum, *, solution_id=None, booth=None, company_id=None) -> Target:
    """What a request points at, or a clear refusal (another forum's solution, a draft, an unknown booth)."""
    if forum.status == ForumStatus.draft:
        raise NotFound(_l("No such forum."))
    given = [v for v in (solution_id, booth, company_id) if v not in (None, "")]
    if len(given) != 1:
        raise ValidationError(_l("Bookmark one solution, one booth or one exhibitor."), field="solution")
    if booth not in (None, ""):
        if not isinstance(booth, str):
            raise ValidationError(_l("A booth code is text, such as A01."), field="booth")
        application = db.session.scalar(sa.select(Application).where(
            Application.forum_id == forum.id, Application.booth_code == booth.strip().upper()[:12],
            Application.status == ApplicationStatus.approved))
        if application is None:
            raise NotFound(_l("No exhibitor has booth %(code)s at this forum.", code=booth.strip()[:12]),
                           field="booth")
        return Target(application.company_id, None)
    if company_id not in (None, ""):
        if _approved(forum, _int(company_id, "exhibitor")) is None:
            raise NotFound(_l("This company is not exhibiting at this forum."), field="exhibitor")
        return Target(int(company_id), None)
    solution = db.session.get(Solution, _int(solution_id, "solution"))
    if solution is None:
        raise NotFound(_l("No such solution."), field="solution")
    status = db.session.scalar(
        sa.select(Application.status).join(application_solution,
                                           application_solution.c.application_id == Application.id)
        .where(Application.forum_id == forum.id, application_solution.c.solution_id == solution.id))
    if status is None:
        raise ValidationError(_l("This solution is not shown at this forum."), field="solution")
    if status != ApplicationStatus.approved:
        raise ValidationError(_l("This solution is not published yet: its exhibitor is not approved."),
                              field="solution")
    return Target(solution.company_id, solution.id)


def _int(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdecimal() \
            or not 0 < int(value) < 2**31:
        raise ValidationError(_l("Give the id as a whole number."), field=field)
    return int(value)


def _details(values: dict) -> dict:
    """Interest, note and candidate site, checked; only the keys given."""
    out = {}
    if values.get("interest") not in (None, ""):
        try:
            out["interest"] = Interest(values["interest"])
        except ValueError:
            raise ValidationError(_l("Pick an interest level: curious, want a follow-up or want to pilot."),
                                  field="interest") from None
    if values.get("note") is not None:
        if not isinstance(values["note"], str):
            raise ValidationError(_l("The note is text."), field="note")
        note = clean(values["note"])
        if len(note) > NOTE_MAX:
            raise ValidationError(_l("Keep the note under %(n)s characters.", n=NOTE_MAX), field="note")
        out["note"] = note
    if "site_id" in values:
        site_id = values["site_id"]
        if site_id in (None, "", 0, "0"):
            out["site_id"] = None
        else:
            site = db.session.get(Site, _int(site_id, "site_id"))
            if site is None or not site.active or site.kind not in CANDIDATE_SITE_KINDS:
                raise ValidationError(_l("Pick a hospital, clinic or lab from the list."), field="site_id")
            out["site_id"] = site.id
    return out


def _insert(table):
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


_ADD_ATTEMPTS = 3  # an add that finds its row removed tries again, but not for ever


def add_bookmark(actor, forum: Forum, *, solution_id=None, booth=None, company_id=None,
                 **values) -> tuple[Bookmark, bool]:
    """Bookmark a thing; (bookmark, created). Repeating it changes nothing; given details update it."""
    ensure(actor, "bookmark.own")
    target = resolve_target(forum, solution_id=solution_id, booth=booth, company_id=company_id)
    details = _details(values)
    now = utcnow()
    stmt = sa.select(Bookmark).where(Bookmark.forum_id == forum.id, Bookmark.user_id == actor.id)
    stmt = (stmt.where(Bookmark.solution_id == target.solution_id) if target.solution_id
            else stmt.where(Bookmark.company_id == target.company_id, Bookmark.solution_id.is_(None)))
    bookmark = None
    for _attempt in range(_ADD_ATTEMPTS):
        # ON CONFLICT DO NOTHING on the partial unique indexes: two taps at once still make one row.
        inserted = db.session.execute(_insert(Bookmark.__table__).values(
            forum_id=forum.id, user_id=actor.id, company_id=target.company_id, solution_id=target.solution_id,
            interest=details.get("interest", Interest.curious).value, note=details.get("note", ""),
            site_id=details.get("site_id"), created_at=now, updated_at=now).on_conflict_do_nothing()
            .returning(Bookmark.__table__.c.id))
        created = inserted.scalar() is not None
        # None only when the row the INSERT found was removed (another device) before this read:
        # then the bookmark is made anew.
        bookmark = db.session.scalars(stmt.execution_options(populate_existing=True)).one_or_none()
        if bookmark is not None:
            break
    else:  # removed again each time: someone is tapping add and remove on two devices at once
        raise Conflict(_l("This bookmark was removed on another device at the same moment. Please try again."))
    if created:
        record(actor, "bookmark.add", bookmark, forum_id=forum.id,
               changes={"solution_id": target.solution_id, "company_id": target.company_id})
    else:
        changes = apply_changes(bookmark, details)
        if changes:
            record(actor, "bookmark.update", bookmark, forum_id=forum.id, changes=changes)
    db.session.flush()
    return bookmark, created


def get_bookmark(actor, bookmark_id) -> Bookmark:
    """The actor's own bookmark; anyone else's answers as if it did not exist."""
    ensure(actor, "bookmark.own")
    bookmark = db.session.get(Bookmark, _int(bookmark_id, "id")) if str(bookmark_id).isdecimal() else None
    if bookmark is None:
        raise NotFound(_l("No such bookmark."))
    try:
        ensure(actor, "bookmark.own", bookmark)
    except PermissionDenied:
        raise NotFound(_l("No such bookmark.")) from None
    return bookmark


def update_bookmark(actor, bookmark_id, values: dict) -> Bookmark:
    bookmark = get_bookmark(actor, bookmark_id)
    changes = apply_changes(bookmark, _details(values))
    if changes:
        record(actor, "bookmark.update", bookmark, forum_id=bookmark.forum_id, changes=changes)
    db.session.flush()
    return bookmark


def remove_bookmark(actor, bookmark_id, *, forum: Forum | None = None) -> None:
    bookmark = get_bookmark(actor, bookmark_id)
    if forum is not None and bookmark.forum_id != forum.id:
        raise NotFound(_l("No such bookmark."))
    record(actor, "bookmark.remove", bookmark, forum_id=bookmark.forum_id,
           changes={"solution_id": bookmark.solution_id, "company_id": bookmark.company_id})
    db.session.delete(bookmark)
    db.session.flush()


def my_bookmarks(actor, forum: Forum | None = None) -> list[Bookmark]:
    """The actor's bookmarks (of one forum, or of every forum), newest forum first; a fixed number of queries."""
    ensure(actor, "bookmark.own")
    stmt = (sa.select(Bookmark).join(Forum, Forum.id == Bookmark.forum_id).where(Bookmark.user_id == actor.id)
            .options(joinedload(Bookmark.forum), joinedload(Bookmark.company), joinedload(Bookmark.solution),
                     joinedload(Bookmark.site))
            .order_by(Forum.starts_at.desc(), Bookmark.created_at, Bookmark.id))
    if forum is not None:
        stmt = stmt.where(Bookmark.forum_id == forum.id)
    return db.session.scalars(stmt).unique().all()


def marks_of(actor, forum: Forum) -> tuple[dict[int, int], dict[int, int]]:
    """{solution_id: bookmark_id}, {company_id: bookmark_id} of the actor's bookmarks at the forum (for buttons)."""
    if not can(actor, "bookmark.own"):
        return {}, {}
    rows = db.session.execute(sa.select(Bookmark.id, Bookmark.solution_id, Bookmark.company_id).where(
        Bookmark.user_id == actor.id, Bookmark.forum_id == forum.id)).all()
    return ({r.solution_id: r.id for r in rows if r.solution_id},
            {r.company_id: r.id for r in rows if r.solution_id is None})


def candidate_sites() -> list[Site]:
    return db.session.scalars(sa.select(Site).where(Site.active.is_(True), Site.kind.in_(CANDIDATE_SITE_KINDS))
                              .order_by(Site.kind, Site.name_en)).all()


def bookmarkers_of(company_id: int, forum: Forum) -> list[int]:
    """User ids of the people who bookmarked the company or one of its solutions at the forum."""
    return list(db.session.scalars(sa.select(Bookmark.user_id).where(
        Bookmark.forum_id == forum.id, Bookmark.company_id == company_id).distinct()))




def pair_bookmarks(forum: Forum) -> dict[tuple[int, int], int]:
    """{(company_id, site_id): the bookmark naming that site with the strongest interest}, for proposing
    a pilot from a startup-site pair (the team's page), in one query."""
    strength = sa.case({Interest.pilot.value: 0, Interest.follow_up.value: 1}, value=Bookmark.interest, else_=2)
    out: dict[tuple[int, int], int] = {}
    for bookmark_id, company_id, site_id in db.session.execute(
            sa.select(Bookmark.id, Bookmark.company_id, Bookmark.site_id).where(
                Bookmark.forum_id == forum.id, Bookmark.site_id.is_not(None)).order_by(strength, Bookmark.id)):
        out.setdefault((company_id, site_id), bookmark_id)
    return out


def booth_codes(forum: Forum) -> dict[int, str]:
    """{company_id: booth code} of the forum's approved exhibitors."""
    return dict(db.session.execute(sa.select(Application.company_id, Application.booth_code).where(
        Application.forum_id == forum.id, Application.status == ApplicationStatus.approved,
        Application.booth_code.is_not(None))).all())


def booth_codes_for(rows: list[Bookmark]) -> dict[tuple[int, int], str]:
    """{(forum_id, company_id): booth code} for a list of bookmarks, in one query."""
    forum_ids = {b.forum_id for b in rows}
    company_ids = {b.company_id for b in rows}
    if not rows:
        return {}
    return {(f, c): code for f, c, code in db.session.execute(
        sa.select(Application.forum_id, Application.company_id, Application.booth_code).where(
            Application.forum_id.in_(forum_ids), Application.company_id.in_(company_ids),
            Application.booth_code.is_not(None))).all()}


def shown_at(forum: Forum, solution_id: int) -> bool:
    return db.session.scalar(sa.select(Application.id).join(
        application_solution, application_solution.c.application_id == Application.id).where(
        Application.forum_id == forum.id, Application.status == ApplicationStatus.approved,
        application_solution.c.solution_id == solution_id).limit(1)) is not None

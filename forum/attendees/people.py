"""The people invited to a forum: finding them (filters, who has arrived, counts) and adding or editing them.

Services take the acting user, raise domain errors and flush; the caller commits.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..audit.services import apply_changes, record
from ..db import contains, utcnow
from ..errors import Conflict, NotFound, ValidationError
from ..extensions import db
from ..permissions import ensure
from ..sites.models import Cluster, Site
from ..text import clean, is_email, normalise_email
from .account_links import link_new_records
from .models import Attendee, AttendeeKind, AttendeeStatus
from .invitations import send_invitation
from .ticket_mail import issue_and_mail


def get_attendee(forum, attendee_id: int) -> Attendee:
    attendee = db.session.get(Attendee, attendee_id)
    if attendee is None or attendee.forum_id != forum.id:
        raise NotFound(_l("No such attendee."))
    return attendee


@dataclass
class AttendeeFilter:
    q: str = ""
    cluster: str = ""  # cluster code
    site_id: int | None = None
    status: str = ""
    kind: str = ""


def filtered_query(forum, f: AttendeeFilter):
    stmt = sa.select(Attendee).where(Attendee.forum_id == forum.id)
    if f.q:
        q = clean(f.q)
        stmt = stmt.where(sa.or_(contains(Attendee.name_en, q, ignore_case=True), contains(Attendee.name_zh, q),
                                 contains(Attendee.email_key, normalise_email(f.q)),
                                 contains(Attendee.organisation, q, ignore_case=True),
                                 contains(Attendee.title, q, ignore_case=True)))
    if f.cluster:
        stmt = stmt.where(Attendee.site_id.in_(
            sa.select(Site.id).join(Cluster, Site.cluster_id == Cluster.id).where(Cluster.code == f.cluster)))
    if f.site_id:
        stmt = stmt.where(Attendee.site_id == f.site_id)
    if f.status in AttendeeStatus.__members__:
        stmt = stmt.where(Attendee.status == AttendeeStatus(f.status))
    elif f.status == "checked_in":
        stmt = stmt.where(Attendee.id.in_(arrived_ids(forum)))
    if f.kind in AttendeeKind.__members__:
        stmt = stmt.where(Attendee.kind == AttendeeKind(f.kind))
    return stmt


def list_attendees(forum, f: AttendeeFilter, *, page: int = 1, per_page: int = 50, with_themes: bool = False):
    """One page of attendees (Flask-SQLAlchemy's Pagination: items, total, pages); the count and
    the page are two queries whatever the size, sites loaded alongside."""
    stmt = filtered_query(forum, f).options(selectinload(Attendee.site))
    if with_themes:
        stmt = stmt.options(selectinload(Attendee.theme_links))
    return db.paginate(stmt.order_by(Attendee.name_en, Attendee.id), page=max(page, 1), per_page=per_page,
                       error_out=False)


def arrived_ids(forum):
    """A subquery of the attendees whose first entry at the door stands (not annulled)."""
    from ..checkin.models import CheckIn, counts_as_arrival

    return sa.select(CheckIn.attendee_id).where(CheckIn.forum_id == forum.id, counts_as_arrival())


def arrived_among(forum, attendee_ids: list[int]) -> set[int]:
    if not attendee_ids:
        return set()
    return set(db.session.scalars(arrived_ids(forum).where(
        arrived_ids(forum).selected_columns[0].in_(attendee_ids))))


def status_counts(forum) -> dict[str, int]:
    rows = db.session.execute(sa.select(Attendee.status, sa.func.count()).where(Attendee.forum_id == forum.id)
                              .group_by(Attendee.status)).all()
    counts = {s.value: 0 for s in AttendeeStatus}
    counts.update({(s.value if hasattr(s, "value") else s): n for s, n in rows})
    counts["checked_in"] = db.session.scalar(sa.select(sa.func.count()).select_from(arrived_ids(forum).subquery()))
    return counts


def _clean_person(values: dict) -> dict:
    email_key = normalise_email(values.get("email"))
    out = {"name_en": clean(values.get("name_en"))[:160], "name_zh": clean(values.get("name_zh"))[:160],
           "title": clean(values.get("title"))[:160], "department": clean(values.get("department"))[:160],
           "organisation": clean(values.get("organisation"))[:200]}
    if not is_email(email_key):
        raise ValidationError(_l("Enter a valid email address."), field="email")
    if not (out["name_en"] or out["name_zh"]):
        raise ValidationError(_l("Give the name in English or Chinese."), field="name_en")
    site_id = values.get("site_id") or None
    if site_id:
        site = db.session.get(Site, int(site_id))
        if site is None:
            raise ValidationError(_l("No such site."), field="site_id")
        out["site_id"] = site.id
        out["organisation"] = site.name_en  # an HA site names the organisation
    else:
        out["site_id"] = None
    kind = values.get("kind") or "ha"
    if kind not in AttendeeKind.__members__:
        raise ValidationError(_l("Unknown kind of attendee."), field="kind")
    out["kind"] = AttendeeKind(kind)
    out["email"] = email_key
    out["email_key"] = email_key
    return out


def add_attendee(actor, forum, values: dict, *, walk_in: bool = False, invite: bool = False) -> Attendee:
    """An organiser adds one person: invited (optionally mailed now) or, for a walk-in, registered with a ticket."""
    ensure(actor, "attendee.manage")
    return _add(actor, forum, values, walk_in=walk_in, invite=invite)


def add_walk_in(actor, forum, values: dict) -> Attendee:
    """Door staff register a walk-in: the same record, ticket and mail as an organiser's walk-in."""
    ensure(actor, "attendee.walk_in", forum)
    return _add(actor, forum, values, walk_in=True, invite=False)


def _add(actor, forum, values: dict, *, walk_in: bool, invite: bool) -> Attendee:
    cleaned = _clean_person(values)
    clash = db.session.scalar(sa.select(Attendee.id).where(Attendee.forum_id == forum.id,
                                                           Attendee.email_key == cleaned["email_key"]))
    if clash:
        raise Conflict(_l("This email is already on the forum's list."), field="email")
    attendee = Attendee(forum_id=forum.id, status=AttendeeStatus.invited, themes=[], access_needs="",
                        dietary_needs="", share_contact=False, **cleaned)
    db.session.add(attendee)
    db.session.flush()
    link_new_records([attendee.email_key])
    record(actor, "attendee.walk_in" if walk_in else "attendee.add", attendee, forum_id=forum.id,
           changes={"email": attendee.email, "kind": attendee.kind})
    if walk_in:
        attendee.status = AttendeeStatus.registered
        attendee.responded_at = utcnow()
        issue_and_mail(attendee)
    elif invite:
        send_invitation(actor, attendee)
    return attendee


def update_attendee(actor, attendee: Attendee, values: dict) -> dict:
    """An organiser corrects a person's details; their answers, status and ticket stay as they are."""
    ensure(actor, "attendee.manage")
    cleaned = _clean_person(values)
    clash = db.session.scalar(sa.select(Attendee.id).where(Attendee.forum_id == attendee.forum_id,
                                                           Attendee.email_key == cleaned["email_key"],
                                                           Attendee.id != attendee.id))
    if clash:
        raise Conflict(_l("This email is already on the forum's list."), field="email")
    changes = apply_changes(attendee, cleaned)
    if changes:
        record(actor, "attendee.update", attendee, forum_id=attendee.forum_id, changes=changes)
        db.session.flush()
    return changes

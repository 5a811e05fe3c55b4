"""A pilot proposed from a bookmark, and the way back: the bookmark's pilots, the funnel's "bookmarked" step.

The link is a PilotOrigin row (kind "bookmark", ref_id the bookmark's id), so the pilot page can say
whose bookmark at which forum it came from, and the bookmark can list the pilots it led to.
"""
from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..errors import NotFound, PermissionDenied
from ..extensions import db
from ..matchmaking.models import Bookmark
from ..permissions import can, ensure
from .dashboard import funnel_source
from .models import Pilot, PilotOrigin
from .queries import visible_pilots
from .services import new_pilot

KIND = "bookmark"


def get_bookmark(actor, bookmark_id: int) -> Bookmark:
    """The bookmark to propose from; someone else's answers as if it did not exist."""
    ensure(actor, "pilot.propose_from_bookmark")
    bookmark = db.session.get(Bookmark, bookmark_id)
    if bookmark is None:
        raise NotFound(_l("No such bookmark."))
    try:
        ensure(actor, "pilot.propose_from_bookmark", bookmark)
    except PermissionDenied:
        raise NotFound(_l("No such bookmark.")) from None
    return bookmark


def prefill(bookmark: Bookmark) -> dict:
    """What the pilot form starts with: the bookmark's company, solution, candidate site and forum,
    and its owner as the HA sponsor."""
    owner = bookmark.user
    return {"company_id": str(bookmark.company_id), "solution_id": str(bookmark.solution_id or ""),
            "sites": [str(bookmark.site_id)] if bookmark.site_id else [], "forums": [str(bookmark.forum_id)],
            "sponsor_user_id": str(owner.id), "sponsor_name": owner.display_name,
            "title": (bookmark.solution.title_en or bookmark.solution.title_zh) if bookmark.solution
            else bookmark.company.display_name, "notes": bookmark.note or ""}


def propose(actor, bookmark: Bookmark, data: dict) -> Pilot:
    """A new pilot linked to the bookmark. An HA owner proposes their bookmark's solution, sponsored by
    themselves (so they keep seeing it); the team may choose otherwise."""
    ensure(actor, "pilot.propose_from_bookmark", bookmark)
    values = {**data, "forums": [bookmark.forum_id]}
    if not can(actor, "pilot.choose_sponsor"):
        values.update(company_id=bookmark.company_id, solution_id=bookmark.solution_id, sponsor_user_id=actor.id)
        values.setdefault("sponsor_name", actor.display_name)
    return new_pilot(actor, values, origin_kind=KIND, origin_ref=bookmark.id)


def pilots_of(user, bookmark_ids) -> dict[int, list[Pilot]]:
    """{bookmark id: the pilots it led to that `user` may see}, in two queries for a whole page."""
    ids = list(bookmark_ids)
    out: dict[int, list[Pilot]] = defaultdict(list)
    if not ids:
        return out
    links = db.session.execute(sa.select(PilotOrigin.ref_id, PilotOrigin.pilot_id).where(
        PilotOrigin.kind == KIND, PilotOrigin.ref_id.in_(ids)).order_by(PilotOrigin.pilot_id)).all()
    if not links:
        return out
    seen = {p.id: p for p in db.session.scalars(visible_pilots(user).where(Pilot.id.in_({p for _r, p in links})))}
    for ref_id, pilot_id in links:
        if pilot_id in seen and seen[pilot_id] not in out[ref_id]:
            out[ref_id].append(seen[pilot_id])
    return out


def origin_bookmarks(pilot: Pilot) -> dict[int, Bookmark]:
    """{bookmark id: bookmark} for the pilot's bookmark origins (whose bookmark, at which forum)."""
    ids = [o.ref_id for o in pilot.origins if o.kind == KIND and o.ref_id]
    if not ids:
        return {}
    return {b.id: b for b in db.session.scalars(sa.select(Bookmark).where(Bookmark.id.in_(ids)))}


def bookmarked_companies(forum_id: int | None) -> int | None:
    """The funnel's "bookmarked" step: companies someone bookmarked; None (no step) when nobody has yet."""
    stmt = sa.select(sa.func.count(sa.distinct(Bookmark.company_id)))
    if forum_id is not None:
        stmt = stmt.where(Bookmark.forum_id == forum_id)
    return db.session.scalar(stmt) or None


def met_companies(forum_id: int | None) -> int | None:
    """The funnel's "met" step: companies with a confirmed follow-up meeting; None (no step) before any."""
    from ..matchmaking.models import Meeting, MeetingStatus

    stmt = sa.select(sa.func.count(sa.distinct(Meeting.company_id))).where(
        Meeting.status == MeetingStatus.confirmed)
    if forum_id is not None:
        stmt = stmt.where(Meeting.forum_id == forum_id)
    return db.session.scalar(stmt) or None


def init_app(app) -> None:
    funnel_source("bookmarked", _l("Bookmarked"), 1, bookmarked_companies)
    funnel_source("met", _l("Met"), 2, met_companies)

    def bookmark_pilots(bookmark_ids):
        from flask_login import current_user

        return pilots_of(current_user, bookmark_ids)

    app.add_template_global(bookmark_pilots)

"""Finding a person by name at the door, and checking them in from the result.

Door staff get what they need to pick the person, never their ticket code: the check-in from a
result happens here on the server, by attendee id, through the same check_in() as a scan.
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..attendees.models import Attendee, AttendeeStatus, Ticket
from ..attendees.tickets import code_for, current_ticket
from ..audit.services import record
from ..db import contains
from ..errors import NotFound, ValidationError
from ..extensions import db
from ..forums.models import ForumStatus
from ..permissions import ensure
from ..text import clean
from .models import CheckIn, CheckInPoint, counts_as_arrival
from .services import attendee_json, check_in, hk_iso, parse_scan

SEARCH_LIMIT = 20
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def search_attendees(actor, forum, query: str, limit: int = SEARCH_LIMIT) -> list[dict]:
    """Attendees of a live forum whose English or Chinese name (or organisation) contains the query.

    Door staff get what they need to pick the person, never their ticket code: checking someone
    in from here goes through check_in_attendee(). At least two characters (one Chinese
    character) are needed, % and _ are plain characters, and every search is audited.
    """
    ensure(actor, "checkin.scan", forum)
    if forum.status != ForumStatus.live:
        raise ValidationError(_l("Name search opens when the forum is live."), field="q")
    q = clean(query)
    if len(q.replace(" ", "")) < 2 and not _CJK.search(q):
        raise ValidationError(_l("Type at least two letters, or one Chinese character."), field="q")
    live_ticket = (sa.select(Ticket.id).where(Ticket.attendee_id == Attendee.id, Ticket.revoked_at.is_(None))
                   .exists())
    first_entry = sa.and_(CheckIn.attendee_id == Attendee.id, counts_as_arrival())
    arrived_at = sa.select(CheckIn.scanned_at).where(first_entry).limit(1).scalar_subquery()
    arrived_point = (sa.select(CheckInPoint.key).join(CheckIn, CheckIn.point_id == CheckInPoint.id)
                     .where(first_entry).limit(1).scalar_subquery())
    stmt = (sa.select(Attendee, live_ticket.label("has_ticket"), arrived_at.label("arrived_at"),
                      arrived_point.label("arrived_point"))
            .where(Attendee.forum_id == forum.id,
                   sa.or_(contains(Attendee.name_en, q, ignore_case=True), contains(Attendee.name_zh, q),
                          contains(Attendee.organisation, q, ignore_case=True)))
            .order_by(Attendee.name_en, Attendee.id).limit(limit))
    out = []
    for attendee, has_ticket, at, point in db.session.execute(stmt).all():
        item = attendee_json(attendee, access_needs=forum.door_shows_access_needs)
        item["status"] = attendee.status.value
        item["has_ticket"] = bool(has_ticket) and attendee.status != AttendeeStatus.cancelled
        # What door staff need at a glance: invited, registered, arrived (when and where) or cancelled.
        item["door_status"] = "arrived" if at is not None else attendee.status.value
        item["arrived_at"], item["arrived_point"] = hk_iso(at), point
        out.append(item)
    record(actor, "checkin.search", forum, forum_id=forum.id, changes={"query": q, "found": len(out)})
    return out


def check_in_attendee(actor, forum, attendee_id: int, *, point: str | None = None, nonce: str | None = None,
                      device_id: str = "") -> dict:
    """Check in a person picked from a name search: their live ticket, found here on the server,
    goes through the same check_in() as a scanned code."""
    ensure(actor, "checkin.scan", forum)
    attendee = db.session.get(Attendee, attendee_id)
    if attendee is None or attendee.forum_id != forum.id:
        raise NotFound()
    ticket = current_ticket(attendee)
    if ticket is None:
        raise ValidationError(_l("This person has no valid ticket: register them first."))
    scan = parse_scan({"code": code_for(ticket), "point": point, "nonce": nonce, "device_id": device_id})
    return check_in(actor, forum, scan)


def register_walk_in(actor, forum, values: dict, *, point: str | None = None, nonce: str | None = None,
                     device_id: str = "") -> dict:
    """Door staff register someone who is on no list, then check them in through the same check_in()."""
    from ..attendees.people import add_walk_in

    ensure(actor, "checkin.scan", forum)
    if forum.status != ForumStatus.live:
        raise ValidationError(_l("Walk-ins are registered at the door once the forum is live."))
    kind = values.get("kind") or "guest"
    if kind not in ("ha", "guest"):  # organisers add speakers, exhibitor staff and their own people
        raise ValidationError(_l("A walk-in at the door is HA staff or a guest."), field="kind")
    attendee = add_walk_in(actor, forum, {**values, "kind": kind})
    return check_in_attendee(actor, forum, attendee.id, point=point, nonce=nonce, device_id=device_id)

"""The door's lookups: the forum and the check-in point a scan names, read on every scan.

Core statements built once (SQLAlchemy reuses their compiled form) that return plain rows.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import request
from flask_babel import lazy_gettext as _l

from ..accounts.tokens import NOT_RIDDEN, ridden
from ..attendees.models import Attendee, Ticket
from ..attendees.tickets import SCAN_COLUMNS, SCAN_JOIN, parse_code, scan_status
from ..errors import NotFound, ValidationError
from ..extensions import db
from ..forums.models import Forum
from ..forums.services import ForumRef, forum_ref
from ..refs import parse_forum_ref, parse_id
from .models import CheckIn, CheckInPoint, counts_as_arrival

# The door's point lookup: Core statements built once (compiled form cached), plain (id, key) rows.
_point = CheckInPoint.__table__.c
_FIRST_POINT = (sa.select(_point.id, _point.key, _point.active)
                .where(_point.forum_id == sa.bindparam("forum_id"), _point.active.is_(True))
                .order_by(_point.position, _point.id).limit(1))
_POINT_BY_REF = (sa.select(_point.id, _point.key, _point.active)
                 .where(_point.forum_id == sa.bindparam("forum_id"),
                        sa.or_(_point.key == sa.bindparam("key"), _point.id == sa.bindparam("id")))
                 .order_by(_point.id).limit(1))


def _point_params(ref: str) -> dict:
    return {"key": ref.lower(), "id": parse_id(ref)}


def checked_point(row, ref: str | None) -> tuple[int | None, str | None]:
    """(id, key) of the point found for `ref`; (None, None) if none is named and the forum has none."""
    if ref is None:
        return (row.id, row.key) if row else (None, None)
    if row is None or not row.active:
        raise ValidationError(_l("No such check-in point."), field="point")
    return row.id, row.key


def point_for_scan(forum_id: int, ref: str | None) -> tuple[int | None, str | None]:
    """resolve_point() for check_in: the point's (id, key), (None, None) if the forum has none."""
    conn = db.session.connection()
    if ref is None:
        return checked_point(conn.execute(_FIRST_POINT, {"forum_id": forum_id}).first(), ref)
    return checked_point(conn.execute(_POINT_BY_REF, {"forum_id": forum_id, **_point_params(ref)}).first(), ref)


@dataclass(frozen=True)
class PointRow:
    id: int
    key: str
    active: bool


# The scan a nonce already names in a forum: at most one (uq_checkin_forum_nonce).
_checkin = CheckIn.__table__.c
_SENT_COLUMNS = (_checkin.answer.label("sent_answer"), _checkin.scanner_id.label("sent_scanner_id"),
                 _checkin.device_id.label("sent_device_id"))
_SENT_SCAN = sa.select(*_SENT_COLUMNS).where(_checkin.forum_id == sa.bindparam("forum_id"),
                                             _checkin.nonce == sa.bindparam("nonce"))


@dataclass(frozen=True)
class SentScan:
    answer: dict
    scanner_id: int | None
    device_id: str

    def answer_for(self, scanner_id: int | None, device_id: str) -> dict | None:
        """The stored answer, only for the scanner (account and device) that sent the nonce: another
        device replaying someone else's nonce learns nothing about the person scanned."""
        if self.scanner_id != scanner_id or self.device_id != (device_id or ""):
            return None
        return self.answer


def _sent_scan(row) -> SentScan | None:
    if row is None or row.sent_answer is None:
        return None
    return SentScan(row.sent_answer, row.sent_scanner_id, row.sent_device_id)


def sent_scan(forum_id: int, nonce: str | None) -> SentScan | None:
    """The scan `nonce` already names in the forum, if any."""
    if not nonce:
        return None
    return _sent_scan(db.session.connection().execute(_SENT_SCAN, {"forum_id": forum_id, "nonce": nonce}).first())


# The ticket holder's live first entry in the forum (at most one: uq_checkin_first_entry), so that a
# scan of someone already in records its row at once instead of after a refused first entry.
_first = CheckIn.__table__.alias("first_entry")
_first_point = CheckInPoint.__table__.alias("first_point")


@dataclass(frozen=True)
class FirstEntry:
    """When and where the attendee was admitted (as services._LIVE_FIRST_ENTRY's rows)."""
    scanned_at: datetime
    point_key: str | None


@dataclass(frozen=True)
class DoorRef(ForumRef):
    """A forum with what a scan there names, read in one statement: two round trips fewer a scan.

    `point` is the point named by `point_ref` (key or id), or the forum's first active point when
    `point_ref` is None; None when there is no such point. `ticket` is lookup_for_scan(code)'s
    (status, row). `first` is the holder's live first entry here, if any. `sent` is sent_scan(nonce).
    check_in() judges them as it would its own lookups.
    """

    point_ref: str | None = None
    point: PointRow | None = None
    code: str | None = None
    ticket: tuple | None = None
    first: FirstEntry | None = None
    nonce: str | None = None
    sent: SentScan | None = None


def _door_statement(named: bool, nonce: bool):
    forum, ticket = Forum.__table__, Ticket.__table__
    if named:
        on = sa.or_(_point.key == sa.bindparam("key"), _point.id == sa.bindparam("id"))
        order = (_point.id,)
    else:
        on, order = _point.active.is_(True), (_point.position, _point.id)
    # The ticket is joined on its key alone (at most one row): one of another forum is wrong_forum.
    joined = (forum.outerjoin(CheckInPoint.__table__, sa.and_(_point.forum_id == forum.c.id, on))
              .outerjoin(ticket, ticket.c.key == sa.bindparam("ticket_key", type_=ticket.c.key.type))
              .outerjoin(*SCAN_JOIN)
              .outerjoin(_first, sa.and_(_first.c.forum_id == forum.c.id,
                                         _first.c.attendee_id == Attendee.__table__.c.id, counts_as_arrival(_first.c)))
              .outerjoin(_first_point, _first_point.c.id == _first.c.point_id))
    sent = _SENT_COLUMNS
    if nonce:  # only then: a plan made while the table was empty would scan it for every scan
        joined = joined.outerjoin(CheckIn.__table__, sa.and_(_checkin.forum_id == forum.c.id,
                                                             _checkin.nonce == sa.bindparam("nonce")))
    else:
        sent = (sa.null().label("sent_answer"), sa.null().label("sent_scanner_id"), sa.null().label("sent_device_id"))
    return (sa.select(forum.c.id.label("door_forum_id"), forum.c.slug, forum.c.door_shows_access_needs,
                      _point.id.label("point_id"), _point.key.label("point_key"), _point.active.label("point_active"),
                      *SCAN_COLUMNS, _first.c.scanned_at.label("first_scanned_at"),
                      _first_point.c.key.label("first_point_key"), *sent)
            .select_from(joined).where(forum.c.slug == sa.bindparam("slug")).order_by(*order).limit(1))


# By (point named, nonce given): built once each, so SQLAlchemy reuses their compiled form.
_DOOR = {(named, nonce): _door_statement(named, nonce) for named in (True, False) for nonce in (True, False)}


def _door_read(ref: str, point_ref: str | None, code: str | None,
               nonce: str | None) -> tuple[sa.Select, dict] | None:
    """The door's statement and parameters for a scan of `code` at `point_ref` in forum `ref`; None
    when the forum is named by its id (the older separate lookups)."""
    key = parse_forum_ref(ref)
    if not isinstance(key, str):
        return None
    params = {"slug": key, "ticket_key": parse_code(code)}
    if nonce:
        params["nonce"] = nonce
    if point_ref is not None:
        params.update(_point_params(point_ref))
    return _DOOR[point_ref is not None, bool(nonce)], params


def door_rider() -> tuple[tuple, sa.Select, dict] | None:
    """The door's read for the scan this request carries, to ride in the Bearer sign-in's statement
    (accounts.auth): (inputs, select, parameters). The body is taken as sent; door_ref() uses the
    row only if the validated scan has the same inputs, else it reads for itself."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return None
    inputs = (request.view_args.get("forum"), body.get("point"), body.get("code"), body.get("nonce"))
    if not all(value is None or isinstance(value, str) for value in inputs[1:]) or inputs[2] is None:
        return None
    read = _door_read(*inputs)
    return None if read is None else (inputs, *read)


def door_ref(ref: str, point_ref: str | None, code: str | None, nonce: str | None = None) -> ForumRef:
    """forum_ref() for a scan of `code` at `point_ref` with `nonce`: a DoorRef carrying the point, the
    ticket, its holder's live first entry and the scan the nonce already names, read in one statement
    when the forum is named by its slug (as scanners do), or read already by the sign-in (door_rider);
    a plain ForumRef when it is named by its id."""
    row = ridden((ref, point_ref, code, nonce))
    if row is NOT_RIDDEN:
        read = _door_read(ref, point_ref, code, nonce)
        if read is None:
            return forum_ref(ref)
        row = db.session.connection().execute(*read).first()
    if row is None or row.door_forum_id is None:
        raise NotFound(_l("No such forum."))
    point = PointRow(row.point_id, row.point_key, row.point_active) if row.point_id is not None else None
    first = FirstEntry(row.first_scanned_at, row.first_point_key) if row.first_scanned_at is not None else None
    return DoorRef(row.door_forum_id, row.slug, bool(row.door_shows_access_needs), point_ref=point_ref, point=point,
                   code=code, ticket=scan_status(row, row.door_forum_id), first=first, nonce=nonce,
                   sent=_sent_scan(row))

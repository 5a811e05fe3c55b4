"""Check-in use cases. ONE check_in() serves the scanner page, the kiosk, the API and the CLI.

Exactly-once admission is the database's job: a CheckIn row with first_entry=True is
inserted with ON CONFLICT DO NOTHING, and the partial unique index uq_checkin_first_entry
refuses a second live one for the same attendee, whichever thread or process tries. The
loser's INSERT inserts nothing, and it records an `already_checked_in` scan instead.
Nonces work the same way through uq_checkin_forum_nonce: a resent scan finds the stored
answer and records nothing.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..attendees.models import AttendeeStatus
from ..attendees.tickets import lookup_for_scan
from ..audit.services import record
from ..db import HK, utcnow
from ..errors import NotFound, ValidationError
from ..extensions import db
from ..permissions import ensure
from ..text import clean
from ..schemas import load
from .door import DoorRef, checked_point, point_for_scan, sent_scan
from .models import CheckIn, CheckInPoint, ScanResult, counts_as_arrival
from .schemas import ScanIn


# How far ahead of the server's clock a device's scanned_at may be before it is not believed.
CLOCK_SKEW = timedelta(minutes=5)
MAX_BATCH = 200


@dataclass
class Scan:
    """One scan as a device reports it."""

    code: str
    point: str | None = None
    nonce: str | None = None
    scanned_at: datetime | None = None
    device_id: str = ""
    direction: str = "in"  # "out" only at points that scan out (checkin/kinds.py)


_SCAN = ScanIn()


# --- parsing what devices send (shared by the API, the pages and the CLI) -----------------------

def parse_scan(data, *, device_id: str = "") -> Scan:
    """A Scan from a JSON object, checked by the API's ScanIn schema; ValidationError (400) otherwise."""
    if not isinstance(data, dict):
        raise ValidationError(_l("Each scan must be a JSON object."))
    values = load(_SCAN, data)
    return Scan(code=values["code"].strip(), point=values.get("point"), nonce=values.get("nonce"),
                scanned_at=values.get("scanned_at"), device_id=(values.get("device_id") or device_id)[:80],
                direction=values.get("direction") or "in")


def parse_batch(data) -> list:
    """The raw scans of a batch body; each is parsed on its own so one bad item spoils only its answer."""
    scans = data.get("scans") if isinstance(data, dict) else None
    if not isinstance(scans, list):
        raise ValidationError(_l("Send an object with a list of scans."), field="scans")
    if len(scans) > MAX_BATCH:
        raise ValidationError(_l("At most %(n)d scans per batch.", n=MAX_BATCH), field="scans")
    return scans


# --- the one check-in ---------------------------------------------------------------------------

def hk_iso(value: datetime | None) -> str | None:
    return value.astimezone(HK).isoformat(timespec="seconds") if value else None


def attendee_json(attendee, *, access_needs: bool = False) -> dict:
    """The badge fields of an Attendee (or of a row with the same column names). Access needs
    only where the forum shows them to door staff (Forum.door_shows_access_needs)."""
    person = {"id": attendee.id, "name_en": attendee.name_en, "name_zh": attendee.name_zh,
              "organisation": attendee.organisation, "kind": attendee.kind.value}
    if access_needs:
        person["access_needs"] = attendee.access_needs
    return person


def _answer(result: ScanResult, person: dict | None = None, at: datetime | None = None,
            point_key: str | None = None) -> dict:
    return {"result": result.value, "attendee": person, "checked_in_at": hk_iso(at), "point": point_key}


# The statements of the hot path, built once as Core so SQLAlchemy reuses their compiled form.
_checkin_table = CheckIn.__table__
_checkin = _checkin_table.c
_point = CheckInPoint.__table__.c
_LIVE_FIRST_ENTRY = (sa.select(_checkin.scanned_at, _point.key.label("point_key"))
                     .select_from(_checkin_table.outerjoin(CheckInPoint.__table__, _point.id == _checkin.point_id))
                     .where(_checkin.forum_id == sa.bindparam("forum_id"),
                            _checkin.attendee_id == sa.bindparam("attendee_id"),
                            counts_as_arrival(_checkin)))
# ON CONFLICT DO NOTHING: a row refused by a unique index (first entry or nonce) is simply not
# inserted (rowcount 0), on SQLite (3.24+) and PostgreSQL alike. The database still
# decides; this only saves the SAVEPOINT and the exception a refused INSERT would otherwise cost.
# Written as text() because SQLAlchemy does not cache the compiled form of its dialect-specific
# on_conflict_do_nothing() inserts; the typed bind parameters keep the columns' conversions
# (UTC datetimes, JSON, enum check).
_INSERT_COLUMNS = ("forum_id", "attendee_id", "ticket_id", "point_id", "result", "first_entry", "scanned_at",
                   "received_at", "device_id", "scanner_id", "nonce", "answer", "annul_reason")
_INSERT_UNLESS_TAKEN = sa.text(
    f"INSERT INTO {_checkin_table.name} ({', '.join(_INSERT_COLUMNS)}) "
    f"VALUES ({', '.join(':' + name for name in _INSERT_COLUMNS)}) ON CONFLICT DO NOTHING"
).bindparams(*(sa.bindparam(name, type_=_checkin[name].type) for name in _INSERT_COLUMNS))
_PRESERVE_ROWCOUNT = {"preserve_rowcount": True}  # SQLAlchemy keeps an INSERT's rowcount only if asked


def _stored_answer(forum_id: int, nonce: str | None, scanner_id: int | None = None,
                   device_id: str = "") -> dict | None:
    sent = sent_scan(forum_id, nonce)
    return sent.answer_for(scanner_id, device_id) if sent else None


def _live_first_entry(forum_id: int, attendee_id: int):
    """(scanned_at, point_key) of the attendee's live first entry, or None."""
    return db.session.connection().execute(
        _LIVE_FIRST_ENTRY, {"forum_id": forum_id, "attendee_id": attendee_id}).first()


@functools.lru_cache(maxsize=8)  # a dialect per engine: one in a server, and tests make many
def _driver_insert(dialect) -> tuple[str, tuple, tuple | None]:
    """_INSERT_UNLESS_TAKEN compiled once for `dialect`: its text as the driver takes it, each
    column's conversion (its type's own bind processor), and the parameters' order where the
    driver's are positional (SQLite's ?), else None."""
    compiled = _INSERT_UNLESS_TAKEN.compile(dialect=dialect)
    conversions = tuple((name, _checkin[name].type.bind_processor(dialect)) for name in _INSERT_COLUMNS)
    return compiled.string, conversions, compiled.positiontup


def _try_insert(values: dict) -> bool:
    """Record one scan; False when a unique index (first entry or nonce) refused it.

    A Core INSERT, not session.add(): the door's hot path skips the unit of work (spent while
    SQLite's write lock is held). It goes through the session's connection and transaction,
    compiled once and handed to the driver with the columns' own conversions: SQLAlchemy's
    per-execution setup of a compiled statement was a thirtieth of a door scan.
    """
    connection = db.session.connection()
    text, conversions, order = _driver_insert(connection.dialect)
    params = {name: convert(values[name]) if convert else values[name] for name, convert in conversions}
    return connection.exec_driver_sql(text, tuple(params[name] for name in order) if order else params,
                                      execution_options=_PRESERVE_ROWCOUNT).rowcount == 1


def check_in(actor, forum, scan: Scan) -> dict:
    """Judge one scan, record it, and return the answer of the contract:
    {"result", "attendee": {...} | null, "checked_in_at", "point"}.

    `forum` is a Forum or a ForumRef (only its id is used), or a DoorRef that brings the point and the ticket. Everything is read first, then one
    row is written, and every statement stands alone: the unique indexes, not the earlier reads,
    decide whether the INSERT is taken. So the API can run each statement as its own
    transaction on SQLite (forum.db.autocommit_statements) and hold the write lock only for it.
    """
    ensure(actor, "checkin.scan", forum)
    if scan.direction != "in":
        raise ValidationError(_l("This point does not scan out."), field="direction")
    db.session.flush()  # the Core reads below use the session's connection, which does not autoflush
    forum_id, actor_id = forum.id, getattr(actor, "id", None)
    door = forum if isinstance(forum, DoorRef) else None
    ticket_read = door is not None and door.code == scan.code  # the door's read was for this code
    if door is not None and door.nonce == scan.nonce:
        stored = door.sent.answer_for(actor_id, scan.device_id) if door.sent else None
    else:
        stored = _stored_answer(forum_id, scan.nonce, actor_id, scan.device_id)
    if stored is not None:
        return stored
    now = utcnow()
    scanned_at = scan.scanned_at or now
    if scanned_at > now + CLOCK_SKEW:
        scanned_at = now
    if door is not None and door.point_ref == scan.point:
        point_id, point_key = checked_point(door.point, scan.point)
    else:
        point_id, point_key = point_for_scan(forum_id, scan.point)
    if ticket_read:
        status, found = door.ticket
    else:
        status, found = lookup_for_scan(scan.code, forum_id)
    holder = found if status in ("ok", "revoked") else None
    if status == "ok" and holder.status == AttendeeStatus.cancelled:
        status = "revoked"
    person = attendee_json(holder, access_needs=getattr(forum, "door_shows_access_needs", False)) if holder else None
    attendee_id = holder.id if holder else None
    ticket_id = holder.ticket_id if holder else None

    def row(result: ScanResult, answer: dict, first: bool = False) -> dict:
        return dict(forum_id=forum_id, attendee_id=attendee_id, ticket_id=ticket_id, point_id=point_id,
                    result=result.value, first_entry=first, scanned_at=scanned_at, received_at=now,
                    device_id=scan.device_id, scanner_id=actor_id, nonce=scan.nonce, answer=answer,
                    annul_reason="")

    if status != "ok":
        # invalid / wrong_forum say nothing about the holder; revoked names them for the door staff.
        answer = _answer(ScanResult(status), person)
        if _try_insert(row(ScanResult(status), answer)):
            return answer
        return _stored_answer(forum_id, scan.nonce, actor_id, scan.device_id) or answer

    answer = _answer(ScanResult.ok, person, scanned_at, point_key)
    # Someone the door's read found in already is answered so at once: one INSERT, no refused one.
    first = door.first if ticket_read else None
    if first is None and _try_insert(row(ScanResult.ok, answer, first=True)):
        return answer
    # Already in, or refused: either this nonce was recorded meanwhile, or the attendee got in.
    for _attempt in range(3):
        if first is None:
            stored = _stored_answer(forum_id, scan.nonce, actor_id, scan.device_id)
            if stored is not None:
                return stored
            first = _live_first_entry(forum_id, attendee_id)
            if first is None:  # the first entry was annulled meanwhile: try to be the first again
                if _try_insert(row(ScanResult.ok, answer, first=True)):
                    return answer
                continue
        already = _answer(ScanResult.already_checked_in, person, first.scanned_at, first.point_key)
        if _try_insert(row(ScanResult.already_checked_in, already)):
            return already
        first = None  # the nonce was recorded meanwhile: read again
    raise ValidationError(_l("The scan could not be recorded; please scan again."))


def check_in_batch(actor, forum, scans: list) -> list[dict]:
    """Each scan (a Scan or its raw JSON object) judged exactly as a single one, answers in order.

    A scan that a single request would refuse with 400 (malformed, unknown point) gets
    {"result": "error", "error": {...}} in its place, so one bad item cannot block a queue.
    """
    ensure(actor, "checkin.scan", forum)
    results = []
    for item in scans:
        try:
            scan = item if isinstance(item, Scan) else parse_scan(item)
            results.append(check_in(actor, forum, scan))
        except ValidationError as error:
            results.append({"result": "error", "error": {"code": error.code, "message": error.message},
                            "attendee": None, "checked_in_at": None, "point": None})
    return results


# --- annulment ----------------------------------------------------------------------------------

def get_check_in(forum, checkin_id: int) -> CheckIn:
    row = db.session.get(CheckIn, checkin_id)
    if row is None or row.forum_id != forum.id:
        raise NotFound()
    return row


def annul_check_in(actor, row: CheckIn, reason: str) -> None:
    """Undo a mistaken scan. The row stays in the history, marked; the audit trail says who and why."""
    ensure(actor, "checkin.annul", row)
    reason = clean(reason)
    if not reason:
        raise ValidationError(_l("Say why the check-in is annulled."), field="reason")
    if row.annulled_at is not None:
        raise ValidationError(_l("This check-in is already annulled."))
    row.annulled_at = utcnow()
    row.annulled_by_id = getattr(actor, "id", None)
    row.annul_reason = reason[:300]
    db.session.flush()
    record(actor, "checkin.annul", row, forum_id=row.forum_id,
           changes={"attendee_id": row.attendee_id, "result": row.result.value, "first_entry": row.first_entry,
                    "reason": row.annul_reason})

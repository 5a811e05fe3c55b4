""""Meeting happened" at the networking hour: a participant's badge scanned at their table in their slot.

The badge is the door ticket (its QR code read through forum/signed_codes.py by the attendees'
ticket lookup), so the door scanner's page and script serve here too. The server's clock decides
the slot: a scan at the wrong table, in another slot or of someone with no meeting here is
answered with what is wrong and records nothing. Exactly once is the database's: one attendance
row per meeting and person (unique index, ON CONFLICT DO NOTHING), and the meeting row is locked
while its second attendance is counted, so two badges scanned at once still mark it happened.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..accounts.models import User
from ..attendees.models import Attendee
from ..attendees.tickets import lookup_for_scan
from ..audit.services import record
from ..db import HK, utcnow
from ..errors import ValidationError
from ..extensions import db
from ..permissions import can, ensure
from .bookmarks import _insert
from .models import NetworkingAttendance, NetworkingHour, NetworkingMeeting

# A badge scanned this long before a slot starts counts for that slot (people sit down early).
EARLY = timedelta(minutes=2)
RESULTS = ("ok", "already_recorded", "invalid", "revoked", "wrong_forum", "outside_hour", "not_scheduled",
           "no_meeting_now", "wrong_table", "not_your_meeting")
MESSAGES = {
    "invalid": _l("This is not a badge of this forum."),
    "revoked": _l("This badge was replaced or cancelled: ask for the new one."),
    "wrong_forum": _l("This badge is for another forum."),
    "outside_hour": _l("The networking hour is not on now: scans count only during its slots."),
    "not_scheduled": _l("This person has no meeting in this networking hour."),
    "no_meeting_now": _l("This person has no meeting in this slot. Their meetings: %(when)s."),
    "wrong_table": _l("Wrong table: this person's meeting now is at table %(table)d."),
    "not_your_meeting": _l("This person is not in your meeting now."),
}


def slot_at(hour: NetworkingHour, at: datetime) -> int | None:
    """The slot running at `at` (a few minutes early counts), or None outside the hour."""
    length = timedelta(minutes=hour.slot_minutes)
    offset = at + EARLY - hour.starts_at
    if offset < timedelta(0):
        return None
    slot = int(offset // length)
    return slot if slot < hour.slots else None


def _refusal(result: str, person: dict | None, **values) -> dict:
    message = MESSAGES[result] % values if values else MESSAGES[result]
    return {"result": result, "attendee": person, "meeting": None, "table": None,
            "error": {"code": result, "message": str(message)}}


def scan_at_table(actor, hour: NetworkingHour, *, code, table, at: datetime | None = None) -> dict:
    """Record that the badge's holder is at `table` for their meeting in the slot running now.

    Door staff and organisers scan anyone; a participant scans the badge of the person they meet,
    which records both of them (the scanning phone is signed in as the other person at the table).
    """
    ensure(actor, "networking.scan")
    if isinstance(table, bool) or not isinstance(table, int) or not 1 <= table <= hour.tables:
        raise ValidationError(_l("Choose a table from 1 to %(n)d.", n=hour.tables), field="table")
    if not isinstance(code, str) or not code.strip() or len(code) > 200:
        raise ValidationError(_l("Give the scanned code as text."), field="code")
    status, row = lookup_for_scan(code, hour.forum_id)
    person = ({"name_en": row.name_en, "name_zh": row.name_zh, "organisation": row.organisation}
              if row is not None else None)
    if status != "ok":
        return _refusal(status, person if status != "invalid" else None)
    user_id = db.session.scalar(sa.select(Attendee.user_id).where(Attendee.id == row.id))
    mine = db.session.scalars(sa.select(NetworkingMeeting).where(
        NetworkingMeeting.hour_id == hour.id,
        sa.or_(NetworkingMeeting.first_id == user_id, NetworkingMeeting.second_id == user_id))
        .order_by(NetworkingMeeting.slot)).all() if user_id is not None else []
    if not mine:
        return _refusal("not_scheduled", person)
    slot = slot_at(hour, at or utcnow())
    if slot is None:
        return _refusal("outside_hour", person)
    meeting = next((m for m in mine if m.slot == slot), None)
    if meeting is None:
        from .networking import slot_time

        when = ", ".join(str(_l("%(time)s at table %(table)d", time=f"{slot_time(hour, m.slot)[0].astimezone(HK):%H:%M}",
                                    table=m.table)) for m in mine)
        return _refusal("no_meeting_now", person, when=when)
    staff = can(actor, "networking.scan_any")
    if not staff and actor.id not in (meeting.first_id, meeting.second_id):
        return _refusal("not_your_meeting", person)
    if meeting.table != table:
        return _refusal("wrong_table", person, table=meeting.table)
    # A participant's phone scanning the other person's badge shows both are at the table.
    attendees = {user_id} if staff or user_id == actor.id else {meeting.first_id, meeting.second_id}
    new = _attend(actor, hour, meeting, attendees)
    other_id = meeting.second_id if user_id == meeting.first_id else meeting.first_id
    other = db.session.get(User, other_id)
    with_whom = _l("Meeting with %(name)s, table %(table)d.", name=other.name_en or other.name_zh, table=table)
    return {"result": "ok" if new else "already_recorded", "attendee": person, "meeting": meeting.id,
            "table": table, "happened": meeting.happened_at is not None, "note": str(with_whom)}


def _attend(actor, hour: NetworkingHour, meeting: NetworkingMeeting, user_ids: set[int]) -> bool:
    """Insert the attendance rows (a repeat inserts nothing); True when one was new. The meeting is
    marked happened once both people are recorded, counted under the meeting row's lock."""
    db.session.execute(sa.select(NetworkingMeeting.id).where(NetworkingMeeting.id == meeting.id).with_for_update())
    now = utcnow()
    new = 0
    for user_id in sorted(user_ids):
        inserted = db.session.execute(_insert(NetworkingAttendance.__table__).values(
            meeting_id=meeting.id, user_id=user_id, scanned_by_id=actor.id, scanned_at=now)
            .on_conflict_do_nothing(index_elements=["meeting_id", "user_id"])
            .returning(NetworkingAttendance.__table__.c.id))
        new += inserted.scalar() is not None
    if new:
        present = db.session.scalar(sa.select(sa.func.count()).select_from(NetworkingAttendance).where(
            NetworkingAttendance.meeting_id == meeting.id))
        if present >= 2:
            db.session.execute(sa.update(NetworkingMeeting).where(
                NetworkingMeeting.id == meeting.id, NetworkingMeeting.happened_at.is_(None))
                .values(happened_at=now).execution_options(synchronize_session=False))
        record(actor, "networking.attendance", meeting, forum_id=hour.forum_id,
               changes={"table": meeting.table, "slot": meeting.slot + 1, "present": present})
    db.session.expire(meeting)
    return bool(new)


def attended(hour: NetworkingHour) -> set[tuple[int, int]]:
    """(meeting id, user id) of everyone scanned at their table in the hour."""
    return set(db.session.execute(sa.select(NetworkingAttendance.meeting_id, NetworkingAttendance.user_id)
                                  .join(NetworkingMeeting, NetworkingMeeting.id == NetworkingAttendance.meeting_id)
                                  .where(NetworkingMeeting.hour_id == hour.id)).tuples())

"""Lab passes and the lab door: one scan() judges every entry and exit, and says why it refuses.

A pass code is "HKD1" + a signed body (forum/signed_codes.py), like a forum ticket but signed with
the derived "datalab-pass" key: `key` is 10 random bytes on the TeamMember row. Nothing personal
is in it, and a forged code fails before any lookup.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..checkin.models import CheckInPoint, PointKind
from ..checkin.points import add_kind_point, points_of_kind
from ..checkin.services import CLOCK_SKEW, Scan, hk_iso
from ..db import HK, utcnow
from ..errors import ValidationError
from ..extensions import db
from ..keys import key_for
from ..signed_codes import BODY_LENGTH, KEY_BYTES, clean, read, sign
from ..permissions import ensure
from .applications import Status, today_hk
from .lab import SESSIONS, get_lab, session_end, session_start
from .models import Booking, DoorScan, LabApplication, TeamMember

PREFIX = "HKD1"
CODE_LENGTH = len(PREFIX) + BODY_LENGTH
CODE_PATTERN = "^HKD1[A-Z2-7]{32}$"  # what the scanner checks before it queues a scan offline
EARLY = timedelta(minutes=15)  # members may come in this long before their session starts

# The shared scanner's words at the lab's point (checkin/point_scan.html shows them).
SCANNER_WORDS = {
    "ok": _l("Welcome"), "left": _l("Goodbye"), "refused": _l("Entry refused"),
    "already_checked_in": _l("Already in the lab"), "first_at": _l("In since %(time)s", time="%(time)s"),
    "invalid": _l("Not a valid lab pass"), "not_a_code": _l("This is not a lab pass code"),
    "submit": _l("Check the pass"),
}


def door_point() -> CheckInPoint | None:
    """The lab's check-in point (kind "data lab"): where the door's scans are made."""
    return next(iter(points_of_kind(PointKind.data_lab)), None)


def open_door_point(actor, name_en: str = "", name_zh: str = "") -> CheckInPoint:
    """Set up the lab's check-in point (lab staff, once); the scanner page is then checkin.point_scan."""
    ensure(actor, "datalab.staff", get_lab())
    if (point := door_point()) is not None:
        return point
    lab = get_lab()
    return add_kind_point(actor, PointKind.data_lab, name_en or lab.name_en or "Data lab door",
                          name_zh or lab.name_zh, key="data-lab")


def pass_code(member: TeamMember) -> str:
    """The member's pass code, issued the first time it is asked for."""
    if member.pass_key is None:
        member.pass_key = secrets.token_bytes(KEY_BYTES)
        db.session.flush()
    return sign(PREFIX, member.pass_key, key_for("datalab-pass"))


def parse_code(text) -> bytes | None:
    text = clean(text)
    return read(text, PREFIX, key_for("datalab-pass")) if text else None


def _hm(value: datetime) -> str:
    return value.astimezone(HK).strftime("%H:%M")


def _day(value) -> str:
    return value.strftime("%-d %b") if value else ""


def _person(member: TeamMember | None) -> dict | None:
    if member is None:
        return None
    user = member.user
    return {"name_en": user.name_en, "name_zh": user.name_zh,
            "organisation": member.application.owner.display_name, "access_needs": "", "kind": "datalab"}


def _judge_entry(member: TeamMember, now: datetime) -> tuple[Booking | None, str]:
    """(the booking that admits the member now, or None and the reason for refusing)."""
    application = member.application
    today = today_hk(now)
    if application.status != Status.approved:
        return None, _("This pass is not valid: the application is %(status)s.", status=application.status.value)
    if application.pass_until and today > application.pass_until:
        return None, _("This pass expired on %(day)s; today is %(today)s. Further access needs a new "
                       "application.", day=_day(application.pass_until), today=_day(today))
    bookings = db.session.scalars(sa.select(Booking).where(Booking.user_id == member.user_id,
                                                           Booking.application_id == application.id,
                                                           Booking.released_at.is_(None),
                                                           Booking.held_until.is_(None),  # confirmed only
                                                           Booking.day >= today)
                                  .order_by(Booking.day, Booking.session)).all()
    over = [b for b in bookings if session_end(b.day, b.session) <= now]  # earlier today
    bookings = [b for b in bookings if session_end(b.day, b.session) > now]
    for booking in bookings:
        if booking.day == today and session_start(today, booking.session) - EARLY <= now:
            return booking, ""
    if not bookings and not over:
        return None, _("No booked session on this pass from today on.")
    today_left = [b for b in bookings if b.day == today]
    if not today_left and not over:
        return None, _("Booked from %(day)s; today is %(today)s.", day=_day(bookings[0].day), today=_day(today))
    start, end = SESSIONS[(today_left or over)[0].session]  # today's next session, else the one that is over
    return None, _("Booked today %(start)s-%(end)s; it is %(now)s.", start=start.strftime("%H:%M"),
                   end=end.strftime("%H:%M"), now=_hm(now))


def _answer(direction: str, admitted: bool, reason: str, member: TeamMember | None,
            booking: Booking | None, *, already_in: bool = False, point_key: str | None = None) -> dict:
    """A judged scan in the scanner's shape (checkin.schemas.PointAnswer)."""
    if member is None:
        return {"result": "invalid", "attendee": None, "point": point_key, "error": {"message": reason}}
    result = "refused"
    if admitted:
        result = "left" if direction == "out" else "already_checked_in" if already_in else "ok"
    answer = {"result": result, "attendee": _person(member), "seat": booking.workstation.code if booking else None,
              "point": point_key,
              "checked_in_at": hk_iso(booking.entered_at) if booking is not None and admitted else None}
    if reason:
        answer["error"] = {"message": reason}
    return answer


def _stored_answer(actor, nonce: str) -> dict | None:
    """The first answer to a scan sent again (the offline queue resends until it hears back). It goes
    back only to the account that sent it: a nonce is no way to read someone else's scans."""
    row = db.session.scalar(sa.select(DoorScan).where(DoorScan.nonce == nonce))
    if row is None:
        return None
    if row.scanned_by_id != actor.id:
        raise ValidationError(_l("This scan was already sent from another account."), field="nonce")
    member = db.session.get(TeamMember, row.team_member_id) if row.team_member_id else None
    if row.answer:  # kept without the person: their name is read from the account (an erasure reaches it)
        return {**row.answer, "attendee": _person(member)}
    # A scan recorded before answers were kept: told again from the row.
    booking = db.session.get(Booking, row.booking_id) if row.booking_id else None
    return _answer(row.direction, row.admitted, row.reason, member, booking)


def _kept(answer: dict) -> dict:
    """The answer as kept on the scan, for a resend: everything but the person (see _stored_answer)."""
    return {key: value for key, value in answer.items() if key != "attendee"}


def _set_once(booking: Booking, values: dict, *conditions) -> bool:
    """A conditional UPDATE of the booking: True when this statement changed it. The database decides,
    also between two scans of the same pass at once: the second finds the condition no longer holds."""
    changed = db.session.execute(
        sa.update(Booking).where(Booking.id == booking.id, *conditions).values(**values)
        .execution_options(synchronize_session=False)).rowcount == 1
    db.session.expire(booking, ["entered_at", "left_at"])
    return changed


def _enter(booking: Booking, now: datetime) -> tuple[bool, bool]:
    """(first entry, already inside). The first entry sets entered_at once (WHERE entered_at IS NULL,
    and uq_datalab_door_first_entry on the scan); someone who scanned out may come back in."""
    if _set_once(booking, {"entered_at": now}, Booking.entered_at.is_(None)):
        return True, False
    back = _set_once(booking, {"left_at": None}, Booking.left_at.is_not(None))
    return False, not back


def scan(actor, code: str, direction: str = "in", *, now: datetime | None = None, nonce: str | None = None,
         point=None) -> dict:
    """Judge one scan at the lab door and record it. Answers in the scanner's shape; a scan with a
    nonce already recorded gets the first answer again (uq_datalab_door_scan_nonce)."""
    ensure(actor, "datalab.staff", get_lab())
    if direction not in ("in", "out"):
        raise ValidationError(_l("Scan in or out."), field="direction")
    now = now or utcnow()
    if nonce and (stored := _stored_answer(actor, nonce)) is not None:
        return stored
    point_id, point_key = (point.id, point.key) if point is not None else (None, None)
    key = parse_code(code)
    member = db.session.scalar(sa.select(TeamMember).where(TeamMember.pass_key == key)) if key else None
    if member is None:
        reason = _("Not a valid lab pass (or the person is no longer named on the team).")
        answer = _answer(direction, False, reason, None, None, point_key=point_key)
        db.session.add(DoorScan(at=now, direction=direction, admitted=False, reason=reason, scanned_by_id=actor.id,
                                nonce=nonce, point_id=point_id, answer=_kept(answer)))
        db.session.flush()
        record(actor, "datalab.door_refused", None, object_type="LabApplication", changes={"reason": reason})
        return answer
    application: LabApplication = member.application
    first = already_in = False
    if direction == "out":
        booking = db.session.scalar(sa.select(Booking).where(
            Booking.user_id == member.user_id, Booking.entered_at.is_not(None), Booking.left_at.is_(None),
            Booking.day == today_hk(now)).order_by(Booking.entered_at.desc()).limit(1))
        admitted = booking is not None and _set_once(booking, {"left_at": now}, Booking.left_at.is_(None))
        reason = "" if admitted else _("This person has not scanned in today.")
        booking = booking if admitted else None
    else:
        booking, reason = _judge_entry(member, now)
        admitted = booking is not None
        if admitted:
            first, already_in = _enter(booking, now)
    answer = _answer(direction, admitted, reason, member, booking, already_in=already_in, point_key=point_key)
    db.session.add(DoorScan(at=now, direction=direction, admitted=admitted, reason=reason, first_entry=first,
                            team_member_id=member.id, booking_id=booking.id if booking else None,
                            scanned_by_id=actor.id, nonce=nonce, point_id=point_id, answer=_kept(answer)))
    db.session.flush()
    if already_in:  # a second scan of someone inside: recorded as a scan, not as another entry
        return answer
    action = {("in", True): "datalab.entered", ("out", True): "datalab.left"}.get((direction, admitted),
                                                                                  "datalab.door_refused")
    changes = {"member": member.user.display_name}
    if booking is not None:
        changes |= {"seat": booking.workstation.code, "session": booking.session}
    if reason:
        changes["reason"] = reason
    record(actor, action, application, changes=changes)
    return answer


def judge(actor, point, parsed: Scan, *, now: datetime | None = None) -> dict:
    """A scan at the lab's check-in point (PointKind.data_lab, registered by datalab.init_app), judged
    at the time it was scanned: a queued offline scan keeps its time, a device clock ahead of the
    server's is not believed."""
    now = now or utcnow()
    at = parsed.scanned_at if parsed.scanned_at and parsed.scanned_at <= now + CLOCK_SKEW else now
    try:
        with db.session.begin_nested():
            return scan(actor, parsed.code, parsed.direction, now=at, nonce=parsed.nonce, point=point)
    except IntegrityError:  # the same nonce recorded at this instant by a parallel resend
        stored = _stored_answer(actor, parsed.nonce) if parsed.nonce else None
        if stored is None:
            raise ValidationError(_l("The scan could not be recorded; please scan again.")) from None
        return stored

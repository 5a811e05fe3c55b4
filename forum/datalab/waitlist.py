"""The waiting list: a named member waits for any seat in one session. When a seat of that session
is released (cancellation, no-show, an expired hold), the longest-waiting member who can still use it
gets it as a held booking; unconfirmed by `held_until`, it goes to the next one.

Holds are real Booking rows, so the same unique indexes keep a held seat from being booked twice.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..db import utcnow
from ..errors import Conflict, ValidationError
from ..extensions import db
from .applications import notify, today_hk
from .dbutil import insert_unless_taken
from .lab import SESSIONS, get_lab, is_open_day, session_end, session_start, workstations
from .models import Booking, LabApplication, WaitingListEntry
from .seats import booking_open, ensure_booker, release, take_day


def free_stations(day: date, session: str) -> list[int]:
    taken = set(db.session.scalars(sa.select(Booking.workstation_id).where(
        Booking.day == day, Booking.session == session, Booking.released_at.is_(None))))
    return [s.id for s in workstations() if s.id not in taken]


def join(actor, application: LabApplication, member_user_id: int, day: date, session: str, *,
         now: datetime | None = None) -> WaitingListEntry:
    ensure_booker(actor, application)
    now = now or utcnow()
    reason = booking_open(application, today_hk(now))
    if reason:
        raise ValidationError(reason)
    if session not in SESSIONS:
        raise ValidationError(_l("Choose the morning or the afternoon session."), field="session")
    if not any(m.user_id == member_user_id for m in application.team):
        raise ValidationError(_l("Book seats only for the named team members."), field="member")
    if not (application.pass_from <= day <= application.pass_until) or not is_open_day(day):
        raise ValidationError(_l("The lab is closed that day."), field="day")
    if session_start(day, session) <= now:
        raise ValidationError(_l("That session has already started."), field="day")
    if free_stations(day, session):
        raise ValidationError(_l("A seat is free in that session: book it instead."), field="day")
    entry_id = insert_unless_taken(WaitingListEntry, application_id=application.id, user_id=member_user_id,
                                   day=day, session=session, created_at=now)
    if entry_id is None:  # uq_datalab_waiting_person
        raise Conflict(_l("This person is already waiting for that session."), field="member")
    entry = db.session.get(WaitingListEntry, entry_id)
    record(actor, "datalab.waiting", application,
           changes={"member": entry.user.display_name, "day": day, "session": session})
    return entry


def offer(day: date, session: str, now: datetime) -> Booking | None:
    """Offer a free seat of this session to the longest-waiting member who can still use it."""
    stations = free_stations(day, session)
    if not stations or session_end(day, session) <= now:
        return None
    hold = timedelta(minutes=get_lab().hold_minutes)
    waiting = db.session.scalars(sa.select(WaitingListEntry).where(
        WaitingListEntry.day == day, WaitingListEntry.session == session, WaitingListEntry.closed_at.is_(None))
        .order_by(WaitingListEntry.created_at, WaitingListEntry.id)).all()
    for entry in waiting:
        application = db.session.get(LabApplication, entry.application_id)
        entry.closed_at = now
        if booking_open(application, today_hk(now)):
            continue
        try:
            take_day(application, day)
        except (ValidationError, Conflict):
            continue  # no quota day left for this team: the next one
        booking_id = insert_unless_taken(Booking, application_id=application.id, user_id=entry.user_id,
                                         workstation_id=stations[0], day=day, session=session, booked_at=now,
                                         release_reason="", held_until=now + hold)
        if booking_id is None:
            continue  # this person took a seat in that session meanwhile
        entry.offered_booking_id = booking_id
        booking = db.session.get(Booking, booking_id)
        record(None, "datalab.seat_offered", application,
               changes={"member": entry.user.display_name, "seat": booking.workstation.code, "day": day,
                        "session": session, "until": (now + hold).isoformat(timespec="minutes")})
        notify(application, "offered", f"{booking.workstation.code} {day.isoformat()} {session}")
        return booking
    db.session.flush()
    return None


def confirm(actor, booking: Booking, *, now: datetime | None = None) -> None:
    application = db.session.get(LabApplication, booking.application_id)
    ensure_booker(actor, application)
    now = now or utcnow()
    if booking.released_at is not None or booking.held_until is None:
        raise ValidationError(_l("There is no held seat to confirm."))
    if booking.held_until <= now:
        raise ValidationError(_l("The hold has expired; the seat went to the next person waiting."))
    booking.held_until = None
    db.session.flush()
    record(actor, "datalab.seat_confirmed", application,
           changes={"member": booking.user.display_name, "seat": booking.workstation.code, "day": booking.day,
                    "session": booking.session})


def expire_holds(actor, *, now: datetime | None = None) -> int:
    """Holds not confirmed in time: released, and offered to the next person waiting."""
    now = now or utcnow()
    expired = db.session.scalars(sa.select(Booking).where(Booking.released_at.is_(None),
                                                          Booking.held_until.is_not(None),
                                                          Booking.held_until <= now)).all()
    for booking in expired:
        release(booking, now, "hold_expired")
        record(actor, "datalab.hold_expired", db.session.get(LabApplication, booking.application_id),
               changes={"member": booking.user.display_name, "day": booking.day, "session": booking.session})
        offer(booking.day, booking.session, now)
    return len(expired)


def entries_of(application: LabApplication) -> list[WaitingListEntry]:
    return db.session.scalars(sa.select(WaitingListEntry).where(WaitingListEntry.application_id == application.id,
                                                                WaitingListEntry.closed_at.is_(None))
                              .order_by(WaitingListEntry.day, WaitingListEntry.session)).all()

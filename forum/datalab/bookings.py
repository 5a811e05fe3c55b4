"""Booking the pass by seat: a quota of session-days within the pass window.

The database keeps the promises: uq_datalab_booking_seat (one live booking per workstation, day
and session), uq_datalab_booking_person (one seat per person per session), and
uq_datalab_pass_day_slot (a pass's booked days take distinct slots 1..quota). Each booking is
inserted with ON CONFLICT DO NOTHING; a unique index refusing it means someone else was first.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..db import utcnow
from ..errors import Conflict, NotFound, ValidationError
from ..extensions import db
from ..permissions import can
from ..i18n import hk_datetime
from .dbutil import insert_unless_taken
from . import waitlist
from .seats import booking_open, ensure_booker, release, take_day
from .applications import notify, today_hk
from .lab import SESSIONS, get_lab, is_open_day, session_start, workstations
from .models import Booking, LabApplication, LabApplicationStatus, PassDay, Workstation


def days_used(application: LabApplication) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(PassDay)
                             .where(PassDay.application_id == application.id))


def days_left(application: LabApplication) -> int:
    return max(0, application.pass_days - days_used(application))


def live_bookings(application: LabApplication) -> list[Booking]:
    return db.session.scalars(sa.select(Booking).where(Booking.application_id == application.id,
                                                       Booking.released_at.is_(None))
                              .order_by(Booking.day, Booking.session, Booking.id)).all()


def book(actor, application: LabApplication, member_user_id: int, workstation_id: int, day: date, session: str,
         *, now: datetime | None = None) -> Booking:
    ensure_booker(actor, application)
    now = now or utcnow()
    reason = booking_open(application, today_hk(now))
    if reason:
        raise ValidationError(reason)
    if session not in SESSIONS:
        raise ValidationError(_l("Choose the morning or the afternoon session."), field="session")
    if not any(m.user_id == member_user_id for m in application.team):
        raise ValidationError(_l("Book seats only for the named team members."), field="member")
    station = db.session.get(Workstation, workstation_id)
    if station is None or not station.active:
        raise ValidationError(_l("No such workstation."), field="workstation")
    if not (application.pass_from <= day <= application.pass_until):
        raise ValidationError(_l("Book between %(start)s and %(end)s.", start=application.pass_from.isoformat(),
                                 end=application.pass_until.isoformat()), field="day")
    if not is_open_day(day):
        raise ValidationError(_l("The lab is closed that day."), field="day")
    if session_start(day, session) <= now:
        raise ValidationError(_l("That session has already started."), field="day")
    take_day(application, day)
    booking_id = insert_unless_taken(Booking, application_id=application.id, user_id=member_user_id,
                                     workstation_id=station.id, day=day, session=session, booked_by_id=actor.id,
                                     booked_at=now, release_reason="")
    if booking_id is None:  # uq_datalab_booking_seat or uq_datalab_booking_person said no
        raise Conflict(_l("That seat or day was just taken, or this person already has a seat then. "
                          "Choose another."), field="workstation")
    booking = db.session.get(Booking, booking_id)
    record(actor, "datalab.booked", application,
           changes={"member": booking.user.display_name, "seat": station.code, "day": day, "session": session})
    notify(application, "booked", f"{station.code} {day.isoformat()} {session}")
    return booking


def cancel(actor, booking: Booking, *, now: datetime | None = None) -> None:
    application = db.session.get(LabApplication, booking.application_id)
    ensure_booker(actor, application)
    now = now or utcnow()
    if booking.released_at is not None:
        raise ValidationError(_l("This booking is already cancelled."))
    lab = get_lab()
    start = session_start(booking.day, booking.session)
    if start - now < timedelta(hours=lab.cancel_hours) and not can(actor, "datalab.staff", lab):
        raise ValidationError(_l("Bookings can be cancelled up to %(n)d hours before the session; ask lab staff.",
                                 n=lab.cancel_hours))
    release(booking, now, "cancelled")
    record(actor, "datalab.booking_cancelled", application,
           changes={"member": booking.user.display_name, "seat": booking.workstation.code, "day": booking.day,
                    "session": booking.session})
    notify(application, "cancelled", f"{booking.workstation.code} {booking.day.isoformat()} {booking.session}")
    waitlist.offer(booking.day, booking.session, now)


def get_booking(booking_id: int) -> Booking:
    booking = db.session.get(Booking, booking_id)
    if booking is None:
        raise NotFound()
    return booking


def mark_no_shows(actor, *, now: datetime | None = None) -> list[Booking]:
    """Bookings with no entry `noshow_minutes` after their start: recorded as no-shows, seat released."""
    lab = get_lab()
    now = now or utcnow()
    today = today_hk(now)
    found = []
    # Held seats not yet confirmed are the waiting list's business (expire_holds), not no-shows.
    # A pass waiting for an amendment's decision cannot open the door, so its missed sessions are not no-shows.
    candidates = db.session.scalars(sa.select(Booking).join(LabApplication, LabApplication.id == Booking.application_id)
                                    .where(LabApplication.status == LabApplicationStatus.approved,
                                           Booking.released_at.is_(None),
                                                             Booking.held_until.is_(None),
                                                             Booking.entered_at.is_(None), Booking.day <= today))
    for booking in candidates:
        if session_start(booking.day, booking.session) + timedelta(minutes=lab.noshow_minutes) <= now:
            booking.released_at = now
            booking.release_reason = "no_show"
            found.append(booking)
            application = db.session.get(LabApplication, booking.application_id)
            record(actor, "datalab.no_show", application,
                   changes={"member": booking.user.display_name, "seat": booking.workstation.code,
                            "day": booking.day, "session": booking.session})
            notify(application, "no_show", f"{booking.day.isoformat()} {booking.session}")
    db.session.flush()
    for booking in found:  # the rest of the session goes to whoever waits for it
        waitlist.offer(booking.day, booking.session, now)
    return found


@dataclass
class SeatGrid:
    days: list[date]
    stations: list[Workstation]
    taken: dict[tuple[int, date, str], Booking]


def seat_grid(start: date, end: date) -> SeatGrid:
    """Which seats are taken, for a range of open days (two queries whatever the size)."""
    from .lab import open_days

    days = open_days(start, end)
    rows = db.session.scalars(sa.select(Booking).where(Booking.released_at.is_(None),
                                                       Booking.day.between(start, end))).all()
    return SeatGrid(days, workstations(), {(b.workstation_id, b.day, b.session): b for b in rows})


def describe(booking: Booking) -> str:
    return f"{booking.workstation.code} · {hk_datetime(session_start(booking.day, booking.session), 'medium')}"

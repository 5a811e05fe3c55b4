"""Taking and giving back seats and quota days: one rule for bookings, the waiting list,
cancellations, withdrawals and no-shows."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..errors import Conflict, PermissionDenied, ValidationError
from ..extensions import db
from ..permissions import can
from .dbutil import insert_unless_taken
from .lab import get_lab, session_start
from .models import Booking, LabApplication, LabApplicationStatus, PassDay


def release(booking: Booking, now: datetime, reason: str) -> None:
    booking.released_at = now
    booking.release_reason = reason
    db.session.flush()
    # A day with no live booking left gives its quota slot back (unless a no-show used it).
    others = db.session.scalar(sa.select(sa.func.count()).select_from(Booking).where(
        Booking.application_id == booking.application_id, Booking.day == booking.day,
        sa.or_(Booking.released_at.is_(None), Booking.release_reason == "no_show")))
    if not others:
        db.session.execute(sa.delete(PassDay).where(PassDay.application_id == booking.application_id,
                                                    PassDay.day == booking.day))


def release_future_bookings(application: LabApplication, now: datetime, reason: str) -> int:
    n = 0
    live = db.session.scalars(sa.select(Booking).where(Booking.application_id == application.id,
                                                       Booking.released_at.is_(None))).all()
    for booking in live:
        if session_start(booking.day, booking.session) > now:
            release(booking, now, reason)
            n += 1
    return n


def ensure_booker(actor, application: LabApplication) -> None:
    """The applicant's people, the team's members, or lab staff on their behalf."""
    if not (can(actor, "datalab.apply", application) or can(actor, "datalab.undertake", application)
            or can(actor, "datalab.staff", get_lab())):
        raise PermissionDenied()


def booking_open(application: LabApplication, today: date) -> str | None:
    """Why booking is not open (a message), or None when it is."""
    if application.status != LabApplicationStatus.approved:
        return str(_l("Booking opens when both committees have approved."))
    if not application.undertaking_complete:
        return str(_l("Booking opens when every team member has accepted the data-use undertaking."))
    if application.pass_until and today > application.pass_until:
        return str(_l("This pass expired on %(day)s. A pass cannot be extended: further access needs a new "
                      "application.", day=application.pass_until.isoformat()))
    return None


def take_day(application: LabApplication, day: date) -> None:
    """Make sure this day holds one of the pass's quota slots (taking the lowest free one)."""
    for _attempt in range(application.pass_days + 1):
        if db.session.scalar(sa.select(PassDay.id).where(PassDay.application_id == application.id,
                                                         PassDay.day == day)) is not None:
            return
        used = set(db.session.scalars(sa.select(PassDay.slot).where(PassDay.application_id == application.id)))
        free = [n for n in range(1, application.pass_days + 1) if n not in used]
        if not free:
            raise ValidationError(_l("All %(n)d days of this pass are booked.", n=application.pass_days),
                                  field="day")
        # Refused if another booking just took this slot (or this day): then look again.
        if insert_unless_taken(PassDay, application_id=application.id, day=day, slot=free[0]) is not None:
            return
    raise Conflict(_l("That seat or day was just taken, or this person already has a seat then. "
                      "Choose another."), field="day")

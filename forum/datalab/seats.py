"""Giving seats back: one rule for cancellations, withdrawals and the pass's quota."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ..extensions import db
from .lab import session_start
from .models import Booking, LabApplication, PassDay


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

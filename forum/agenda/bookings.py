"""Booth demo bookings, stars and the personal calendar feed.

Exactly one winner for the last place: the booking's INSERT (one live booking per person and slot, a
partial unique index) and the slot's conditional UPDATE (booked < capacity) run in one savepoint; if
either finds the place taken, both are undone.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..audit.services import record
from ..db import utcnow
from ..errors import Conflict, NotFound, ValidationError
from ..exhibitors.models import Application, ApplicationStatus
from ..extensions import db
from ..permissions import ensure
from ..secret_tokens import hash_token
from .models import AgendaFeedToken, AgendaSession, BoothBooking, BoothDemoSlot, SessionStar, SessionStatus
from .sessions import check_times


def open_booth_slots(actor, application: Application, starts_at: datetime, minutes: int, capacity: int,
                     count: int = 1) -> list[BoothDemoSlot]:
    ensure(actor, "agenda.booth_manage", application)
    if application.status != ApplicationStatus.approved:
        raise ValidationError(_l("Only approved exhibitors run booth demos."))
    if not 5 <= minutes <= 60 or minutes % 5:
        raise ValidationError(_l("Booth demos last 5 to 60 minutes, in 5-minute steps."), field="minutes")
    if not 1 <= capacity <= 50:
        raise ValidationError(_l("Give between 1 and 50 places."), field="capacity")
    slots = []
    for i in range(count):
        start = starts_at + timedelta(minutes=minutes * i)
        check_times(application.forum, start, start + timedelta(minutes=minutes))
        if db.session.scalar(sa.select(BoothDemoSlot.id).where(BoothDemoSlot.application_id == application.id,
                                                               BoothDemoSlot.starts_at == start)):
            raise Conflict(_l("Your booth already has a demo at that time."), field="starts_at")
        slots.append(BoothDemoSlot(forum_id=application.forum_id, application_id=application.id, starts_at=start,
                                   ends_at=start + timedelta(minutes=minutes), capacity=capacity))
    db.session.add_all(slots)
    db.session.flush()
    record(actor, "agenda.booth_slots_open", application, forum_id=application.forum_id,
           changes={"slots": [None, count]})
    return slots


def get_slot(forum, slot_id: int) -> BoothDemoSlot:
    slot = db.session.get(BoothDemoSlot, slot_id)
    if slot is None or slot.forum_id != forum.id:
        raise NotFound()
    return slot


def book(actor, slot: BoothDemoSlot) -> BoothBooking:
    ensure(actor, "agenda.book")
    try:
        with db.session.begin_nested():
            taken = db.session.execute(
                sa.update(BoothDemoSlot).where(BoothDemoSlot.id == slot.id,
                                               BoothDemoSlot.booked < BoothDemoSlot.capacity)
                .values(booked=BoothDemoSlot.booked + 1).execution_options(synchronize_session=False))
            if taken.rowcount != 1:
                raise Conflict(_l("This booth demo is full."))
            booking = BoothBooking(slot_id=slot.id, user_id=actor.id)
            db.session.add(booking)
            db.session.flush()
    except sa.exc.IntegrityError:
        raise Conflict(_l("You have already booked this booth demo."))
    db.session.refresh(slot)
    record(actor, "agenda.book", booking, forum_id=slot.forum_id)
    return booking


def cancel_booking(actor, booking: BoothBooking) -> None:
    if booking.user_id != getattr(actor, "id", None):
        ensure(actor, "agenda.manage")
    done = db.session.execute(sa.update(BoothBooking).where(BoothBooking.id == booking.id,
                                                            BoothBooking.cancelled_at.is_(None))
                              .values(cancelled_at=utcnow()).execution_options(synchronize_session=False))
    if done.rowcount == 1:  # only the cancellation that happened gives the place back
        db.session.execute(sa.update(BoothDemoSlot).where(BoothDemoSlot.id == booking.slot_id)
                           .values(booked=BoothDemoSlot.booked - 1).execution_options(synchronize_session=False))
        record(actor, "agenda.booking_cancel", booking, forum_id=booking.slot.forum_id)
    db.session.flush()
    db.session.expire_all()


def booth_slots(forum) -> list[BoothDemoSlot]:
    return list(db.session.scalars(
        sa.select(BoothDemoSlot).where(BoothDemoSlot.forum_id == forum.id)
        .options(selectinload(BoothDemoSlot.application).selectinload(Application.company))
        .order_by(BoothDemoSlot.starts_at, BoothDemoSlot.id)))


def slots_of(application: Application) -> list[BoothDemoSlot]:
    """One exhibitor's booth demos that have not ended, for its own page."""
    return list(db.session.scalars(
        sa.select(BoothDemoSlot).where(BoothDemoSlot.application_id == application.id,
                                       BoothDemoSlot.ends_at > utcnow())
        .order_by(BoothDemoSlot.starts_at, BoothDemoSlot.id)))


def my_bookings_of(user, slot_ids) -> dict[int, int]:
    """{slot_id: booking_id} of the user's live bookings among these slots, in one query."""
    ids = list(slot_ids)
    if not ids or not getattr(user, "is_authenticated", False):
        return {}
    return dict(db.session.execute(sa.select(BoothBooking.slot_id, BoothBooking.id).where(
        BoothBooking.user_id == user.id, BoothBooking.cancelled_at.is_(None), BoothBooking.slot_id.in_(ids))).all())


def my_bookings(user, forum) -> list[BoothBooking]:
    return list(db.session.scalars(
        sa.select(BoothBooking).join(BoothDemoSlot).where(
            BoothBooking.user_id == user.id, BoothBooking.cancelled_at.is_(None), BoothDemoSlot.forum_id == forum.id)
        .options(selectinload(BoothBooking.slot).selectinload(BoothDemoSlot.application)
                 .selectinload(Application.company))
        .order_by(BoothDemoSlot.starts_at)))


def toggle_star(actor, forum, session_id: int) -> bool:
    ensure(actor, "agenda.my")
    row = db.session.get(AgendaSession, session_id)
    if row is None or row.forum_id != forum.id or row.status == SessionStatus.cancelled:
        raise NotFound()
    star = db.session.get(SessionStar, (actor.id, session_id))
    if star is not None:
        db.session.delete(star)
        db.session.flush()
        return False
    db.session.add(SessionStar(user_id=actor.id, session_id=session_id))
    db.session.flush()
    return True


def starred_ids(user) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(db.session.scalars(sa.select(SessionStar.session_id).where(SessionStar.user_id == user.id)))


def personal_items(user, forum) -> list[dict]:
    """Booked booth demos and starred published sessions, as feed items."""
    from .releases import latest_release

    release = latest_release(forum)
    stars = starred_ids(user)
    items = [s for s in (release.sessions if release else []) if s["id"] in stars]
    for b in my_bookings(user, forum):
        company = b.slot.application.company
        items.append({"id": f"booth{b.id}", "kind": "booth_time", "title_en": f"Booth demo: {company.name_en}",
                      "title_zh": f"展位示範：{company.name_zh or company.name_en}",
                      "starts_at": b.slot.starts_at.isoformat(), "ends_at": b.slot.ends_at.isoformat(),
                      "room": {"id": 0, "name_en": f"Booth {b.slot.application.booth_code or ''}".strip(),
                               "name_zh": f"展位 {b.slot.application.booth_code or ''}".strip()},
                      "exhibitor": None, "speakers": []})
    return sorted(items, key=lambda i: i["starts_at"])


def new_feed_token(actor) -> str:
    """A new private feed URL secret (shown once); the previous one stops working."""
    ensure(actor, "agenda.my")
    token = secrets.token_urlsafe(24)
    row = db.session.get(AgendaFeedToken, actor.id)
    if row is None:
        db.session.add(AgendaFeedToken(user_id=actor.id, token_hash=hash_token(token)))
    else:
        row.token_hash, row.created_at = hash_token(token), utcnow()
    db.session.flush()
    return token


def user_for_feed(token: str):
    from ..accounts.models import User

    row = db.session.scalar(sa.select(AgendaFeedToken).where(AgendaFeedToken.token_hash == hash_token(token or "")))
    user = db.session.get(User, row.user_id) if row else None
    if user is None or not user.active:
        raise NotFound()
    return user

"""Agenda use cases: rooms, sessions (add, change, move, cancel, pin) and the demo slots the scheduler fills.

Services take the acting user, raise domain errors naming the field at fault, and flush; the caller commits.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..audit.services import apply_changes, record
from ..errors import Conflict, NotFound, ValidationError
from ..extensions import db
from ..permissions import ensure
from ..text import clean
from .conflicts import find_conflicts
from .models import AgendaSession, DemoSlot, Room, SessionKind, SessionSpeaker, SessionStatus

STEP_MINUTES = 5


def get_session(forum, session_id: int) -> AgendaSession:
    row = db.session.get(AgendaSession, session_id)
    if row is None or row.forum_id != forum.id:
        raise NotFound()
    return row


def get_room(forum, room_id) -> Room | None:
    if room_id in (None, "", 0):
        return None
    try:
        room = db.session.get(Room, int(room_id))
    except (TypeError, ValueError):
        room = None
    if room is None or room.forum_id != forum.id:
        raise ValidationError(_l("Choose one of this forum's rooms."), field="room_id")
    return room


def check_times(forum, starts_at: datetime | None, ends_at: datetime | None) -> None:
    """The shape and place of a time range: both given, end after start, inside the forum."""
    if starts_at is None:
        raise ValidationError(_l("Give a start time."), field="starts_at")
    if ends_at is None:
        raise ValidationError(_l("Give an end time."), field="ends_at")
    if ends_at == starts_at:
        raise ValidationError(_l("A session needs some length: the end equals the start."), field="ends_at")
    if ends_at < starts_at:
        raise ValidationError(_l("The end is before the start."), field="ends_at")
    if starts_at < forum.starts_at or ends_at > forum.ends_at:
        raise ValidationError(_l("The session must lie within the forum's hours."), field="starts_at")


def _check_room_free(room: Room | None, starts_at, ends_at, ignore_id: int | None) -> None:
    if room is None:
        return
    clash = db.session.scalar(
        sa.select(AgendaSession).where(
            AgendaSession.room_id == room.id, AgendaSession.status != SessionStatus.cancelled,
            AgendaSession.starts_at < ends_at, AgendaSession.ends_at > starts_at,
            AgendaSession.id != (ignore_id or 0)).limit(1))
    if clash is not None:
        raise ValidationError(_l("%(room)s already holds %(title)s at that time.", room=room.display_name,
                                 title=clash.display_title), field="starts_at")


def add_room(actor, forum, name_en: str, name_zh: str = "", capacity: int | None = None,
             opens_at=None, closes_at=None) -> Room:
    ensure(actor, "agenda.manage", forum)
    name_en = clean(name_en)
    if not name_en:
        raise ValidationError(_l("Give the room a name."), field="name_en")
    if capacity is not None and capacity < 0:
        raise ValidationError(_l("Capacity cannot be negative."), field="capacity")
    if opens_at and closes_at and closes_at <= opens_at:
        raise ValidationError(_l("The room must close after it opens."), field="closes_at")
    if db.session.scalar(sa.select(Room.id).where(Room.forum_id == forum.id, Room.name_en == name_en)):
        raise Conflict(_l("This forum already has a room of that name."), field="name_en")
    position = db.session.scalar(sa.select(sa.func.count(Room.id)).where(Room.forum_id == forum.id)) or 0
    room = Room(forum_id=forum.id, name_en=name_en, name_zh=clean(name_zh), capacity=capacity,
                opens_at=opens_at, closes_at=closes_at, position=position)
    db.session.add(room)
    db.session.flush()
    record(actor, "agenda.room_add", room, forum_id=forum.id, changes={"name_en": [None, name_en]})
    return room


def _speakers(session: AgendaSession, speakers: list[dict]) -> None:
    """Speakers are users (by id, or by the e-mail they sign in with) or named guests."""
    from ..accounts.models import User
    from ..text import normalise_email

    for s in speakers:
        if s.get("user_email"):
            user = db.session.scalar(sa.select(User).where(User.email == normalise_email(s["user_email"])))
            if user is None:
                raise ValidationError(_l("No user signs in with %(email)s; give a guest's name instead.",
                                         email=s["user_email"]), field="speakers")
            s["user_id"] = user.id
    session.speakers = [SessionSpeaker(user_id=s.get("user_id"), guest_name_en=clean(s.get("name_en")),
                                       guest_name_zh=clean(s.get("name_zh")), guest_email=clean(s.get("email")))
                        for s in speakers if s.get("user_id") or clean(s.get("name_en")) or clean(s.get("name_zh"))]


def save_session(actor, forum, data: dict, session: AgendaSession | None = None) -> AgendaSession:
    """Add a session, or change one (data holds the fields to change; `version` must match when given)."""
    ensure(actor, "agenda.manage", forum)
    values = {}
    if session is None or "kind" in data:
        try:
            values["kind"] = SessionKind(data.get("kind"))
        except ValueError:
            raise ValidationError(_l("Choose the kind of session."), field="kind")
    for name in ("title_en", "title_zh", "description_en", "description_zh"):
        if name in data or session is None:
            values[name] = clean(data.get(name)) if name.startswith("title") else (data.get(name) or "").strip()
    if session is None or "title_en" in data or "title_zh" in data:
        if not (values.get("title_en", session.title_en if session else "")
                or values.get("title_zh", session.title_zh if session else "")):
            raise ValidationError(_l("Give a title in English or Chinese."), field="title_en")
    starts_at = data.get("starts_at", session.starts_at if session else None)
    ends_at = data.get("ends_at", session.ends_at if session else None)
    check_times(forum, starts_at, ends_at)
    values["starts_at"], values["ends_at"] = starts_at, ends_at
    room = get_room(forum, data["room_id"]) if "room_id" in data else (session.room if session else None)
    values["room_id"] = room.id if room else None
    if "expected_audience" in data:
        audience = data["expected_audience"]
        if audience is not None and (not isinstance(audience, int) or audience < 0):
            raise ValidationError(_l("Expected audience is a number of people."), field="expected_audience")
        values["expected_audience"] = audience
    for name in ("application_id", "solution_id", "pinned"):
        if name in data:
            values[name] = data[name]
    _check_room_free(room, starts_at, ends_at, session.id if session else None)
    if session is None:
        session = AgendaSession(forum_id=forum.id, **values)
        db.session.add(session)
        if data.get("speakers"):
            _speakers(session, data["speakers"])
        db.session.flush()
        record(actor, "agenda.session_add", session, forum_id=forum.id,
               changes={"title_en": [None, session.title_en], "starts_at": [None, starts_at]})
        return session
    if "version" in data and data["version"] != session.version:
        raise Conflict(_l("Someone changed this session meanwhile; reload to see their change."), field="version")
    changes = apply_changes(session, values)
    if "speakers" in data:
        _speakers(session, data["speakers"])
        changes["speakers"] = [None, [s.get("name_en") or s.get("user_id") for s in data["speakers"]]]
    if changes:
        _bump(session)
        record(actor, "agenda.session_change", session, forum_id=forum.id, changes=changes)
    return session


def _bump(session: AgendaSession) -> None:
    """One winner when two people change one session: the UPDATE only matches the version read."""
    updated = db.session.execute(
        sa.update(AgendaSession).where(AgendaSession.id == session.id, AgendaSession.version == session.version)
        .values(version=session.version + 1).execution_options(synchronize_session=False))
    if updated.rowcount != 1:
        raise Conflict(_l("Someone changed this session meanwhile; reload to see their change."), field="version")
    session.version += 1
    db.session.flush()


def move_session(actor, forum, session: AgendaSession, starts_at, ends_at, room_id, version: int):
    """The editor's drag: a new time and room; answers the conflicts touching the session afterwards."""
    save_session(actor, forum, {"starts_at": starts_at, "ends_at": ends_at, "room_id": room_id,
                                "version": version}, session)
    return find_conflicts(forum, only={session.id})


def cancel_session(actor, forum, session: AgendaSession) -> None:
    ensure(actor, "agenda.manage", forum)
    if session.status == SessionStatus.cancelled:
        return
    changes = apply_changes(session, {"status": SessionStatus.cancelled})
    _bump(session)
    record(actor, "agenda.session_cancel", session, forum_id=forum.id, changes=changes)


def set_pinned(actor, forum, session: AgendaSession, pinned: bool) -> None:
    ensure(actor, "agenda.manage", forum)
    if session.kind != SessionKind.live_demo:
        raise ValidationError(_l("Only live demos are placed by the scheduler, so only they can be pinned."),
                              field="pinned")
    changes = apply_changes(session, {"pinned": bool(pinned)})
    if changes:
        _bump(session)
        record(actor, "agenda.session_pin", session, forum_id=forum.id, changes=changes)


def open_demo_slots(actor, forum, room: Room, starts_at: datetime, minutes: int, count: int) -> list[DemoSlot]:
    """Open `count` back-to-back demo slots of `minutes` in a room, for the scheduler to fill."""
    ensure(actor, "agenda.manage", forum)
    from datetime import timedelta

    if minutes < STEP_MINUTES or minutes % STEP_MINUTES:
        raise ValidationError(_l("Slots last a multiple of 5 minutes."), field="minutes")
    if count < 1:
        raise ValidationError(_l("Open at least one slot."), field="count")
    slots = []
    for i in range(count):
        start = starts_at + timedelta(minutes=minutes * i)
        check_times(forum, start, start + timedelta(minutes=minutes))
        if db.session.scalar(sa.select(DemoSlot.id).where(DemoSlot.room_id == room.id,
                                                           DemoSlot.starts_at == start)):
            raise Conflict(_l("%(room)s already has a demo slot at that time.", room=room.display_name),
                           field="starts_at")
        slots.append(DemoSlot(forum_id=forum.id, room_id=room.id, starts_at=start,
                              ends_at=start + timedelta(minutes=minutes)))
    db.session.add_all(slots)
    db.session.flush()
    record(actor, "agenda.slots_open", room, forum_id=forum.id, changes={"slots": [None, count]})
    return slots

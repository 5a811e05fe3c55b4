"""The one place that says what is wrong with an agenda: every check the editor, the scheduler's result
page, publishing and the API show. Pure reads; each conflict names the sessions it concerns."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..db import HK
from ..extensions import db
from .models import AgendaSession, Room, SessionSpeaker, SessionStatus


@dataclass
class AgendaConflict:
    kind: str  # room | speaker | exhibitor | forum_hours | room_hours | presenter_window | capacity
    message: str
    session_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "message": self.message, "sessions": self.session_ids}


def live_sessions(forum) -> list[AgendaSession]:
    """The forum's sessions that are not cancelled, with what the checks need, in a fixed number of queries."""
    return list(db.session.scalars(
        sa.select(AgendaSession)
        .where(AgendaSession.forum_id == forum.id, AgendaSession.status != SessionStatus.cancelled)
        .options(selectinload(AgendaSession.room), selectinload(AgendaSession.speakers).selectinload(SessionSpeaker.user),
                 selectinload(AgendaSession.application))
        .order_by(AgendaSession.starts_at, AgendaSession.id)))


def _hm(moment: datetime) -> str:
    return moment.astimezone(HK).strftime("%H:%M")


def _overlap(a: AgendaSession, b: AgendaSession) -> bool:
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def windows_of(text: str) -> list[tuple[time, time]]:
    """"09:30-10:30, 11:00-12:00" as (start, end) pairs; unreadable parts are ignored (the form checks them)."""
    out = []
    for part in (text or "").replace("，", ",").split(","):
        try:
            start, end = (p.strip() for p in part.split("-"))
            out.append((time.fromisoformat(start), time.fromisoformat(end)))
        except ValueError:
            continue
    return out


def within_windows(starts_at: datetime, ends_at: datetime, text: str) -> bool:
    windows = windows_of(text)
    if not windows:
        return True
    start, end = starts_at.astimezone(HK), ends_at.astimezone(HK)
    if start.date() != end.date() and end.time() != time(0):
        return False
    return any(w0 <= start.time() and (end.time() <= w1) for w0, w1 in windows)


def find_conflicts(forum, sessions: list[AgendaSession] | None = None,
                   only: set[int] | None = None) -> list[AgendaConflict]:
    """Every conflict among the forum's live sessions; with `only`, just those touching these sessions."""
    sessions = live_sessions(forum) if sessions is None else sessions
    out: list[AgendaConflict] = []
    ordered = sorted(sessions, key=lambda s: (s.starts_at, s.id or 0))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b.starts_at >= a.ends_at:
                break
            if not _overlap(a, b):
                continue
            pair = [a.id, b.id]
            if a.room_id is not None and a.room_id == b.room_id:
                out.append(AgendaConflict("room", _("%(room)s holds %(a)s and %(b)s at once (%(at)s).",
                                                    room=a.room.display_name, a=a.display_title,
                                                    b=b.display_title, at=_hm(b.starts_at)), pair))
            shared = {s.key for s in a.speakers} & {s.key for s in b.speakers}
            for key in sorted(shared):
                name = next(s.display_name for s in a.speakers if s.key == key)
                out.append(AgendaConflict("speaker", _("%(name)s speaks in %(a)s and %(b)s at once (%(at)s).",
                                                       name=name, a=a.display_title, b=b.display_title,
                                                       at=_hm(b.starts_at)), pair))
            if a.application is not None and b.application is not None and \
                    a.application.company_id == b.application.company_id:
                out.append(AgendaConflict("exhibitor", _("One exhibitor is in %(a)s and %(b)s at once (%(at)s).",
                                                         a=a.display_title, b=b.display_title,
                                                         at=_hm(b.starts_at)), pair))
    for s in ordered:
        if s.starts_at < forum.starts_at or s.ends_at > forum.ends_at:
            out.append(AgendaConflict("forum_hours", _("%(title)s (%(start)s-%(end)s) is outside the forum's hours.",
                                                       title=s.display_title, start=_hm(s.starts_at),
                                                       end=_hm(s.ends_at)), [s.id]))
        room = s.room
        if room is not None and ((room.opens_at and s.starts_at < room.opens_at)
                                 or (room.closes_at and s.ends_at > room.closes_at)):
            out.append(AgendaConflict("room_hours", _("%(title)s is outside the opening hours of %(room)s.",
                                                      title=s.display_title, room=room.display_name), [s.id]))
        if s.application is not None and not within_windows(s.starts_at, s.ends_at, s.application.demo_windows):
            out.append(AgendaConflict("presenter_window",
                                      _("%(title)s at %(start)s is outside the presenter's times (%(windows)s).",
                                        title=s.display_title, start=_hm(s.starts_at),
                                        windows=s.application.demo_windows), [s.id]))
        if room is not None and room.capacity is not None and s.expected_audience and \
                s.expected_audience > room.capacity:
            out.append(AgendaConflict("capacity", _("%(title)s expects %(n)d people; %(room)s holds %(cap)d.",
                                                    title=s.display_title, n=s.expected_audience,
                                                    room=room.display_name, cap=room.capacity), [s.id]))
    if only is not None:
        out = [c for c in out if set(c.session_ids) & only]
    return out


def rooms_of(forum) -> list[Room]:
    return list(db.session.scalars(sa.select(Room).where(Room.forum_id == forum.id)
                                   .order_by(Room.position, Room.id)))

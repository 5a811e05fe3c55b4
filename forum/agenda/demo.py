"""The demo forums' agendas (idempotent): the November 2023 day as it ran, and the 2026 day being built,
with more selected demos than stage slots so that the scheduler has choices to make."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from ..db import HK

from ..extensions import db
from ..forums.models import Forum
from . import releases, sessions
from .models import AgendaSession, Room

STAGE_DEMOS_2023 = [
    ("Robotic drug dispensing", "機械人配藥"), ("AI chest X-ray triage", "人工智能胸肺X光分流"),
    ("Smart bed-exit sensing", "智能離床感應"), ("Autonomous ward delivery", "病房自動運送"),
    ("Hand-hygiene monitoring", "手部衞生監察"), ("Digital twin of a plant room", "機房數碼孿生"),
]


class _Loader:
    """The acting user while the demo data loads (an administrator, as for `flask` commands)."""

    id = None
    role = "admin"
    is_authenticated = True
    is_active = True
    email = "demo"


def _at(day: datetime, hour: int, minute: int = 0) -> datetime:
    return day.astimezone(HK).replace(hour=hour, minute=minute, second=0, microsecond=0)


def _rooms(actor, forum, rows) -> dict[str, Room]:
    have = {r.name_en: r for r in db.session.scalars(sa.select(Room).where(Room.forum_id == forum.id))}
    for name_en, name_zh, capacity in rows:
        if name_en not in have:
            have[name_en] = sessions.add_room(actor, forum, name_en, name_zh, capacity)
    return have


def _session(actor, forum, kind, en, zh, start, minutes, room, **extra):
    return sessions.save_session(actor, forum, {"kind": kind, "title_en": en, "title_zh": zh, "starts_at": start,
                                                "ends_at": start + timedelta(minutes=minutes),
                                                "room_id": room.id if room else None, **extra})


def _day_2023(actor) -> int:
    forum = db.session.scalar(sa.select(Forum).where(Forum.slug == "innovation-forum-2023-11"))
    if forum is None or db.session.scalar(sa.select(AgendaSession.id).where(AgendaSession.forum_id == forum.id)):
        return 0
    rooms = _rooms(actor, forum, [("Lecture theatre", "演講廳", 250), ("Exhibition hall", "展覽廳", 300)])
    stage, hall = rooms["Lecture theatre"], rooms["Exhibition hall"]
    day = forum.starts_at
    _session(actor, forum, "keynote", "Opening: Smart Hospital together", "開幕：攜手建設智慧醫院", _at(day, 9, 30),
             20, stage, speakers=[{"name_en": "HA Chief Executive", "name_zh": "醫管局行政總裁"}])
    for i, (en, zh) in enumerate(STAGE_DEMOS_2023):
        _session(actor, forum, "live_demo", en, zh, _at(day, 9, 50) + timedelta(minutes=12 * i), 12, stage)
    _session(actor, forum, "booth_time", "Booth time: meet the park companies", "展位時間：與園區公司會面",
             _at(day, 11, 30), 90, hall)
    releases.publish(actor, forum)
    return 8


def _day_2026(actor, forum) -> int:
    if db.session.scalar(sa.select(AgendaSession.id).where(AgendaSession.forum_id == forum.id)):
        return 0
    rooms = _rooms(actor, forum, [("Main stage", "主舞台", 200), ("Demo theatre", "示範劇場", 60),
                                  ("Exhibition hall", "展覽廳", 300)])
    stage, theatre, hall = rooms["Main stage"], rooms["Demo theatre"], rooms["Exhibition hall"]
    day = forum.starts_at
    _session(actor, forum, "keynote", "Opening and keynote", "開幕及主題演講", _at(day, 9, 0), 40, stage,
             speakers=[{"name_en": "Director (Strategy and Planning), HA", "name_zh": "醫管局策略發展總監"}])
    _session(actor, forum, "panel", "Panel: from demo to pilot", "小組討論：由示範到試點", _at(day, 9, 40), 20,
             stage, speakers=[{"name_en": "Director (Strategy and Planning), HA", "name_zh": "醫管局策略發展總監"}])
    sessions.open_demo_slots(actor, forum, stage, _at(day, 10, 0), 15, 4)
    sessions.open_demo_slots(actor, forum, theatre, _at(day, 10, 0), 15, 4)
    _session(actor, forum, "break", "Tea break", "茶點", _at(day, 11, 0), 30, None)
    _session(actor, forum, "booth_time", "Booth time and matchmaking", "展位時間及配對洽談", _at(day, 11, 30), 120,
             hall)
    # The six demos selected in the review (of more requests) share four stage slots and four theatre slots
    # at the same four times: the scheduler decides who goes where and when, and some clashes are unavoidable.
    return 4


def agenda_days(forum, summary, **_scale):
    actor = _Loader()
    added = _day_2023(actor) + _day_2026(actor, forum)
    db.session.flush()
    summary.counts["agenda sessions added"] = added

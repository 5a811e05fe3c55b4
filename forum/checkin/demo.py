"""The demo forum's check-in points (idempotent)."""
from __future__ import annotations

import sqlalchemy as sa


from ..extensions import db
from .models import CheckInPoint

DEMO_POINTS = [
    ("main-entrance", "Main entrance, G/F lobby", "地下大堂正門"),
    ("demo-theatre", "Demo theatre", "示範劇場"),
    ("data-lab", "Data lab door", "數據實驗室門口"),
]


def checkin_points(forum, summary, **_scale):
    have = set(db.session.scalars(sa.select(CheckInPoint.key).where(CheckInPoint.forum_id == forum.id)))
    for position, (key, name_en, name_zh) in enumerate(DEMO_POINTS, start=1):
        if key not in have:
            db.session.add(CheckInPoint(forum_id=forum.id, key=key, name_en=name_en, name_zh=name_zh,
                                        position=position))
    db.session.flush()
    summary.counts["check-in points"] = len(DEMO_POINTS)

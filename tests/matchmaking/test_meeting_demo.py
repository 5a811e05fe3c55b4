"""The demo: 2023 meetings at every stage, some linked to pilots; a networking hour scheduled clash-free."""
import sqlalchemy as sa

from forum.demo import load_demo
from forum.extensions import db
from forum.matchmaking.meeting_outcomes import awaiting_pilot
from forum.matchmaking.models import Meeting, NetworkingMeeting


def test_demo_meetings_and_networking_hour(app):
    summary = load_demo(echo=lambda *_: None)
    from forum.pilots.models import PilotOrigin

    statuses = set(db.session.scalars(sa.select(Meeting.status)))
    assert {s.value for s in statuses} >= {"confirmed", "declined", "expired", "pending"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PilotOrigin).where(PilotOrigin.kind == "meeting")) >= 1
    assert len(awaiting_pilot()) >= 1
    rows = db.session.scalars(sa.select(NetworkingMeeting)).all()
    assert len(rows) > 10
    seen = set()
    for m in rows:
        for p in (m.first_id, m.second_id):
            assert (p, m.slot) not in seen
            seen.add((p, m.slot))
    assert summary.counts["networking wishes"] > 0
    again = load_demo(echo=lambda *_: None)
    assert again.counts["meetings (2023 forum)"] == 0 and again.counts["networking wishes"] == 0

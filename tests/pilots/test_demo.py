"""The demo: about twenty 2023-forum pilots at every stage, at hospitals, clinics and the labs; idempotent."""
from collections import Counter

import sqlalchemy as sa

from forum.demo import load_demo
from forum.extensions import db
from forum.forums.services import get_forum
from forum.pilots.dashboard import figures
from tests.factories import UserFactory
from forum.pilots.models import Pilot, PilotSite, Stage, Transition


def test_demo_pilots_make_the_dashboard_meaningful():
    load_demo(echo=lambda *_: None)
    forum = get_forum("innovation-forum-2023-11")
    pilots = db.session.scalars(sa.select(Pilot).where(Pilot.forums.any(id=forum.id))).all()
    assert 18 <= len(pilots) <= 22
    stages = Counter(p.stage for p in pilots)
    assert {Stage.proposed, Stage.under_assessment, Stage.approved, Stage.running, Stage.evaluated,
            Stage.adopted, Stage.discontinued, Stage.withdrawn} <= set(stages)
    kinds = set(db.session.scalars(sa.select(sa.distinct(PilotSite.site_id)).where(
        PilotSite.pilot_id.in_([p.id for p in pilots]))))
    from forum.sites.models import Site

    site_kinds = {db.session.get(Site, i).kind for i in kinds}
    assert {"hospital", "clinic", "lab"} <= site_kinds
    mixed = [p for p in pilots if {s.stage for s in p.sites} >= {Stage.adopted, Stage.discontinued}]
    assert mixed, "one pilot adopted at one site and discontinued at another"
    fig = figures(UserFactory(role="partnership"), forum)
    assert fig.adoption["decided"] >= 10 and 0 < fig.adoption["rate"] < 1
    assert all(fig.stage_days[s].n >= 5 for s in ("proposed", "under_assessment", "approved", "running"))
    assert sum(1 for n in fig.reasons.values() if n) >= 5
    # Histories are spread over time, not all stamped with the day the demo ran.
    days = {t.date() for t in db.session.scalars(sa.select(Transition.at).where(
        Transition.pilot_id.in_([p.id for p in pilots])))}
    assert len(days) > 30
    before = (len(pilots), db.session.scalar(sa.select(sa.func.count()).select_from(Transition)))
    load_demo(echo=lambda *_: None)
    after = (db.session.scalar(sa.select(sa.func.count()).select_from(Pilot).where(Pilot.forums.any(id=forum.id))),
             db.session.scalar(sa.select(sa.func.count()).select_from(Transition)))
    assert before == after

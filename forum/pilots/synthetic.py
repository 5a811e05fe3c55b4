"""Many synthetic pilots at once, for load tests and the dashboard benchmark (Core inserts, fast).

Each pilot walks the machine's real paths (so the transition log is consistent with the
stages) but rows are written in bulk rather than through move(), which would take minutes.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from ..db import HK
from ..extensions import db
from ..sites.models import Site
from .models import Pilot, PilotSite, Reason, Stage, Transition, pilot_forum

PATH = [Stage.proposed, Stage.under_assessment, Stage.approved, Stage.running, Stage.evaluated]
ENDINGS = [Stage.adopted, Stage.extended, Stage.discontinued]


def add_pilots(n: int, *, forum_ids: list[int], company_ids: list[int], solution_ids: list[int | None],
               actor_id: int | None = None, seed: int = 7) -> int:
    """Insert n pilots spread over the forums, 1-3 sites each, with stage histories. Returns n."""
    rng = random.Random(seed)
    site_ids = list(db.session.scalars(sa.select(Site.id).where(Site.active.is_(True))))
    start_id = (db.session.scalar(sa.select(sa.func.max(Pilot.id))) or 0) + 1
    site_row_id = (db.session.scalar(sa.select(sa.func.max(PilotSite.id))) or 0) + 1
    pilots, links, sites, moves = [], [], [], []
    reasons = list(Reason)
    for i in range(n):
        pid = start_id + i
        depth = rng.randint(0, len(PATH) - 1)
        began = date(2023, 12, 1) + timedelta(days=rng.randint(0, 700))
        day, stamps = began, [began]
        for _ in range(depth):
            day += timedelta(days=rng.randint(10, 90))
            stamps.append(day)
        stage = PATH[depth]
        pilots.append({"id": pid, "title": f"Synthetic pilot {pid}", "company_id": company_ids[i % len(company_ids)],
                       "solution_id": solution_ids[i % len(solution_ids)], "stage": stage.name, "version": depth + 1,
                       "created_at": _at(began), "updated_at": _at(day), "created_by_id": actor_id,
                       "updated_by_id": actor_id, "sponsor_name": f"Dr Sponsor {i % 40}", "department": "Medicine",
                       "objectives": "", "success_measures": "", "funding_scheme": "", "budget": "", "notes": "",
                       "reason_detail": "", "actual_start": stamps[3] if depth >= 3 else None,
                       "actual_end": stamps[4] if depth >= 4 else None})
        links.append({"pilot_id": pid, "forum_id": forum_ids[i % len(forum_ids)]})
        for k in range(1, depth + 1):
            moves.append({"pilot_id": pid, "pilot_site_id": None, "actor_id": actor_id, "at": _at(stamps[k]),
                          "from_stage": PATH[k - 1].name, "to_stage": PATH[k].name, "comment": ""})
        for site_id in rng.sample(site_ids, rng.randint(1, 3)):
            ending = rng.choice(ENDINGS) if depth == 4 and rng.random() < 0.7 else None
            decided = stamps[-1] + timedelta(days=rng.randint(5, 60)) if ending else None
            reason = rng.choice(reasons) if ending == Stage.discontinued else None
            sites.append({"id": site_row_id, "pilot_id": pid, "site_id": site_id, "stage": (ending or stage).name,
                          "started_on": stamps[3] if depth >= 3 else None,
                          "evaluated_on": stamps[4] if depth >= 4 else None, "decided_on": decided,
                          "success_measures": "", "results": "", "decision": "",
                          "reason": reason.name if reason else None,
                          "reason_detail": "synthetic" if reason == Reason.other else ""})
            if ending:
                moves.append({"pilot_id": pid, "pilot_site_id": site_row_id, "actor_id": actor_id,
                              "at": _at(decided), "from_stage": "evaluated", "to_stage": ending.name, "comment": ""})
            site_row_id += 1
    db.session.execute(sa.insert(Pilot.__table__), pilots)
    db.session.execute(sa.insert(pilot_forum), links)
    db.session.execute(sa.insert(PilotSite.__table__), sites)
    if moves:
        db.session.execute(sa.insert(Transition.__table__), moves)
    db.session.flush()
    return n


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=HK)

"""The outcome figures: does the forum series turn demos into adopted solutions?

One forum (forum_id) or the whole series (None). A fixed number of aggregate queries,
whatever the number of pilots. Times in stages come from the transition log.
Funnel steps that other features supply (bookmarked, met) register a counter with
funnel_source(); a step is shown only when its counter exists and returns a number.
"""
from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..exhibitors.models import Application, ApplicationStatus, Theme, solution_theme
from ..extensions import db
from ..forums.models import Forum
from ..sites.models import Cluster, Site
from ..permissions import ensure
from .models import DECISIONS, Pilot, PilotSite, Reason, Stage, Transition, pilot_forum
from .followups import answer_counts
from .permissions import visible_clause

# name -> (label, position after "exhibitors", counter(forum_id | None) -> (companies, count) | None)
_FUNNEL_SOURCES: dict[str, tuple[object, int, Callable]] = {}


def funnel_source(name: str, label, position: int, counter: Callable) -> None:
    """Let a feature (bookmarks, meetings) add its step to the funnel, e.g. ("met", _l("Met"), 2, fn)."""
    _FUNNEL_SOURCES[name] = (label, position, counter)


@dataclass
class Spread:
    n: int = 0
    median: float | None = None
    q1: float | None = None
    q3: float | None = None
    low: float | None = None
    high: float | None = None

    @classmethod
    def of(cls, values: list[float]) -> "Spread":
        values = sorted(values)
        if not values:
            return cls()
        if len(values) == 1:
            q1 = q3 = values[0]
        else:
            q1, _m, q3 = statistics.quantiles(values, n=4, method="inclusive")
        return cls(len(values), round(statistics.median(values), 1), round(q1, 1), round(q3, 1),
                   round(values[0], 1), round(values[-1], 1))


@dataclass
class Figures:
    forum: Forum | None
    funnel: list[dict] = field(default_factory=list)
    stage_days: dict[str, Spread] = field(default_factory=dict)
    adoption: dict = field(default_factory=dict)
    decision_days: Spread = field(default_factory=Spread)
    reasons: dict[str, int] = field(default_factory=dict)
    by_cluster: list[dict] = field(default_factory=list)
    by_site: list[dict] = field(default_factory=list)
    by_theme: list[dict] = field(default_factory=list)
    by_forum: list[dict] = field(default_factory=list)
    follow_ups: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict:
        def spread(s: Spread) -> dict:
            return {"n": s.n, "median": s.median, "q1": s.q1, "q3": s.q3, "min": s.low, "max": s.high}

        return {"forum": self.forum.slug if self.forum else None,
                "funnel": [{k: v for k, v in step.items() if k != "label"} for step in self.funnel],
                "days_in_stage": {k: spread(v) for k, v in self.stage_days.items()},
                "adoption": self.adoption, "days_from_start_to_decision": spread(self.decision_days),
                "discontinuation_reasons": self.reasons, "by_cluster": self.by_cluster, "by_site": self.by_site,
                "by_theme": self.by_theme, "by_forum": self.by_forum, "follow_up_answers": self.follow_ups}


def _pilot_ids(actor, forum_id: int | None):
    ids = sa.select(Pilot.id).where(visible_clause(actor))
    if forum_id is None:
        return ids
    return ids.where(Pilot.id.in_(sa.select(pilot_forum.c.pilot_id).where(pilot_forum.c.forum_id == forum_id)))


def figures(actor, forum: Forum | None = None) -> Figures:
    """The figures over the pilots `actor` may see, for one forum or the series."""
    ensure(actor, "pilot.dashboard")
    forum_id = forum.id if forum else None
    out = Figures(forum)
    ids = _pilot_ids(actor, forum_id)
    out.funnel = _funnel(forum_id, ids)
    out.stage_days = _stage_days(ids)
    _sites_figures(out, ids)
    out.by_theme = [{"theme": key, "name_en": en, "name_zh": zh, "pilots": n} for key, en, zh, n in db.session.execute(
        sa.select(Theme.key, Theme.name_en, Theme.name_zh, sa.func.count(sa.distinct(Pilot.id)))
        .join(solution_theme, solution_theme.c.theme_id == Theme.id)
        .join(Pilot, Pilot.solution_id == solution_theme.c.solution_id).where(Pilot.id.in_(ids))
        .group_by(Theme.key, Theme.name_en, Theme.name_zh, Theme.position).order_by(Theme.position))]
    out.by_forum = _by_forum(forum_id)
    out.follow_ups = answer_counts(ids)
    return out


def _funnel(forum_id, ids) -> list[dict]:
    approved = sa.select(sa.func.count(sa.distinct(Application.company_id))).where(
        Application.status == ApplicationStatus.approved)
    if forum_id is not None:
        approved = approved.where(Application.forum_id == forum_id)
    row = db.session.execute(
        sa.select(sa.func.count(sa.distinct(Pilot.company_id)),
                  sa.func.count(sa.distinct(sa.case((PilotSite.started_on.is_not(None), Pilot.company_id)))),
                  sa.func.count(sa.distinct(sa.case((PilotSite.stage == Stage.adopted, Pilot.company_id)))),
                  sa.func.count(PilotSite.id),
                  sa.func.count(PilotSite.started_on),
                  sa.func.count(sa.case((PilotSite.stage == Stage.adopted, 1))),
                  approved.scalar_subquery())
        .select_from(Pilot).join(PilotSite, PilotSite.pilot_id == Pilot.id).where(Pilot.id.in_(ids))).one()
    steps = [
        {"step": "exhibitors", "label": _l("Exhibitors"), "companies": row[6], "pilot_sites": None},
        {"step": "proposed", "label": _l("Pilot proposed"), "companies": row[0], "pilot_sites": row[3]},
        {"step": "running", "label": _l("Running (started)"), "companies": row[1], "pilot_sites": row[4]},
        {"step": "adopted", "label": _l("Adopted"), "companies": row[2], "pilot_sites": row[5]},
    ]
    for name, (label, position, counter) in sorted(_FUNNEL_SOURCES.items(), key=lambda kv: kv[1][1]):
        counted = counter(forum_id)
        if counted is not None:
            steps.insert(position, {"step": name, "label": label, "companies": counted, "pilot_sites": None})
    return steps


def _stage_days(ids) -> dict[str, Spread]:
    """Days each pilot spent in each stage it has left: from entering it to the next move."""
    rows = db.session.execute(
        sa.select(Transition.pilot_id, Transition.at, Transition.to_stage, Pilot.created_at)
        .join(Pilot, Pilot.id == Transition.pilot_id)
        .where(Transition.pilot_site_id.is_(None), Transition.pilot_id.in_(ids))
        .order_by(Transition.pilot_id, Transition.at, Transition.id)).all()
    spent: dict[str, list[float]] = defaultdict(list)
    current = None
    for pilot_id, at, to_stage, created_at in rows:
        if current is None or current[0] != pilot_id:
            current = (pilot_id, created_at, Stage.proposed)
        _pid, since, stage = current
        spent[stage.value].append(max(0.0, (at - since).total_seconds() / 86400))
        current = (pilot_id, at, to_stage)
    return {s.value: Spread.of(spent[s.value]) for s in Stage if s.value in spent}


def _sites_figures(out: Figures, ids) -> None:
    rows = db.session.execute(
        sa.select(PilotSite.stage, PilotSite.reason, PilotSite.started_on, PilotSite.decided_on,
                  Site.name_en, Site.name_zh, Site.id, Cluster.code, Cluster.name_en, Cluster.name_zh)
        .join(Site, Site.id == PilotSite.site_id).outerjoin(Cluster, Cluster.id == Site.cluster_id)
        .where(PilotSite.pilot_id.in_(ids))).all()
    decided = [r for r in rows if r[0] in DECISIONS]
    adopted = sum(1 for r in decided if r[0] == Stage.adopted)
    out.adoption = {"pilot_sites": len(rows), "decided": len(decided), "adopted": adopted,
                    "extended": sum(1 for r in decided if r[0] == Stage.extended),
                    "discontinued": sum(1 for r in decided if r[0] == Stage.discontinued),
                    "rate": round(adopted / len(decided), 3) if decided else None}
    out.decision_days = Spread.of([(r[3] - r[2]).days for r in decided if r[2] and r[3]])
    reasons = {r.value: 0 for r in Reason}
    for r in rows:
        if r[0] == Stage.discontinued and r[1]:
            reasons[r[1].value] += 1
    out.reasons = reasons
    clusters: dict[str, dict] = {}
    sites: dict[int, dict] = {}
    for stage, _reason, _s, _d, s_en, s_zh, s_id, c_code, c_en, c_zh in rows:
        key = c_code or "-"
        c = clusters.setdefault(key, {"cluster": key, "name_en": c_en or "", "name_zh": c_zh or "",
                                      "pilot_sites": 0, "adopted": 0, "discontinued": 0})
        s = sites.setdefault(s_id, {"site_id": s_id, "name_en": s_en, "name_zh": s_zh, "cluster": key,
                                    "pilot_sites": 0, "adopted": 0, "discontinued": 0})
        for bucket in (c, s):
            bucket["pilot_sites"] += 1
            if stage in (Stage.adopted, Stage.discontinued):
                bucket[stage.value] += 1
    out.by_cluster = sorted(clusters.values(), key=lambda c: c["cluster"])
    out.by_site = sorted(sites.values(), key=lambda s: (-s["pilot_sites"], s["name_en"]))[:15]


def _by_forum(forum_id) -> list[dict]:
    exhibitors = dict(db.session.execute(
        sa.select(Application.forum_id, sa.func.count(sa.distinct(Application.company_id)))
        .where(Application.status == ApplicationStatus.approved).group_by(Application.forum_id)).all())
    stmt = (sa.select(Forum.id, Forum.slug, Forum.title_en, Forum.title_zh,
                      sa.func.count(sa.distinct(Pilot.company_id)), sa.func.count(sa.distinct(Pilot.id)),
                      sa.func.count(sa.distinct(sa.case((PilotSite.stage == Stage.adopted, Pilot.id)))))
            .join(pilot_forum, pilot_forum.c.forum_id == Forum.id).join(Pilot, Pilot.id == pilot_forum.c.pilot_id)
            .join(PilotSite, PilotSite.pilot_id == Pilot.id)
            .group_by(Forum.id, Forum.slug, Forum.title_en, Forum.title_zh, Forum.starts_at)
            .order_by(Forum.starts_at))
    if forum_id is not None:
        stmt = stmt.where(Forum.id == forum_id)
    out = []
    for fid, slug, en, zh, companies, pilots, adopted in db.session.execute(stmt):
        shown = exhibitors.get(fid, 0)
        out.append({"forum": slug, "title_en": en, "title_zh": zh, "exhibitors": shown,
                    "companies_with_pilots": companies, "pilots": pilots, "adopted_pilots": adopted,
                    "conversion": round(companies / shown, 3) if shown else None})
    return out

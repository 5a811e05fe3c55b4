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
from .followups import answer_counts, meeting_answer_counts
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
    meeting_follow_ups: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict:
        def spread(s: Spread) -> dict:
            return {"n": s.n, "median": s.median, "q1": s.q1, "q3": s.q3, "min": s.low, "max": s.high}

        return {"forum": self.forum.slug if self.forum else None,
                "funnel": [{k: v for k, v in step.items() if k != "label"} for step in self.funnel],
                "days_in_stage": {k: spread(v) for k, v in self.stage_days.items()},
                "adoption": self.adoption, "days_from_start_to_decision": spread(self.decision_days),
                "discontinuation_reasons": self.reasons, "by_cluster": self.by_cluster, "by_site": self.by_site,
                "by_theme": self.by_theme, "by_forum": self.by_forum, "follow_up_answers": self.follow_ups,
                "meeting_follow_up_answers": self.meeting_follow_ups}


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
    out.meeting_follow_ups = meeting_answer_counts(actor, forum_id)
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


def _days(later, earlier, *, dates: bool = False):
    """Days from `earlier` to `later`, computed by the database (SQLite has no date arithmetic)."""
    if db.session.get_bind().dialect.name == "sqlite":
        return sa.func.julianday(later) - sa.func.julianday(earlier)
    if dates:
        return later - earlier  # PostgreSQL: date - date is a number of days
    return sa.extract("epoch", later - earlier) / 86400.0


def _stage_days(ids) -> dict[str, Spread]:
    """Days each pilot spent in each stage it has left: from entering it (the previous move, or the
    proposal) to the next move, read from the pilot-level transition log with LAG()."""
    window = {"partition_by": Transition.pilot_id, "order_by": (Transition.at, Transition.id)}
    moves = (sa.select(Transition.at.label("at"), Pilot.created_at.label("created_at"),
                       sa.func.lag(Transition.at).over(**window).label("prev_at"),
                       sa.func.lag(Transition.to_stage).over(**window).label("prev_stage"))
             .join(Pilot, Pilot.id == Transition.pilot_id)
             .where(Transition.pilot_site_id.is_(None), Transition.pilot_id.in_(ids))).subquery()
    rows = db.session.execute(sa.select(
        sa.func.coalesce(moves.c.prev_stage, Stage.proposed.name),
        _days(moves.c.at, sa.func.coalesce(moves.c.prev_at, moves.c.created_at)))).all()
    spent: dict[str, list[float]] = defaultdict(list)
    for stage, days in rows:
        spent[stage].append(max(0.0, float(days)))
    return {s.value: Spread.of(spent[s.value]) for s in Stage if s.value in spent}


def _sites_figures(out: Figures, ids) -> None:
    """Adoption, time to decision, reasons, clusters and sites: aggregated by the database."""
    in_scope = PilotSite.pilot_id.in_(ids)
    stages = {Stage(k) if not isinstance(k, Stage) else k: n for k, n in db.session.execute(
        sa.select(PilotSite.stage, sa.func.count()).where(in_scope).group_by(PilotSite.stage))}
    decided = sum(stages.get(s, 0) for s in DECISIONS)
    adopted = stages.get(Stage.adopted, 0)
    out.adoption = {"pilot_sites": sum(stages.values()), "decided": decided, "adopted": adopted,
                    "extended": stages.get(Stage.extended, 0), "discontinued": stages.get(Stage.discontinued, 0),
                    "rate": round(adopted / decided, 3) if decided else None}
    out.decision_days = Spread.of([float(d) for d in db.session.scalars(
        sa.select(_days(PilotSite.decided_on, PilotSite.started_on, dates=True)).where(
            in_scope, PilotSite.stage.in_(DECISIONS), PilotSite.decided_on.is_not(None),
            PilotSite.started_on.is_not(None)))])
    reasons = {r.value: 0 for r in Reason}
    for reason, n in db.session.execute(sa.select(PilotSite.reason, sa.func.count()).where(
            in_scope, PilotSite.stage == Stage.discontinued, PilotSite.reason.is_not(None))
            .group_by(PilotSite.reason)):
        reasons[reason.value] = n
    out.reasons = reasons
    counts = (sa.func.count(PilotSite.id).label("n"),
              sa.func.count(sa.case((PilotSite.stage == Stage.adopted, 1))),
              sa.func.count(sa.case((PilotSite.stage == Stage.discontinued, 1))))
    out.by_cluster = [{"cluster": code or "-", "name_en": en or "", "name_zh": zh or "", "pilot_sites": n,
                       "adopted": a, "discontinued": d} for code, en, zh, n, a, d in db.session.execute(
        sa.select(Cluster.code, Cluster.name_en, Cluster.name_zh, *counts)
        .select_from(PilotSite).join(Site, Site.id == PilotSite.site_id)
        .outerjoin(Cluster, Cluster.id == Site.cluster_id).where(in_scope)
        .group_by(Cluster.code, Cluster.name_en, Cluster.name_zh).order_by(Cluster.code.nulls_first()))]
    out.by_site = [{"site_id": sid, "name_en": en, "name_zh": zh, "cluster": code or "-", "pilot_sites": n,
                    "adopted": a, "discontinued": d} for sid, en, zh, code, n, a, d in db.session.execute(
        sa.select(Site.id, Site.name_en, Site.name_zh, Cluster.code, *counts)
        .select_from(PilotSite).join(Site, Site.id == PilotSite.site_id)
        .outerjoin(Cluster, Cluster.id == Site.cluster_id).where(in_scope)
        .group_by(Site.id, Site.name_en, Site.name_zh, Cluster.code)
        .order_by(sa.desc("n"), Site.name_en).limit(15))]


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

"""Reading pilots: the table, the board, a site's and a company's pilots, what needs attention.

Every query takes the acting user and applies permissions.visible_clause(), and loads what
the pages show with a fixed number of statements whatever the number of pilots.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ..db import utcnow
from ..exhibitors.models import Company, Solution, Theme, solution_theme
from ..extensions import db
from ..sites.models import Site
from ..refs import parse_id
from .models import OPEN_STAGES, Pilot, PilotSite, Stage, pilot_forum
from .permissions import visible_clause
from .stages import today

SORTS = {
    "updated": Pilot.updated_at, "title": Pilot.title, "company": Company.name_en,
    "stage": sa.case({s.name: i for i, s in enumerate(Stage)}, value=Pilot.stage),  # pipeline order
    "start": Pilot.actual_start, "sponsor": Pilot.sponsor_name,
}


@dataclass
class PilotFilter:
    forum: int | None = None
    stage: str | None = None
    cluster: int | None = None
    site: int | None = None
    theme: int | None = None
    company: int | None = None
    sponsor: str = ""
    sort: str = "updated"
    desc: bool = True

    @classmethod
    def from_args(cls, args) -> "PilotFilter":
        out = cls()
        for f in fields(cls):
            raw = args.get(f.name)
            if raw in (None, ""):
                continue
            if f.name in ("forum", "cluster", "site", "theme", "company"):
                setattr(out, f.name, parse_id(raw))
            elif f.name == "stage":
                out.stage = raw if raw in Stage.__members__ else None
            elif f.name == "sort":
                out.sort = raw if raw in SORTS else "updated"
            elif f.name == "desc":
                out.desc = raw not in ("0", "false")
            else:
                setattr(out, f.name, str(raw)[:100])
        return out

    def args(self, **changes) -> dict:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        values["desc"] = "1" if values["desc"] else "0"
        return {k: v for k, v in values.items() if v not in (None, "")}


def visible_pilots(user, f: PilotFilter | None = None):
    """SELECT Pilot limited to what `user` may see and to the filter."""
    f = f or PilotFilter()
    stmt = sa.select(Pilot).join(Company, Company.id == Pilot.company_id).where(visible_clause(user))
    if f.forum:
        stmt = stmt.where(Pilot.id.in_(sa.select(pilot_forum.c.pilot_id).where(pilot_forum.c.forum_id == f.forum)))
    if f.stage:
        stmt = stmt.where(Pilot.stage == Stage(f.stage))
    if f.site:
        stmt = stmt.where(Pilot.id.in_(sa.select(PilotSite.pilot_id).where(PilotSite.site_id == f.site)))
    if f.cluster:
        stmt = stmt.where(Pilot.id.in_(sa.select(PilotSite.pilot_id).join(Site, Site.id == PilotSite.site_id)
                                       .where(Site.cluster_id == f.cluster)))
    if f.theme:
        stmt = stmt.where(Pilot.solution_id.in_(sa.select(solution_theme.c.solution_id)
                                                .where(solution_theme.c.theme_id == f.theme)))
    if f.company:
        stmt = stmt.where(Pilot.company_id == f.company)
    if f.sponsor:
        stmt = stmt.where(Pilot.sponsor_name.ilike(f"%{f.sponsor}%"))
    return stmt


def _with_cards(stmt):
    return stmt.options(
        joinedload(Pilot.company), selectinload(Pilot.sites).selectinload(PilotSite.champions),
        selectinload(Pilot.forums), selectinload(Pilot.solution).selectinload(Solution.themes))


def table(user, f: PilotFilter, *, page: int = 1, per_page: int = 25):
    column = SORTS[f.sort]
    order = (column.desc() if f.desc else column.asc()).nulls_last()
    stmt = _with_cards(visible_pilots(user, f).order_by(order, Pilot.id.desc()))
    return db.paginate(stmt, page=page, per_page=per_page, max_per_page=100, error_out=False)


BOARD_LIMIT = 25  # per column; the table lists them all


def board(user, f: PilotFilter) -> dict:
    """Per stage: the count and the most recently updated cards (at most BOARD_LIMIT each)."""
    base = visible_pilots(user, f)
    sub = base.subquery()
    counts = dict(db.session.execute(sa.select(sub.c.stage, sa.func.count()).group_by(sub.c.stage)).all())
    ranked = base.add_columns(sa.func.row_number().over(partition_by=Pilot.stage,
                                                        order_by=(Pilot.updated_at.desc(), Pilot.id.desc()))
                              .label("rank")).subquery()
    ids = sa.select(ranked.c.id).where(ranked.c.rank <= BOARD_LIMIT)
    cards = db.session.scalars(_with_cards(sa.select(Pilot).where(Pilot.id.in_(ids))
                                           .order_by(Pilot.updated_at.desc(), Pilot.id.desc()))).all()
    columns = {stage: {"count": 0, "cards": []} for stage in Stage}
    for stage, n in counts.items():
        columns[Stage(stage)]["count"] = n
    for pilot in cards:
        columns[pilot.stage]["cards"].append(pilot)
    return columns


def at_site(user, site_id: int) -> list[PilotSite]:
    """Every visible pilot at one site, with the site's own stage and champions."""
    stmt = (sa.select(PilotSite).join(Pilot, Pilot.id == PilotSite.pilot_id).join(Company, Company.id == Pilot.company_id)
            .where(PilotSite.site_id == site_id, visible_clause(user))
            .options(selectinload(PilotSite.champions),
                     joinedload(PilotSite.pilot).joinedload(Pilot.company),
                     joinedload(PilotSite.pilot).selectinload(Pilot.solution).selectinload(Solution.themes))
            .order_by(PilotSite.started_on.desc().nulls_first(), PilotSite.id.desc()))
    return db.session.scalars(stmt).unique().all()


def few_champions(rows: list[PilotSite]) -> list[PilotSite]:
    """Running pilots with fewer than two champions: one champion is not enough."""
    return [ps for ps in rows if ps.stage == Stage.running and len(ps.champions) < 2]


def similar_before(user, site_id: int, pilot: Pilot) -> list[PilotSite]:
    """Earlier, ended pilots at this site whose solutions share a theme with this pilot's."""
    if pilot.solution_id is None:
        return []
    themes = sa.select(solution_theme.c.theme_id).where(solution_theme.c.solution_id == pilot.solution_id)
    similar = sa.select(solution_theme.c.solution_id).where(solution_theme.c.theme_id.in_(themes))
    stmt = (sa.select(PilotSite).join(Pilot, Pilot.id == PilotSite.pilot_id).join(Company, Company.id == Pilot.company_id)
            .where(PilotSite.site_id == site_id, Pilot.id != pilot.id, Pilot.solution_id.in_(similar),
                   PilotSite.stage.not_in(OPEN_STAGES), visible_clause(user))
            .options(joinedload(PilotSite.pilot).joinedload(Pilot.company))
            .order_by(PilotSite.decided_on.desc().nulls_last()).limit(10))
    return db.session.scalars(stmt).unique().all()


def attention(user, stale_days: int, *, limit: int = 20) -> dict:
    """For the partnership home: open pilots with no update for stale_days, and evaluations due."""
    cutoff = utcnow() - timedelta(days=stale_days)
    base = visible_pilots(user).where(Pilot.stage.in_(OPEN_STAGES))
    stale = db.session.scalars(base.where(Pilot.updated_at < cutoff).order_by(Pilot.updated_at).limit(limit)
                               .options(joinedload(Pilot.company))).all()
    due = db.session.scalars(base.where(Pilot.stage == Stage.running, Pilot.evaluation_due.is_not(None),
                                        Pilot.evaluation_due <= today() + timedelta(days=14))
                             .order_by(Pilot.evaluation_due).limit(limit).options(joinedload(Pilot.company))).all()
    count = lambda stmt: db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))  # noqa: E731
    return {"stale": stale, "due": due,
            "stale_count": count(base.where(Pilot.updated_at < cutoff)),
            "due_count": count(base.where(Pilot.stage == Stage.running, Pilot.evaluation_due.is_not(None),
                                          Pilot.evaluation_due <= today() + timedelta(days=14)))}


def filter_choices() -> dict:
    from ..forums.models import Forum
    from ..sites.models import Cluster

    return {
        "forums": db.session.scalars(sa.select(Forum).order_by(Forum.starts_at.desc())).all(),
        "clusters": db.session.scalars(sa.select(Cluster).order_by(Cluster.code)).all(),
        "sites": db.session.scalars(sa.select(Site).where(Site.active.is_(True)).order_by(Site.name_en)).all(),
        "themes": db.session.scalars(sa.select(Theme).where(Theme.active.is_(True)).order_by(Theme.position)).all(),
        "companies": db.session.scalars(sa.select(Company).where(Company.id.in_(sa.select(Pilot.company_id)))
                                        .order_by(Company.name_en)).all(),
    }


def from_origin(user, kind: str, ref_id: int) -> list[Pilot]:
    """The pilots that came from one bookmark, lead or meeting: the way back from a demo to its pilots."""
    from .models import PilotOrigin

    came = sa.select(PilotOrigin.pilot_id).where(PilotOrigin.kind == kind, PilotOrigin.ref_id == ref_id)
    return db.session.scalars(visible_pilots(user).where(Pilot.id.in_(came)).order_by(Pilot.id)).all()

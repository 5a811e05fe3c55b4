"""The organisers' review table and its counts by status, in a fixed number of queries."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..forums.models import Forum
from .models import Application, ApplicationStatus, Company, Solution, Theme, solution_theme


def review_rows(forum: Forum, *, status: str = "", theme: str = "", sector: str = "", demo: str = ""):
    stmt = (sa.select(Application).join(Company, Company.id == Application.company_id)
            .where(Application.forum_id == forum.id))
    if status:
        stmt = stmt.where(Application.status == status)
    else:
        stmt = stmt.where(Application.status != ApplicationStatus.draft)
    if sector:
        stmt = stmt.where(Company.sector == sector)
    if demo == "yes":
        stmt = stmt.where(Application.demo_requested.is_(True))
    elif demo == "selected":
        stmt = stmt.where(Application.demo_selected.is_(True))
    if theme:
        stmt = stmt.where(sa.exists(
            sa.select(Solution.id).join(solution_theme, solution_theme.c.solution_id == Solution.id)
            .join(Theme, Theme.id == solution_theme.c.theme_id)
            .where(Solution.company_id == Company.id, Theme.key == theme)))
    return db.session.scalars(
        stmt.options(joinedload(Application.company),
                     selectinload(Application.solutions).selectinload(Solution.themes),
                     selectinload(Application.demo_scores),
                     selectinload(Application.demo_solution))
        .order_by(Application.submitted_at.nulls_last(), Application.id)).unique().all()


def status_counts(forum: Forum) -> dict[str, int]:
    rows = db.session.execute(sa.select(Application.status, sa.func.count()).where(
        Application.forum_id == forum.id).group_by(Application.status)).all()
    counts = {s.value: 0 for s in ApplicationStatus}
    counts.update({status.value if hasattr(status, "value") else status: n for status, n in rows})
    return counts

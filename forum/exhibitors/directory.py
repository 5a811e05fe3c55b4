"""The directory of approved exhibitors, the list behind the catalogue and booths, and the API answer.

Each listing runs a fixed number of queries whatever the number of exhibitors:
one for the page of rows and one per eager-loaded collection (selectinload).
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ..db import contains
from ..extensions import db
from ..forums.models import Forum
from ..text import normalise
from .models import Application, ApplicationStatus, Company, Solution, Theme, application_solution, solution_theme


PAGE_SIZE = 60
# A solution's details beside its title and summary: English in <name>, Chinese in <name>_zh.
SOLUTION_DETAILS = ("problem", "target_users", "departments", "regulatory_status", "deployments")


@dataclass
class DirectoryQuery:
    q: str = ""
    theme: str = ""
    trl_min: int | None = None
    sector: str = ""
    page: int = 1


def _terms(q: str) -> list[str]:
    return [t for t in normalise(q).split(" ") if t][:8]


def search_statement(forum: Forum, query: DirectoryQuery) -> sa.Select:
    """The approved applications matching the query (no order, no loading options).

    Search is a substring match over normalised text (NFKC + casefold), every term
    required, over the company's names and description and its solutions' titles,
    summaries and themes; it behaves the same on SQLite and PostgreSQL and matches
    Chinese text without word segmentation. Each term is two IN lists (companies whose
    text has it, applications showing a solution whose text has it), each of which
    PostgreSQL answers from a trigram index (migration 0025) instead of reading every row.
    """
    stmt = (sa.select(Application).join(Company, Company.id == Application.company_id)
            .where(Application.forum_id == forum.id, Application.status == ApplicationStatus.approved))
    # The solutions the company shows at this forum.
    shown = (sa.select(Solution.id).join(application_solution, application_solution.c.solution_id == Solution.id)
             .where(application_solution.c.application_id == Application.id))
    for term in _terms(query.q):
        companies = sa.select(Company.id).where(contains(Company.search_text, term))
        showing = (sa.select(application_solution.c.application_id)
                   .join(Solution, Solution.id == application_solution.c.solution_id)
                   .where(contains(Solution.search_text, term)))
        stmt = stmt.where(sa.or_(Application.company_id.in_(companies), Application.id.in_(showing)))
    if query.theme:
        stmt = stmt.where(sa.exists(
            shown.join(solution_theme, solution_theme.c.solution_id == Solution.id)
            .join(Theme, Theme.id == solution_theme.c.theme_id).where(Theme.key == query.theme)))
    if query.trl_min:
        stmt = stmt.where(sa.exists(shown.where(Solution.trl >= query.trl_min)))
    if query.sector:
        stmt = stmt.where(Company.sector == query.sector)
    return stmt


def directory(forum: Forum, query: DirectoryQuery):
    """One page (db.paginate: items, total, pages) of the approved exhibitors matching the query."""
    stmt = search_statement(forum, query)
    return db.paginate(stmt.options(joinedload(Application.company).joinedload(Company.logo),
                                    selectinload(Application.solutions).selectinload(Solution.themes))
                       .order_by(Company.name_key), page=max(1, query.page), per_page=PAGE_SIZE, error_out=False)


def approved_with_solutions(forum: Forum):
    return db.session.scalars(
        sa.select(Application).join(Company, Company.id == Application.company_id)
        .where(Application.forum_id == forum.id, Application.status == ApplicationStatus.approved)
        .options(joinedload(Application.company).joinedload(Company.logo),
                 selectinload(Application.solutions).selectinload(Solution.themes))
        .order_by(Application.booth_code.nulls_last(), Company.name_key)).unique().all()


def exhibitor_json(application: Application) -> dict:
    company = application.company
    solutions = application.solutions
    return {
        "company_id": company.id, "name_en": company.name_en, "name_zh": company.name_zh,
        "sector": company.sector, "website": company.website, "booth": application.booth_code,
        "description_en": company.description_en, "description_zh": company.description_zh,
        "demo_selected": application.demo_selected,
        "solutions": [{"id": s.id, "title_en": s.title_en, "title_zh": s.title_zh, "summary_en": s.summary_en,
                       "summary_zh": s.summary_zh, "trl": s.trl, "themes": [t.key for t in s.themes],
                       **{f"{name}{suffix}": getattr(s, f"{name}{suffix}") or ""
                          for name in SOLUTION_DETAILS for suffix in ("", "_zh")}} for s in solutions],
    }

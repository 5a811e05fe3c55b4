"""Reading exhibitors: the directory, the review table, exports and the API answer.

Each listing runs a fixed number of queries whatever the number of exhibitors:
one for the page of rows and one per eager-loaded collection (selectinload).
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from .. import tabular
from ..db import contains
from ..extensions import db
from ..forums.models import Forum
from ..text import normalise
from .models import Application, ApplicationStatus, Company, Solution, Theme, application_solution, solution_theme

PAGE_SIZE = 60


@dataclass
class DirectoryQuery:
    q: str = ""
    theme: str = ""
    trl_min: int | None = None
    sector: str = ""
    page: int = 1


def _terms(q: str) -> list[str]:
    return [t for t in normalise(q).split(" ") if t][:8]


def directory(forum: Forum, query: DirectoryQuery):
    """(applications on this page, total) of approved exhibitors matching the query.

    Search is a substring match over normalised text (NFKC + casefold), every term
    required, over the company's names and description and its solutions' titles,
    summaries and themes; it behaves the same on SQLite and PostgreSQL and matches
    Chinese text without word segmentation.
    """
    stmt = (sa.select(Application).join(Company, Company.id == Application.company_id)
            .where(Application.forum_id == forum.id, Application.status == ApplicationStatus.approved))
    # The solutions the company shows at this forum.
    shown = (sa.select(Solution.id).join(application_solution, application_solution.c.solution_id == Solution.id)
             .where(application_solution.c.application_id == Application.id))
    for term in _terms(query.q):
        matching_solution = sa.exists(shown.where(contains(Solution.search_text, term)))
        stmt = stmt.where(sa.or_(contains(Company.search_text, term), matching_solution))
    if query.theme:
        stmt = stmt.where(sa.exists(
            shown.join(solution_theme, solution_theme.c.solution_id == Solution.id)
            .join(Theme, Theme.id == solution_theme.c.theme_id).where(Theme.key == query.theme)))
    if query.trl_min:
        stmt = stmt.where(sa.exists(shown.where(Solution.trl >= query.trl_min)))
    if query.sector:
        stmt = stmt.where(Company.sector == query.sector)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    page = max(1, query.page)
    rows = db.session.scalars(
        stmt.options(joinedload(Application.company).joinedload(Company.logo),
                     selectinload(Application.solutions).selectinload(Solution.themes))
        .order_by(Company.name_key).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).unique().all()
    return rows, total


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
                       "summary_zh": s.summary_zh, "trl": s.trl, "regulatory_status": s.regulatory_status,
                       "themes": [t.key for t in s.themes]} for s in solutions],
    }


# --- exports -----------------------------------------------------------------------------

APPLICATION_COLUMNS = ["application_id", "company_en", "company_zh", "sector", "status", "submitted_at",
                       "booth", "solutions", "staff", "needs_power", "needs_screen", "needs_table",
                       "demo_requested", "demo_solution", "demo_presenter", "demo_minutes", "demo_windows",
                       "demo_score", "demo_selected", "decision_reason"]
EXHIBITOR_COLUMNS = ["company_id", "company_en", "company_zh", "sector", "programme_ref", "website",
                     "contact_name", "contact_email", "booth", "solution_en", "solution_zh", "trl", "themes"]


def application_rows(forum: Forum) -> list[list]:
    rows = db.session.scalars(
        sa.select(Application).where(Application.forum_id == forum.id)
        .options(joinedload(Application.company), selectinload(Application.solutions),
                 selectinload(Application.staff), selectinload(Application.demo_scores),
                 selectinload(Application.demo_solution))
        .order_by(Application.id)).unique().all()
    out = []
    for a in rows:
        out.append([a.id, a.company.name_en, a.company.name_zh, a.company.sector, a.status.value,
                    a.submitted_at.isoformat() if a.submitted_at else "", a.booth_code or "",
                    "; ".join(s.title_en or s.title_zh for s in a.solutions),
                    "; ".join(" ".join(filter(None, (p.name_en, p.name_zh))) for p in a.staff),
                    a.needs_power, a.needs_screen, a.needs_table, a.demo_requested,
                    (a.demo_solution.title_en or a.demo_solution.title_zh) if a.demo_solution else "",
                    a.demo_presenter, a.demo_minutes if a.demo_requested else "", a.demo_windows,
                    a.demo_score if a.demo_score is not None else "", a.demo_selected, a.decision_reason])
    return out


def exhibitor_rows(forum: Forum) -> list[list]:
    out = []
    for a in approved_with_solutions(forum):
        c = a.company
        for s in (a.solutions or [None]):
            out.append([c.id, c.name_en, c.name_zh, c.sector, c.programme_ref, c.website, c.contact_name,
                        c.contact_email, a.booth_code or "", s.title_en if s else "", s.title_zh if s else "",
                        s.trl if s else "", ", ".join(t.key for t in s.themes) if s else ""])
    return out


def to_csv(columns: list[str], rows: list[list]) -> bytes:
    return tabular.csv_bytes([columns, *rows])


def to_xlsx(columns: list[str], rows: list[list], title: str) -> bytes:
    return tabular.xlsx_bytes([columns, *rows], title)

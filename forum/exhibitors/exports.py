"""The organisers' exports of applications and exhibitors, as CSV or XLSX (through forum/tabular.py)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from .. import tabular
from ..extensions import db
from ..forums.models import Forum
from .models import Application
from .directory import approved_with_solutions


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

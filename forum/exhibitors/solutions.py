"""A company's library of solutions."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..audit.services import apply_changes, record
from ..errors import NotFound, ValidationError
from ..extensions import db
from ..permissions import ensure
from ..text import clean, normalise
from . import uploads
from .models import Company, Solution, SolutionImage, Theme


SOLUTION_FIELDS = ("title_en", "title_zh", "summary_en", "summary_zh", "problem", "problem_zh", "target_users",
                   "target_users_zh", "departments", "departments_zh", "trl", "regulatory_status",
                   "regulatory_status_zh", "deployments", "deployments_zh")


def refresh_solution_search(solution: Solution) -> None:
    parts = [solution.title_en, solution.title_zh, solution.summary_en, solution.summary_zh, solution.problem,
             solution.problem_zh, solution.target_users, solution.target_users_zh, solution.departments,
             solution.departments_zh]
    parts += [f"{t.name_en} {t.name_zh}" for t in solution.themes]
    solution.search_text = normalise(" ".join(p or "" for p in parts))


def save_solution(actor, company: Company, solution: Solution | None, data: dict, *,
                  brochure: tuple[bytes, str] | None = None, image: tuple[bytes, str] | None = None) -> Solution:
    ensure(actor, "solution.edit", company)
    if solution is not None and solution.company_id != company.id:
        raise NotFound()
    values = {k: data[k] for k in SOLUTION_FIELDS if k in data}
    for key in ("title_en", "title_zh", "target_users", "target_users_zh", "departments", "departments_zh",
                "regulatory_status", "regulatory_status_zh"):
        if key in values:
            values[key] = clean(values[key])
    for key in ("summary_en", "summary_zh", "problem", "problem_zh", "deployments", "deployments_zh"):
        if key in values:
            values[key] = (values[key] or "").strip()
    title_en = values.get("title_en", solution.title_en if solution else "")
    title_zh = values.get("title_zh", solution.title_zh if solution else "")
    if not (title_en or title_zh):
        raise ValidationError(_l("Give a title in English or Chinese."), field="title_en")
    if "trl" in values:
        try:
            values["trl"] = int(values["trl"])
        except (TypeError, ValueError):
            values["trl"] = 0
        if not 1 <= values["trl"] <= 9:
            raise ValidationError(_l("Maturity is a technology readiness level from 1 to 9."), field="trl")
    themes = None
    if "theme_ids" in data:
        wanted = {int(t) for t in data["theme_ids"] or []}
        themes = db.session.scalars(sa.select(Theme).where(Theme.id.in_(wanted), Theme.active.is_(True))).all()
        if len(themes) != len(wanted):
            raise ValidationError(_l("Choose themes from the list."), field="theme_ids")
    # Check every upload before writing any, so a refused one leaves nothing behind.
    if brochure:
        uploads.checked_pdf(brochure[0], "brochure")
    if image:
        uploads.checked_image(image[0], "image")
    created = solution is None
    if created:
        solution = Solution(company_id=company.id)
        db.session.add(solution)
    if brochure:
        values["brochure_id"] = uploads.store(company.id, brochure[0], kind="pdf", original_name=brochure[1],
                                              actor=actor, field="brochure").id
    changes = apply_changes(solution, values)
    if themes is not None:
        before = sorted(t.key for t in solution.themes)
        solution.themes = sorted(themes, key=lambda t: t.position)
        if before != sorted(t.key for t in themes):
            changes["themes"] = [before, sorted(t.key for t in themes)]
    if image:
        stored = uploads.store(company.id, image[0], kind="image", original_name=image[1], actor=actor,
                               field="image")
        solution.images.append(SolutionImage(file_id=stored.id))
        changes["image"] = stored.stored_name
    refresh_solution_search(solution)
    db.session.flush()
    record(actor, "solution.create" if created else "solution.update", solution, changes=changes)
    return solution


def get_solution(solution_id: int) -> Solution:
    solution = db.session.get(Solution, solution_id)
    if solution is None:
        raise NotFound()
    return solution

"""What of a company others see: only what an approved application shows.

These are the object parts of the "solution.see" and "file.see" rules in permissions.py; the own-company
part is there too, so callers ask can(), not these functions.
"""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from .models import Application, ApplicationStatus, Company, Solution, SolutionImage, application_solution


def _in_approved_application():
    return (sa.select(application_solution.c.solution_id)
            .join(Application, Application.id == application_solution.c.application_id)
            .where(Application.status == ApplicationStatus.approved))


def company_approved(company_id: int) -> bool:
    return db.session.scalar(sa.select(Application.id).where(
        Application.company_id == company_id, Application.status == ApplicationStatus.approved).limit(1)) is not None


def shown_in_approved_application(solution: Solution) -> bool:
    return db.session.scalar(_in_approved_application().where(
        application_solution.c.solution_id == solution.id).limit(1)) is not None


def file_shown_outside(stored) -> bool:
    """A company's file reaches others only as its logo (once approved) or as a brochure or image of a
    solution in an approved application; drafts and files of nothing approved stay with the company."""
    if stored.company_id is None:  # a data-lab attachment of an organisation: never shown here
        return False
    company = db.session.get(Company, stored.company_id)
    if company is not None and company.logo_id == stored.id and company_approved(company.id):
        return True
    shown = _in_approved_application().subquery()
    used = sa.select(Solution.id).where(Solution.id.in_(sa.select(shown.c.solution_id)), sa.or_(
        Solution.brochure_id == stored.id,
        Solution.id.in_(sa.select(SolutionImage.solution_id).where(SolutionImage.file_id == stored.id))))
    return db.session.scalar(used.limit(1)) is not None

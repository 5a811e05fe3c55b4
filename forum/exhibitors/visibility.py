"""Who outside a company sees its solutions and files: only what an approved application shows."""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..permissions import ORGANISERS
from .models import Application, ApplicationStatus, Company, Solution, SolutionImage, application_solution
from .companies import company_public_to


def _in_approved_application():
    return (sa.select(application_solution.c.solution_id)
            .join(Application, Application.id == application_solution.c.application_id)
            .where(Application.status == ApplicationStatus.approved))


def solution_public_to(user, solution: Solution) -> bool:
    """Own company and organisers always; others only a solution shown in an approved application."""
    if user.role in ORGANISERS or (user.company_id is not None and user.company_id == solution.company_id):
        return True
    return db.session.scalar(_in_approved_application().where(
        application_solution.c.solution_id == solution.id).limit(1)) is not None


def file_public_to(user, stored) -> bool:
    """A company's file reaches others only as its logo (once approved) or as a brochure or image of a
    solution in an approved application; drafts and files of nothing approved stay with the company."""
    if user.role in ORGANISERS or (user.company_id is not None and user.company_id == stored.company_id):
        return True
    if stored.company_id is None:  # a data-lab attachment of an organisation: never shown here
        return False
    company = db.session.get(Company, stored.company_id)
    if company is not None and company.logo_id == stored.id and company_public_to(user, company.id):
        return True
    shown = _in_approved_application().subquery()
    used = sa.select(Solution.id).where(Solution.id.in_(sa.select(shown.c.solution_id)), sa.or_(
        Solution.brochure_id == stored.id,
        Solution.id.in_(sa.select(SolutionImage.solution_id).where(SolutionImage.file_id == stored.id))))
    return db.session.scalar(used.limit(1)) is not None

"""Who may do what with companies, solutions, applications and the directory.

Object rules: an exhibitor acts only on its own company's things; a company admin
also manages its people. Organisers and admins pass every rule (admin by the
mechanism, organisers through the rules below).
"""
from __future__ import annotations

from ..permissions import SIGNED_IN, ORGANISERS, grant


def _company_id_of(obj) -> int | None:
    from .models import Company

    if isinstance(obj, Company):
        return obj.id
    return getattr(obj, "company_id", None)


def own_company(user, obj) -> bool:
    if user.role in ORGANISERS:
        return True
    return user.company_id is not None and user.company_id == _company_id_of(obj)


def company_admin(user, obj) -> bool:
    if user.role in ORGANISERS:
        return True
    from .companies import is_company_admin

    return own_company(user, obj) and is_company_admin(user, _company_id_of(obj))


def solution_shown_to(user, solution) -> bool:
    """Own company and organisers always; others only a solution shown in an approved application."""
    from .visibility import shown_in_approved_application

    return own_company(user, solution) or shown_in_approved_application(solution)


def file_shown_to(user, stored) -> bool:
    """Own company and organisers always; others a file only as an approved company's logo or a
    brochure or image of a solution in an approved application."""
    from .visibility import file_shown_outside

    return own_company(user, stored) or file_shown_outside(stored)


EXHIBITOR_SIDE = {"exhibitor"} | ORGANISERS


def register() -> None:
    """This feature's grants; its init_app calls this before anything asks can()."""
    grant("company.view_own", {"exhibitor"}, rule=own_company)
    grant("company.edit", EXHIBITOR_SIDE, rule=own_company)
    grant("company.members", EXHIBITOR_SIDE, rule=company_admin)
    grant("solution.edit", EXHIBITOR_SIDE, rule=own_company)
    grant("application.edit", EXHIBITOR_SIDE, rule=own_company)
    grant("application.view", EXHIBITOR_SIDE, rule=own_company)
    # Badges and tickets for the people a company names on its approved application: its own rows only.
    grant("company.staff_badges", EXHIBITOR_SIDE, rule=own_company)
    # Organisers change any application after the deadline or once declined, and see its review side.
    grant("application.edit_closed", ORGANISERS)
    grant("solution.see", SIGNED_IN, rule=solution_shown_to)
    grant("file.see", SIGNED_IN, rule=file_shown_to)
    grant("exhibitor.review", ORGANISERS)
    grant("theme.manage", ORGANISERS)
    grant("directory.view", SIGNED_IN)

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


EXHIBITOR_SIDE = {"exhibitor"} | ORGANISERS

grant("company.view_own", {"exhibitor"}, rule=own_company)
grant("company.edit", EXHIBITOR_SIDE, rule=own_company)
grant("company.members", EXHIBITOR_SIDE, rule=company_admin)
grant("solution.edit", EXHIBITOR_SIDE, rule=own_company)
grant("application.edit", EXHIBITOR_SIDE, rule=own_company)
grant("application.view", EXHIBITOR_SIDE, rule=own_company)
# Badges and tickets for the people a company names on its approved application: its own rows only.
grant("company.staff_badges", EXHIBITOR_SIDE, rule=own_company)
grant("exhibitor.review", ORGANISERS)
grant("theme.manage", ORGANISERS)
grant("directory.view", SIGNED_IN)

"""The exhibitors' HTML pages: one blueprint, its routes kept in one module per area.

company_views (sign-up, the company and its people), solution_views, application_views,
review_views (the organisers' review, booths, exports, themes) and directory_views (the directory,
exhibitor and booth pages, the catalogue).
"""
from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..nav import nav_link
from . import application_views, company_views, directory_views, review_views, solution_views
from . import steps as _steps  # noqa: F401  (home page suggestions)

bp = Blueprint("exhibitors", __name__, url_prefix="/exhibitors")
for module in (company_views, solution_views, application_views, review_views, directory_views):
    module.routes.add_to(bp)

nav_link("exhibitors.directory_current", _l("Exhibitors"), "directory.view", 20)
nav_link("exhibitors.company", _l("My company"), "company.view_own", 25, when=lambda user: user.company_id is not None)
nav_link("exhibitors.review_current", _l("Review exhibitors"), "exhibitor.review", 30)

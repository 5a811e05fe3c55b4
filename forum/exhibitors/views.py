"""The exhibitors' HTML pages: one blueprint, its routes kept in one module per area.

company_views (sign-up, the company and its people), solution_views, application_views,
review_views (the organisers' review, booths, exports, themes) and directory_views (the directory,
exhibitor and booth pages, the catalogue).
"""
from __future__ import annotations

from flask import Blueprint

from . import application_views, company_views, directory_views, review_views, solution_views

bp = Blueprint("exhibitors", __name__, url_prefix="/exhibitors")
for module in (company_views, solution_views, application_views, review_views, directory_views):
    module.routes.add_to(bp)


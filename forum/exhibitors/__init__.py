"""Exhibitors: companies, solutions, applications, the organisers' review and the directory."""
from __future__ import annotations


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..nav import nav_link
    from ..api.core import add_endpoints
    from . import api
    from ..home.next_steps import add_steps
    from . import steps
    from .views import bp
    from . import permissions
    from ..cache import watch
    from .models import Application, Company, Solution, Theme

    permissions.register()  # the grants, before any view or kind below names one
    # The directory's list is kept rendered until one of these changes (forum.cache).
    watch("directory", Company, Solution, Theme, Application)
    app.register_blueprint(bp)
    add_steps(steps)  # its suggestions on the home page
    add_endpoints(api)  # its API endpoints, on the API blueprint registered last
    nav_link("exhibitors.directory_current", _l("Exhibitors"), "directory.view", 20)
    nav_link("exhibitors.company", _l("My company"), "company.view_own", 25,
             when=lambda user: user.company_id is not None)
    nav_link("exhibitors.review_current", _l("Review exhibitors"), "exhibitor.review", 30)

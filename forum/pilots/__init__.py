"""Pilots: which use case is piloted at which hospital, clinic or lab, and how each one ends."""
from __future__ import annotations


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..nav import nav_link
    from ..api.core import add_endpoints
    from . import api
    from . import from_bookmark, survey_views, views
    from ..home.next_steps import add_steps
    from .dashboard_views import bp as dashboard_bp
    from .survey_views import bp as surveys_bp
    from .views import bp
    from . import permissions

    permissions.register()  # the grants, before any view or kind below names one
    for blueprint in (bp, dashboard_bp, surveys_bp):
        app.register_blueprint(blueprint)
    add_endpoints(api)  # its API endpoints, on the API blueprint registered last
    add_steps(views)  # their suggestions on the home page
    add_steps(survey_views)
    from_bookmark.init_app(app)
    nav_link("pilots.index", _l("Pilots"), "pilot.view", 60)

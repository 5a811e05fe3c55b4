"""Forums: the series of forums, their dates, venue, status and capacities."""
from __future__ import annotations


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..nav import nav_link
    from ..api.core import add_endpoints
    from . import api
    from .views import bp

    app.register_blueprint(bp)
    add_endpoints(api)  # its API endpoints, on the API blueprint registered last
    nav_link("forums.index", _l("Forums"), "forum.view", 10)

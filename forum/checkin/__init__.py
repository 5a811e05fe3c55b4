"""On-site check-in: points, the check-in history, the scanner page, the kiosk and the live dashboard."""
from __future__ import annotations


def init_app(app) -> None:
    from ..api.core import add_endpoints
    from . import api
    from flask_babel import lazy_gettext as _l

    from ..home.next_steps import add_steps
    from ..nav import nav_link
    from . import views
    from .views import bp
    from . import permissions

    permissions.register()  # the grants, before any view or kind below names one
    app.register_blueprint(bp)
    nav_link("checkin.start", _l("Check-in"), "checkin.scan", 40)
    add_steps(views)  # its suggestion on the home page
    add_endpoints(api)  # its API endpoints, on the API blueprint registered last

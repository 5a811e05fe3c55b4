"""On-site check-in: points, the check-in history, the scanner page, the kiosk and the live dashboard."""
from __future__ import annotations


def init_app(app) -> None:
    from ..api.core import add_endpoints
    from . import api
    from .views import bp

    app.register_blueprint(bp)
    add_endpoints(api)  # its API endpoints, on the API blueprint registered last

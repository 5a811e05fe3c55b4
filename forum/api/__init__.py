"""The JSON API under /api/v1: one blueprint (core.bp) and the health check.

Each feature's init_app adds the endpoints its api module declared with api_route()
(core.add_endpoints); create_app calls init_app here last, once all are added (a registered
blueprint takes no more routes).
"""
from __future__ import annotations


def init_app(app) -> None:
    from . import health, openapi
    from .core import add_endpoints, bp

    add_endpoints(openapi)  # the document's own route
    add_endpoints(health)
    app.register_blueprint(bp)
    app.register_blueprint(health.health_bp)

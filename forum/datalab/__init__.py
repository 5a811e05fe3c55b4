"""The HKSP-HA Data Lab: applications, reviews, seat bookings, lab passes, outputs and the register."""
from __future__ import annotations


def init_app(app) -> None:
    from ..audit.sentences import word_actions
    from ..api.core import add_endpoints
    from . import api
    from .sentences import sentence
    from .staff_views import bp as staff_bp
    from .views import bp

    app.register_blueprint(bp)
    add_endpoints(api)  # its API endpoints, on the API blueprint registered last
    app.register_blueprint(staff_bp)
    word_actions("datalab.", sentence)  # the audit trail shows data-lab events in the lab's own words

"""The HKSP-HA Data Lab: applications, reviews, seat bookings, lab passes, outputs and the register
(docs/datalab.md)."""
from __future__ import annotations


def init_app(app) -> None:
    from ..api.core import add_endpoints
    from ..audit.sentences import word_actions
    from ..checkin.kinds import PointRules, register
    from ..checkin.models import PointKind
    from . import api, door
    from . import permissions
    from ..home.next_steps import add_steps
    from ..nav import nav_link
    from flask_babel import lazy_gettext as _l
    from . import steps
    from .sentences import sentence
    from .staff_views import bp as staff_bp
    from .views import bp

    permissions.register()  # the grants, before any view or kind below names one
    app.register_blueprint(bp)
    add_endpoints(api)  # its API endpoints, on the API blueprint registered last
    app.register_blueprint(staff_bp)
    nav_link("datalab.index", _l("Data lab"), "datalab.view", 60)
    add_steps(steps)  # its suggestions on the home page
    word_actions("datalab.", sentence)  # the audit trail shows data-lab events in the lab's own words
    # The lab's door is a check-in point of kind "data lab": the check-in's scanner page and API serve
    # it, and its scans are judged here, by the lab's pass rules (door.judge).
    register(PointKind.data_lab, PointRules(permission="datalab.staff", judge=door.judge,
                                            code_pattern=door.CODE_PATTERN, words=door.SCANNER_WORDS))

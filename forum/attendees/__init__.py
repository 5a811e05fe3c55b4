"""Attendees: invitation lists, invitations, registration, tickets and badges."""
from __future__ import annotations


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..nav import nav_link
    from . import account_links
    from ..api.core import add_endpoints
    from . import api
    from ..home.next_steps import add_steps
    from . import steps
    from .views import bp
    from . import permissions

    permissions.register()  # the grants, before any view or kind below names one
    app.register_blueprint(bp)
    add_steps(steps)  # its suggestions on the home page
    add_endpoints(api)  # its API endpoints, on the API blueprint registered last
    account_links.init_app(app)
    nav_link("attendees.home", _l("Attendees"), "attendee.manage", 20)
    nav_link("attendees.my_ticket", _l("My ticket"), "attendee.respond_own", 25)

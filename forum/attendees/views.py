"""The attendees' HTML pages: one blueprint, its routes in organiser_views (the organisers' pages)
and invitee_views (the invited person's own pages)."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..nav import nav_link
from . import invitee_views, organiser_views
from . import steps as _steps  # noqa: F401  (home page suggestions)
from .tickets import grouped

bp = Blueprint("attendees", __name__)
bp.add_app_template_filter(grouped, "grouped")
for module in (organiser_views, invitee_views):
    module.routes.add_to(bp)


nav_link("attendees.home", _l("Attendees"), "attendee.manage", 20)
nav_link("attendees.my_ticket", _l("My ticket"), "attendee.respond_own", 25)

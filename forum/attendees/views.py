"""The attendees' HTML pages: one blueprint, its routes in organiser_views (the organisers' pages)
and invitee_views (the invited person's own pages)."""
from __future__ import annotations

from flask import Blueprint

from . import invitee_views, organiser_views
from .tickets import grouped

bp = Blueprint("attendees", __name__)
bp.add_app_template_filter(grouped, "grouped")
for module in (organiser_views, invitee_views):
    module.routes.add_to(bp)



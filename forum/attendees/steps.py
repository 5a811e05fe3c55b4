"""What organisers and invitees should do next about attendees (home page)."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from ..home.next_steps import Step, step
from ..permissions import can
from .account_links import own_attendee
from .models import AttendeeStatus


@step("admin", "organiser")
def _organiser_steps(user, forum):
    if forum is None:
        return []
    return [Step(_l("Import the HA invitation list"), url_for("attendees.import_list", forum=forum.slug),
                 _l("CSV or Excel; you see every change before anything is saved.")),
            Step(_l("Follow invitations and print badges"), url_for("attendees.index", forum=forum.slug))]


@step("admin", "organiser", "scanner", "exhibitor", "ha_staff", "partnership")
def _attendee_steps(user, forum):
    if forum is None or not can(user, "attendee.respond_own"):
        return []
    attendee = own_attendee(user, forum)
    if attendee is None:
        return []
    if attendee.status == AttendeeStatus.invited:
        return [Step(_l("Answer your invitation"), url_for("attendees.my_invitation", forum=forum.slug),
                     _l("Confirm, pick the themes you care about, or decline."))]
    if attendee.status == AttendeeStatus.registered:
        return [Step(_l("Show your ticket at the door"), url_for("attendees.my_ticket", forum=forum.slug),
                     _l("Your QR code, full screen."))]
    return []

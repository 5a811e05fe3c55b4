"""Who may do what with attendees. Imported by views, API and services before @requires runs."""
from ..permissions import STAFF, grant


def _own_attendee(user, attendee) -> bool:
    return attendee.user_id == user.id


# Organisers: invitation lists, walk-ins, tickets, badges and exports.
grant("attendee.manage", STAFF)
# A single badge: organisers, and door staff at the check-in kiosk (reprints); a tablet in kiosk
# mode only the badge of the person it just checked in (its lock in checkin/views.py holds that too).
grant("attendee.badge", STAFF | {"scanner", "kiosk"},
      rule=lambda user, attendee: user.role != "kiosk" or attendee.id == user.attendee_id)
# A signed-in person's own invitation and ticket: the people who attend rather than run the forum.
grant("attendee.respond_own", {"ha_staff", "exhibitor", "partnership"}, rule=_own_attendee)

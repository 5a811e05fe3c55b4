"""Who may do what with attendees. Imported by views, API and services before @requires runs."""
from datetime import timedelta

import sqlalchemy as sa

from ..permissions import ORGANISERS, grant


def _own_attendee(user, attendee) -> bool:
    return attendee.user_id == user.id


BADGE_AFTER_SCAN = timedelta(minutes=15)


def _badge_of(user, attendee) -> bool:
    """Organisers print any badge; door staff only that of a person they scanned in the last minutes
    (a reprint at the door), never one reached by counting through ids."""
    if user.role in ORGANISERS:
        return True
    if user.role == "kiosk":  # a tablet in kiosk mode: only the person it just checked in
        return attendee.id == user.attendee_id
    from ..checkin.models import CheckIn, ScanResult
    from ..db import utcnow
    from ..extensions import db

    return bool(db.session.scalar(sa.select(sa.exists().where(
        CheckIn.attendee_id == attendee.id, CheckIn.scanner_id == user.id, CheckIn.annulled_at.is_(None),
        CheckIn.result.in_((ScanResult.ok, ScanResult.already_checked_in)),
        CheckIn.received_at >= utcnow() - BADGE_AFTER_SCAN))))


def register() -> None:
    """This feature's grants; its init_app calls this before anything asks can()."""
    # Organisers: invitation lists, walk-ins, tickets, badges and exports.
    grant("attendee.manage", ORGANISERS)
    # Door staff register a walk-in found nowhere on the list (then check them in at once).
    grant("attendee.walk_in", ORGANISERS | {"scanner"})
    # A single badge: organisers, door staff for a person just scanned (reprints), and a kiosk tablet for
    # the person it just checked in (its lock in checkin/views.py holds that too).
    grant("attendee.badge", ORGANISERS | {"scanner", "kiosk"}, rule=_badge_of)
    # A signed-in person's own invitation and ticket: the people who attend rather than run the forum.
    grant("attendee.respond_own", {"ha_staff", "exhibitor", "partnership"}, rule=_own_attendee)

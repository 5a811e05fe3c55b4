"""The self check-in kiosk: its own PIN and its own session.

An organiser starts kiosk mode on a tablet with the forum's kiosk PIN; from then on the tablet
holds no organiser session, only a KioskSession that may check people in at that forum and
show the badge of the person just checked in (forum/checkin/views.py keeps every other page
out of reach). The PIN, not an account password, ends kiosk mode.
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash

from ..audit.services import record
from ..errors import ValidationError
from ..permissions import ensure
from ..secret_tokens import hash_password

PIN_SHAPE = re.compile(r"^[0-9]{6,12}$")


class KioskSession:
    """The acting "user" of a tablet in kiosk mode: no account, one forum, one role."""

    id = None
    role = "kiosk"
    is_authenticated = True
    is_active = True
    is_anonymous = False
    email = ""
    label = "kiosk"
    locale = None

    def __init__(self, state: dict):
        self.forum_slug = state.get("forum")
        self.point = state.get("point")
        self.attendee_id = state.get("attendee")

    display_name = "Kiosk"

    def get_id(self):  # Flask-Login asks; the kiosk is never stored as a signed-in user
        return None


def start_kiosk(actor, forum, pin: str, *, make_new_pin: bool = False) -> None:
    """Check (or, the first time or on request, set) the forum's kiosk PIN and record the start."""
    ensure(actor, "checkin.kiosk", forum)
    pin = (pin or "").strip()
    if not PIN_SHAPE.match(pin):
        raise ValidationError(_l("The kiosk PIN is 6 to 12 digits."), field="pin")
    if forum.kiosk_pin_hash is None or make_new_pin:
        forum.kiosk_pin_hash = hash_password(pin)
        record(actor, "kiosk.pin_set", forum, forum_id=forum.id)
    elif not check_password_hash(forum.kiosk_pin_hash, pin):
        raise ValidationError(_l("That is not this forum's kiosk PIN."), field="pin")
    record(actor, "kiosk.start", forum, forum_id=forum.id)


def end_kiosk(kiosk, forum, pin: str) -> bool:
    """True (and the exit recorded) when the PIN is right; the caller then clears the kiosk session."""
    if forum.kiosk_pin_hash is None or not check_password_hash(forum.kiosk_pin_hash, (pin or "").strip()):
        record(kiosk, "kiosk.exit_refused", forum, forum_id=forum.id)
        return False
    record(kiosk, "kiosk.exit", forum, forum_id=forum.id)
    return True

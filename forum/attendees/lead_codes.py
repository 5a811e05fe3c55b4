"""The badge's lead code: what exhibitors scan at their booth, apart from the door ticket.

Built like a ticket code (forum/signed_codes.py) with its own prefix and signing key: "HKL1" +
a body signed with the derived "lead-code" key, `key` 10 random bytes on the attendee row. It
carries nothing personal, cannot open the door (the door checks another key and the "ticket:"
label) and a ticket code is not a lead code either.
"""
from __future__ import annotations

import secrets

import sqlalchemy as sa

from ..extensions import db
from ..keys import key_for
from ..signed_codes import KEY_BYTES, clean, read, sign
from .models import Attendee, AttendeeKind, AttendeeStatus

PREFIX = "HKL1"


def lead_code_for(attendee: Attendee) -> str:
    """The attendee's lead code; the key is made on first use."""
    if attendee.lead_key is None:
        attendee.lead_key = secrets.token_bytes(KEY_BYTES)
        db.session.flush()
    return sign(PREFIX, attendee.lead_key, key_for("lead-code"))


def parse_lead_code(text: str | None) -> bytes | None:
    """The key inside a well-formed, correctly signed lead code; None for anything else."""
    text = clean(text)
    return read(text, PREFIX, key_for("lead-code")) if text else None


def ensure_lead_keys(forum) -> int:
    """Give every registered HA attendee of the forum a lead key (before printing badges in bulk)."""
    missing = db.session.scalars(sa.select(Attendee.id).where(
        Attendee.forum_id == forum.id, Attendee.kind == AttendeeKind.ha, Attendee.status == AttendeeStatus.registered,
        Attendee.lead_key.is_(None))).all()
    if missing:
        db.session.execute(sa.update(Attendee), [{"id": i, "lead_key": secrets.token_bytes(KEY_BYTES)}
                                                 for i in missing])
    return len(missing)

"""The badge's lead code: what exhibitors scan at their booth, apart from the door ticket.

Built like a ticket code (see tickets.py) with its own prefix and HMAC label: "HKL1" +
base32(key || tag), `key` 10 random bytes on the attendee row, `tag` the first 10 bytes of
HMAC-SHA256(SECRET_KEY, "lead:" + key). It carries nothing personal, cannot open the door (the
door checks the "ticket:" label) and a ticket code is not a lead code either.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

import sqlalchemy as sa

from ..extensions import db
from ..keys import key_for
from .models import Attendee, AttendeeKind, AttendeeStatus

PREFIX = "HKL1"
KEY_BYTES = 10
TAG_BYTES = 10
CODE_LENGTH = len(PREFIX) + 32


def _tag(key: bytes) -> bytes:
    return hmac.new(key_for("lead-code"), key, hashlib.sha256).digest()[:TAG_BYTES]


def lead_code_for(attendee: Attendee) -> str:
    """The attendee's lead code; the key is made on first use."""
    if attendee.lead_key is None:
        attendee.lead_key = secrets.token_bytes(KEY_BYTES)
        db.session.flush()
    return PREFIX + base64.b32encode(attendee.lead_key + _tag(attendee.lead_key)).decode("ascii")


def parse_lead_code(text: str | None) -> bytes | None:
    """The key inside a well-formed, correctly signed lead code; None for anything else."""
    if not isinstance(text, str):
        return None
    text = text.strip().upper()
    if len(text) != CODE_LENGTH or not text.startswith(PREFIX):
        return None
    try:
        raw = base64.b32decode(text[len(PREFIX):])
    except (binascii.Error, ValueError):
        return None
    key, tag = raw[:KEY_BYTES], raw[KEY_BYTES:]
    return key if hmac.compare_digest(tag, _tag(key)) else None


def ensure_lead_keys(forum) -> int:
    """Give every registered HA attendee of the forum a lead key (before printing badges in bulk)."""
    missing = db.session.scalars(sa.select(Attendee.id).where(
        Attendee.forum_id == forum.id, Attendee.kind == AttendeeKind.ha, Attendee.status == AttendeeStatus.registered,
        Attendee.lead_key.is_(None))).all()
    if missing:
        db.session.execute(sa.update(Attendee), [{"id": i, "lead_key": secrets.token_bytes(KEY_BYTES)}
                                                 for i in missing])
    return len(missing)

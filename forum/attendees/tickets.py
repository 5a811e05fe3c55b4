"""Signed, unguessable QR ticket codes.

A code is "HKF<v>" + base32(key || tag): `key` is 10 random bytes stored on the
Ticket row, `tag` the first 10 bytes of HMAC-SHA256(ticket key v, "ticket:" + key), where
the ticket key of version v comes from forum/keys.py (version 1, the printed "HKF1"
badges, is SECRET_KEY itself). New codes use TICKET_KEY_VERSION.
That is 36 characters from the QR alphanumeric set (compact, fast to scan from
a phone), carries nothing personal, and a forged or altered code fails the HMAC
check before any database lookup.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from ..db import utcnow
from ..extensions import db
from ..keys import ticket_key
from .models import Attendee, Ticket

PREFIX = "HKF"  # then one digit: the ticket key's version
KEY_BYTES = 10
TAG_BYTES = 10
CODE_LENGTH = len(PREFIX) + 1 + 32  # base32 of 20 bytes is 32 characters, no padding


def _tag(key: bytes, version: int) -> bytes:
    return hmac.new(ticket_key(version), b"ticket:" + key, hashlib.sha256).digest()[:TAG_BYTES]


def code_for(ticket: Ticket) -> str:
    version = current_app.config["TICKET_KEY_VERSION"]
    return f"{PREFIX}{version}" + base64.b32encode(ticket.key + _tag(ticket.key, version)).decode("ascii")


_SEPARATORS = frozenset(" \t\r\n-\u2010\u2011\u2012\u2013\u2014\u2212\u3000\uff0d")


def grouped(code: str) -> str:
    """A code as printed for people to read and type: groups of four ("HKF1 ABCD ...")."""
    return " ".join(code[i:i + 4] for i in range(0, len(code), 4))


def parse_code(text: str | None) -> bytes | None:
    """The ticket key inside a well-formed, correctly signed code; None for anything else."""
    if not isinstance(text, str):
        return None
    # Typed off a badge: groups of four, with spaces or dashes (ASCII or full-width), any case.
    text = "".join(ch for ch in text if ch not in _SEPARATORS).upper()
    if len(text) != CODE_LENGTH or not text.startswith(PREFIX) or not text[3].isdigit():
        return None
    version = int(text[3])
    config = current_app.config
    if not config["TICKET_KEY_OLDEST"] <= version <= config["TICKET_KEY_VERSION"]:
        return None
    try:
        raw = base64.b32decode(text[len(PREFIX) + 1:])
    except (binascii.Error, ValueError):
        return None
    key, tag = raw[:KEY_BYTES], raw[KEY_BYTES:]
    if not hmac.compare_digest(tag, _tag(key, version)):
        return None
    return key


def issue_ticket(attendee: Attendee) -> Ticket:
    """A new ticket for the attendee; any earlier one is revoked (it will scan as `revoked`)."""
    now = utcnow()
    for old in attendee.tickets:
        if old.revoked_at is None:
            old.revoked_at = now
    ticket = Ticket(attendee=attendee, forum_id=attendee.forum_id, key=secrets.token_bytes(KEY_BYTES), issued_at=now)
    db.session.add(ticket)
    db.session.flush()
    return ticket


def current_ticket(attendee: Attendee) -> Ticket | None:
    live = [t for t in attendee.tickets if t.revoked_at is None]
    return live[-1] if live else None


@dataclass
class TicketLookup:
    """What a scanned code turned out to be. `status` is one of ok / invalid / revoked / wrong_forum."""

    status: str
    ticket: Ticket | None = None

    @property
    def attendee(self) -> Attendee | None:
        return self.ticket.attendee if self.ticket else None


def lookup(code: str | None, forum_id: int) -> TicketLookup:
    key = parse_code(code)
    if key is None:
        return TicketLookup("invalid")
    ticket = db.session.scalar(sa.select(Ticket).where(Ticket.key == key).options(joinedload(Ticket.attendee)))
    if ticket is None:
        return TicketLookup("invalid")
    if ticket.forum_id != forum_id:
        return TicketLookup("wrong_forum", ticket)
    if ticket.revoked_at is not None:
        return TicketLookup("revoked", ticket)
    return TicketLookup("ok", ticket)


# The door's lookup (check_in): the ticket and its holder's badge fields in one Core statement,
# built once so SQLAlchemy reuses its compiled form; plain rows, no ORM objects to build.
_ticket, _attendee = Ticket.__table__.c, Attendee.__table__.c
_SCAN_ROW = (sa.select(_ticket.id.label("ticket_id"), _ticket.forum_id, _ticket.revoked_at,
                       _attendee.id, _attendee.name_en, _attendee.name_zh, _attendee.organisation,
                       _attendee.access_needs, _attendee.kind, _attendee.status)
             .join_from(Ticket.__table__, Attendee.__table__, _attendee.id == _ticket.attendee_id)
             .where(_ticket.key == sa.bindparam("key")))


def lookup_for_scan(code: str | None, forum_id: int) -> tuple[str, sa.Row | None]:
    """Like lookup(), but (status, row) with the ticket_id and the attendee's badge columns."""
    key = parse_code(code)
    if key is None:
        return "invalid", None
    row = db.session.connection().execute(_SCAN_ROW, {"key": key}).first()
    if row is None:
        return "invalid", None
    if row.forum_id != forum_id:
        return "wrong_forum", row
    if row.revoked_at is not None:
        return "revoked", row
    return "ok", row

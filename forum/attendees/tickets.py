"""Signed, unguessable QR ticket codes.

A code is "HKF<v>" + a signed body (forum/signed_codes.py) with the label "ticket:", signed with
the ticket key of version v from forum/keys.py (version 1, the printed "HKF1" badges, is
SECRET_KEY itself). New codes use TICKET_KEY_VERSION. 36 characters from the QR alphanumeric set:
compact and fast to scan from a phone.
"""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import current_app

from ..db import utcnow
from ..extensions import db
from ..keys import ticket_key
from ..signed_codes import BODY_LENGTH, KEY_BYTES, clean, read, sign
from .models import Attendee, Ticket

PREFIX = "HKF"  # then one digit: the ticket key's version
LABEL = b"ticket:"
CODE_LENGTH = len(PREFIX) + 1 + BODY_LENGTH


def code_for(ticket: Ticket) -> str:
    version = current_app.config["TICKET_KEY_VERSION"]
    return sign(f"{PREFIX}{version}", ticket.key, ticket_key(version), LABEL)


def grouped(code: str) -> str:
    """A code as printed for people to read and type: groups of four ("HKF1 ABCD ...")."""
    return " ".join(code[i:i + 4] for i in range(0, len(code), 4))


def parse_code(text: str | None) -> bytes | None:
    """The ticket key inside a well-formed, correctly signed code; None for anything else."""
    text = clean(text)
    if not text or not text.startswith(PREFIX) or len(text) < 4 or text[3] not in "0123456789":
        return None
    version = int(text[3])
    config = current_app.config
    if not config["TICKET_KEY_OLDEST"] <= version <= config["TICKET_KEY_VERSION"]:
        return None
    return read(text, text[:4], ticket_key(version), LABEL)


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


# The door's lookup (check_in): the ticket and its holder's badge fields in one Core statement,
# built once so SQLAlchemy reuses its compiled form; plain rows, no ORM objects to build.
# SCAN_COLUMNS and SCAN_JOIN let the door's API read them together with the forum (checkin/door.py).
_ticket, _attendee = Ticket.__table__.c, Attendee.__table__.c
SCAN_COLUMNS = (_ticket.id.label("ticket_id"), _ticket.forum_id, _ticket.revoked_at,
                _attendee.id, _attendee.name_en, _attendee.name_zh, _attendee.organisation,
                _attendee.access_needs, _attendee.kind, _attendee.status)
SCAN_JOIN = (Attendee.__table__, _attendee.id == _ticket.attendee_id)
_SCAN_ROW = (sa.select(*SCAN_COLUMNS).join_from(Ticket.__table__, *SCAN_JOIN)
             .where(_ticket.key == sa.bindparam("key")))


def scan_status(row, forum_id: int) -> tuple[str, sa.Row | None]:
    """lookup_for_scan()'s answer for a row of SCAN_COLUMNS (None: no ticket has the code's key)."""
    if row is None or row.ticket_id is None:
        return "invalid", None
    if row.forum_id != forum_id:
        return "wrong_forum", row
    if row.revoked_at is not None:
        return "revoked", row
    return "ok", row


def lookup_for_scan(code: str | None, forum_id: int) -> tuple[str, sa.Row | None]:
    """What a scanned code is at this forum: (ok / invalid / revoked / wrong_forum, the row with the
    ticket_id and the holder's badge columns), the one lookup the door makes."""
    key = parse_code(code)
    if key is None:
        return "invalid", None
    return scan_status(db.session.connection().execute(_SCAN_ROW, {"key": key}).first(), forum_id)

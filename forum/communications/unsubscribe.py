"""One-click unsubscribe from announcements, without personal data in the link or the table.

The address is kept only as HMAC(key, normalised address); the link carries that hash and a second
HMAC over kind + hash, so a link cannot be made for an address, or moved to another kind, without the
server's key. Service mail (tickets, password links) never carries such a link and ignores opt-outs.
"""
from __future__ import annotations

import hashlib
import hmac

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from flask_babel import lazy_gettext as _l

from .. import mail
from ..errors import NotFound
from ..extensions import db
from ..keys import key_for
from ..text import normalise_email
from .models import MailOptOut

KINDS = ("announcements",)
KIND_LABELS = {"announcements": _l("announcements about the forums")}


def address_hash(email: str) -> str:
    return hmac.new(key_for("mail-opt-out-address"), normalise_email(email).encode(), hashlib.sha256).hexdigest()


def _tag(kind: str, hashed: str) -> str:
    return hmac.new(key_for("mail-unsubscribe-link"), f"{kind}:{hashed}".encode(), hashlib.sha256).hexdigest()[:32]


def token_for(email: str, kind: str) -> str:
    hashed = address_hash(email)
    return f"{kind}.{hashed}.{_tag(kind, hashed)}"


def link_for(email: str, kind: str) -> str:
    return mail.external_url("communications.unsubscribe", token=token_for(email, kind))


def read(token: str) -> tuple[str, str]:
    """(kind, address hash) of a genuine link; NotFound for anything forged or altered."""
    parts = (token or "").split(".")
    if len(parts) == 3 and parts[0] in KINDS and len(parts[1]) == 64:
        kind, hashed, tag = parts
        if hmac.compare_digest(tag, _tag(kind, hashed)):
            return kind, hashed
    raise NotFound(_l("This unsubscribe link is not valid. Use the link in the latest announcement."))


def is_opted_out(token: str) -> bool:
    kind, hashed = read(token)
    return db.session.scalar(sa.select(MailOptOut.id).where(MailOptOut.address_hash == hashed,
                                                            MailOptOut.kind == kind)) is not None


def opt_out(token: str) -> str:
    """Record the opt-out once (a second click changes nothing); returns the kind."""
    kind, hashed = read(token)
    if not is_opted_out(token):
        try:
            with db.session.begin_nested():  # two clicks at once: the unique index keeps one row
                db.session.add(MailOptOut(address_hash=hashed, kind=kind))
        except IntegrityError:
            pass
    return kind


def opted_out(emails: list[str], kind: str) -> set[str]:
    """The normalised addresses among `emails` that asked for no more mail of this kind."""
    by_hash = {address_hash(e): normalise_email(e) for e in emails}
    found = set()
    hashes = list(by_hash)
    for start in range(0, len(hashes), 500):
        found.update(db.session.scalars(sa.select(MailOptOut.address_hash).where(
            MailOptOut.kind == kind, MailOptOut.address_hash.in_(hashes[start:start + 500]))))
    return {by_hash[h] for h in found}

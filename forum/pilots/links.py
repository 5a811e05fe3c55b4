"""Personal links in mail (follow-ups, surveys): a random token sent once, only its SHA-256 stored."""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..errors import NotFound
from ..extensions import db
from ..secret_tokens import hash_token


def new_link() -> tuple[str, str]:
    """(token for the URL, hash for the database)."""
    token = secrets.token_urlsafe(24)
    return token, hash_token(token)


def by_link(model, token: str):
    """The row of `model` whose token_hash matches the link, or NotFound."""
    found = db.session.scalar(sa.select(model).where(model.token_hash == hash_token(token or "")))
    if found is None:
        raise NotFound(_l("This link is not valid."))
    return found

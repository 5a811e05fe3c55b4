"""Secret tokens: how they are stored and how they arrive.

Every random token handed out once (API tokens, invitation and account-invitation links, agenda
feed links, survey and follow-up links) is kept only as its SHA-256, made by hash_token(); the
Bearer token of an API call is read from the Authorization header by bearer_token() alone.
Passwords and kiosk PINs, which people choose, are kept as a salted slow hash made by
hash_password() (the app's PASSWORD_HASH_METHOD).
"""
from __future__ import annotations

import hashlib

from flask import current_app
from werkzeug.security import generate_password_hash


def hash_token(token: str) -> str:
    """What the database keeps of a token: its SHA-256, as 64 hex digits."""
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(secret: str) -> str:
    """What the database keeps of a password or PIN: a salted hash by the app's PASSWORD_HASH_METHOD
    (scrypt, except in tests); check_password_hash() reads the method back from the hash."""
    return generate_password_hash(secret, method=current_app.config["PASSWORD_HASH_METHOD"])


def bearer_token(headers) -> str | None:
    """The token of an `Authorization: Bearer <token>` header (scheme in any case), else None."""
    header = headers.get("Authorization", "")
    if header[:7].lower() != "bearer ":
        return None
    return header[7:].strip()

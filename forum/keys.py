"""One key per use, each derived from SECRET_KEY.

Sessions, CSRF tokens, password-reset links, address-confirmation links and ticket codes are signed
with different keys, so a key exposed or rotated for one use says nothing about the others. Ticket
keys carry a version in the code's prefix ("HKF2..."): a new version can be brought in without
breaking printed badges, and old versions can be retired (TICKET_KEY_OLDEST). "HKF1" codes, printed
before keys were derived, are signed with SECRET_KEY itself and keep scanning while version 1 is accepted.
"""
from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from flask import current_app
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


@lru_cache(maxsize=64)
def _derive(root: str, purpose: str) -> bytes:
    return hmac.new(root.encode(), b"hkstp-forum key for " + purpose.encode(), hashlib.sha256).digest()


def key_for(purpose: str, app=None) -> bytes:
    return _derive((app or current_app).config["SECRET_KEY"], purpose)


def ticket_key(version: int) -> bytes:
    if version == 1:  # badges printed before derived keys
        return current_app.config["SECRET_KEY"].encode()
    return key_for(f"ticket-v{version}")


class DerivedKeySessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, signed with the derived session key instead of SECRET_KEY."""

    def get_signing_serializer(self, app):
        if not app.secret_key:
            return None
        return URLSafeTimedSerializer(key_for("session", app), salt=self.salt, serializer=self.serializer,
                                      signer_kwargs={"key_derivation": self.key_derivation,
                                                     "digest_method": self.digest_method})


def init_keys(app) -> None:
    app.session_interface = DerivedKeySessionInterface()
    app.config.setdefault("WTF_CSRF_SECRET_KEY", key_for("csrf", app))

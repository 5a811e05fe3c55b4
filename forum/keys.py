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
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

from .secret_tokens import bearer_token


@lru_cache(maxsize=64)
def _derive(root: str, purpose: str) -> bytes:
    return hmac.new(root.encode(), b"hkstp-forum key for " + purpose.encode(), hashlib.sha256).digest()


def key_for(purpose: str, app=None) -> bytes:
    return _derive((app or current_app).config["SECRET_KEY"], purpose)


def ticket_key(version: int) -> bytes:
    if version == 1:  # badges printed before derived keys
        return current_app.config["SECRET_KEY"].encode()
    return key_for(f"ticket-v{version}")


class ScriptSession(SecureCookieSession):
    """The session of a request signed in by a Bearer token and carrying no cookie (a scanner, a script)."""


class DerivedKeySessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, signed with the derived session key instead of SECRET_KEY.

    Scripts sign in with a Bearer token and keep no cookies: their requests start with an empty
    session without reading a cookie jar, and get no cookie (nor "Vary: Cookie") back unless
    something was written to it. About a twentieth of a door scan's CPU."""

    def open_session(self, app, request):
        if "HTTP_COOKIE" not in request.environ and bearer_token(request.headers) is not None:
            return ScriptSession()
        return super().open_session(app, request)

    def save_session(self, app, session, response) -> None:
        if isinstance(session, ScriptSession) and not session.modified:
            return
        super().save_session(app, session, response)

    def get_signing_serializer(self, app):
        if not app.secret_key:
            return None
        return _session_serializer(key_for("session", app), self)


@lru_cache(maxsize=8)
def _session_serializer(key: bytes, interface: SecureCookieSessionInterface) -> URLSafeTimedSerializer:
    # Flask builds one per request (both when the cookie is read and when it is written); it keeps no
    # per-request state, so one per key serves every request.
    return URLSafeTimedSerializer(key, salt=interface.salt, serializer=interface.serializer,
                                  signer_kwargs={"key_derivation": interface.key_derivation,
                                                 "digest_method": interface.digest_method})


def init_keys(app) -> None:
    app.session_interface = DerivedKeySessionInterface()
    app.config.setdefault("WTF_CSRF_SECRET_KEY", key_for("csrf", app))

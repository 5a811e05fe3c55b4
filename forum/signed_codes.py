"""Signed, unguessable codes for QR: door tickets, badge lead codes, lab passes.

A code is PREFIX + base32(key || tag): `key` is KEY_BYTES random bytes stored on the row the code
stands for, `tag` the first TAG_BYTES of HMAC-SHA256(signing key, label + key), the signing key
derived per use in forum/keys.py. 20 bytes make 32 base32 characters without padding, all in the
QR alphanumeric set; nothing personal is in a code, and a forged or altered one fails the HMAC
check before any database lookup. read() sits on the door's hot path: no objects beyond the
decoded bytes and the digest.
"""
from __future__ import annotations

import binascii
import hashlib
import hmac
from base64 import b32decode, b32encode

KEY_BYTES = 10
TAG_BYTES = 10
BODY_LENGTH = 32  # base32 of KEY_BYTES + TAG_BYTES


def _tag(signing_key: bytes, label: bytes, key: bytes) -> bytes:
    return hmac.new(signing_key, label + key, hashlib.sha256).digest()[:TAG_BYTES]


def sign(prefix: str, key: bytes, signing_key: bytes, label: bytes = b"") -> str:
    return prefix + b32encode(key + _tag(signing_key, label, key)).decode("ascii")


# Typed off a badge: groups of four with spaces or dashes (ASCII or full-width).
_SEPARATORS = frozenset(" \t\r\n-\u2010\u2011\u2012\u2013\u2014\u2212\u3000\uff0d")


def clean(text) -> str | None:
    """What was scanned or typed, without separators and upper-cased; None when it is not text at all."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not text.isalnum():  # a scanned code is already plain: the door's hot path skips the rebuild
        text = "".join(ch for ch in text if ch not in _SEPARATORS)
    return text.upper()


def read(text: str, prefix: str, signing_key: bytes, label: bytes = b"") -> bytes | None:
    """The key inside `text` (already clean()ed) when it is `prefix` + a correctly signed body, else None."""
    if len(text) != len(prefix) + BODY_LENGTH or not text.startswith(prefix):
        return None
    try:
        raw = b32decode(text[len(prefix):])
    except (binascii.Error, ValueError):
        return None
    key = raw[:KEY_BYTES]
    return key if hmac.compare_digest(raw[KEY_BYTES:], _tag(signing_key, label, key)) else None

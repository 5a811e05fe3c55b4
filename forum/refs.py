"""How a reference typed in a URL, a form, a JSON body or on the command line becomes a lookup key.

One parser for each kind of reference, used by views, the API and the CLI alike, so "²" (a digit to
str.isdigit(), not to int()) and ids beyond the database's integer answer "not found" everywhere
instead of an error from the database.
"""
from __future__ import annotations

import re

# The widest id a column of the database's INTEGER type holds (PostgreSQL: 4 bytes, signed).
MAX_ID = 2**31 - 1
_ID = re.compile(r"[0-9]{1,10}")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # a forum's short name; ForumForm.slug has the same rule


def parse_id(value) -> int | None:
    """A row id from an int or a string of ASCII digits, or None when it cannot name a row."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= MAX_ID else None
    text = str(value).strip()
    if not _ID.fullmatch(text):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def parse_forum_ref(value) -> int | str | None:
    """A forum reference: its id (int), its slug (str), or None when it can be neither."""
    text = str(value).strip()
    if text.isascii() and text.isdigit():
        return parse_id(text)
    slug = text.lower()
    return slug if len(slug) <= 80 and SLUG.fullmatch(slug) else None

"""Text rules shared by every feature: comparing names typed by people."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def clean(value: str | None) -> str:
    """Trim and fold runs of white space (including full-width spaces) to one space."""
    if value is None:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(value)).replace("\u3000", " ")).strip()


def normalise(value: str | None) -> str:
    """A key for duplicate detection: full-width folded to ASCII (NFKC), case and spacing ignored."""
    folded = unicodedata.normalize("NFKC", value or "").casefold()
    return _SPACES.sub(" ", folded).strip()


def normalise_email(value: str | None) -> str:
    return normalise(value).replace(" ", "")


_EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def is_email(address: str) -> bool:
    """An address (as normalise_email() gives it) mail can go to: one @, a dotted domain, 254 characters at most."""
    return len(address) <= 254 and _EMAIL_SHAPE.match(address) is not None


def slugify(value: str, max_length: int = 60) -> str:
    folded = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug[:max_length].strip("-") or "forum"


def bilingual(en: str | None, zh: str | None, locale: str = "en") -> str:
    """The name in the reader's language, falling back to the other one."""
    en, zh = (en or "").strip(), (zh or "").strip()
    if locale.startswith("zh"):
        return zh or en
    return en or zh

"""The API's schema building blocks (marshmallow): the base schema, field types and load().

Kept outside forum.api so services (parse_scan, importers) can use a schema without importing
every endpoint. Each field type is documented by apispec from its marshmallow base class.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import marshmallow as ma
from flask_babel import gettext as _
from marshmallow import ValidationError, fields

from .db import HK
from .errors import ValidationError as InputError

FIRST_YEAR, LAST_YEAR = 2000, 2100  # outside these Hong Kong's zone answers odd offsets (+07:36:42 in 866)


class HKDateTime(fields.DateTime):
    """ISO 8601 date and time. In: no offset means Hong Kong time; years 2000-2100 only.
    Out: always with its offset (+08:00)."""

    def __init__(self, *, require_offset: bool = False, **kwargs):
        self.require_offset = require_offset
        kwargs.setdefault("metadata", {}).setdefault(
            "description", "ISO 8601 with its offset" if require_offset else "ISO 8601; no offset means Hong Kong time")
        super().__init__(**kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if isinstance(value, str):
            return value
        return (value if value.tzinfo else value.replace(tzinfo=HK)).astimezone(HK).isoformat()

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError("Not a string.")
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValidationError("Not an ISO 8601 date and time.")
        if parsed.tzinfo is None and self.require_offset:
            raise ValidationError("Give times as ISO 8601 with a time zone.")
        parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=HK)
        try:
            year = parsed.astimezone(HK).year
        except OverflowError:
            year = parsed.year
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValidationError(f"Give a date between {FIRST_YEAR} and {LAST_YEAR}.")
        return parsed


class ISODate(fields.Date):
    """A day, YYYY-MM-DD; out: the same, from a date or a pre-formatted string."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None or isinstance(value, str):
            return value
        return value.isoformat()

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError("Not a string.")
        if value == "":
            return None  # an empty date clears it, as an empty form field does
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise ValidationError("Not an ISO 8601 date (YYYY-MM-DD).")
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ValidationError(f"Give a date between {FIRST_YEAR} and {LAST_YEAR}.")
        return day


class Int(fields.Integer):
    """A JSON integer (not a string of digits, not true/false) that fits the database's INTEGER."""

    def __init__(self, *, minimum: int = 0, maximum: int = 2**31 - 1, **kwargs):
        kwargs.setdefault("validate", []).append(validate_range(minimum, maximum))
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError("Not a valid integer.")
        return super()._deserialize(value, attr, data, **kwargs)


class Bool(fields.Boolean):
    """JSON true or false only."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise ValidationError("Not a valid boolean.")
        return value


def validate_range(minimum: int, maximum: int):
    from marshmallow.validate import Range

    return Range(min=minimum, max=maximum)


class ApiSchema(ma.Schema):
    """Base of every request and answer schema: unknown request fields are ignored (clients may be newer)."""

    class Meta:
        unknown = ma.EXCLUDE


def field_errors(messages, prefix: str = "") -> dict[str, str]:
    """marshmallow's nested messages as {"scans.0.code": "reason"}."""
    out: dict[str, str] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(field_errors(value, name))
    elif isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages):
        out[prefix or "_schema"] = " ".join(messages)
    elif isinstance(messages, list):
        for i, value in enumerate(messages):
            out.update(field_errors(value, f"{prefix}.{i}" if prefix else str(i)))
    else:
        out[prefix or "_schema"] = str(messages)
    return out


def _nul_fields(data: Any, prefix: str = "") -> dict[str, list[str]]:
    """Fields whose text holds a NUL character: no field means one, and PostgreSQL cannot store it."""
    if isinstance(data, str):
        return {prefix or "_schema": [_("Must not contain a NUL character.")]} if "\x00" in data else {}
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    found: dict[str, list[str]] = {}
    for key, value in items:
        found.update(_nul_fields(value, f"{prefix}.{key}" if prefix else str(key)))
    return found


def load(schema: ma.Schema, data: Any) -> Any:
    """data checked and converted by schema; ValidationError (400) naming each bad field otherwise."""
    try:
        nul = _nul_fields(data)
        if nul:
            raise ma.ValidationError(nul)
        return schema.load(data)
    except ma.ValidationError as error:
        reasons = field_errors(error.messages)
        message = _("Field %(name)s is not valid: %(reason)s", name=", ".join(reasons),
                    reason="; ".join(reasons.values()))
        if len(reasons) == 1:  # one field: its reason is the message, as services answer
            reasons = {name: message for name in reasons}
        raise InputError(message, fields=reasons)

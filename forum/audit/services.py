"""The audit trail: one call from every service that changes something."""
from __future__ import annotations

from contextvars import ContextVar
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from .models import AuditEvent


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "value"):  # enums
        return value.value
    return value


# The client address of the request being served, set by the web layer (audit/views.py) so that
# services can record it without reading the request themselves. Empty on the command line.
client_address: ContextVar[str] = ContextVar("client_address", default="")


class Invitee:
    """The person answering their own invitation by its link, without an account."""

    id = None
    role = None
    is_authenticated = False

    def __init__(self, attendee):
        self.label = f"invitee: {attendee.display_name}"[:120]


def actor_label(actor) -> str:
    """Who acted, for actors without an account: "command line", "kiosk", "invitee: <name>"."""
    if actor is None:
        return ""
    return getattr(actor, "label", "") if getattr(actor, "id", None) is None else ""


def record(actor, action: str, obj: Any = None, *, forum_id: int | None = None,
           changes: dict | None = None, object_type: str | None = None) -> AuditEvent:
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        actor_label=actor_label(actor),
        address=client_address.get()[:64],
        action=action,
        object_type=object_type or (type(obj).__name__ if obj is not None else "-"),
        object_id=getattr(obj, "id", None),
        forum_id=forum_id,
        changes=_plain(changes or {}),
    )
    db.session.add(event)
    return event


def apply_changes(obj: Any, values: dict[str, Any]) -> dict[str, list]:
    """Apply values to obj and return {field: [old, new]} for those that changed."""
    changed = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changed[name] = [_plain(old), _plain(new)]
            setattr(obj, name, new)
    return changed


def recent(limit: int = 100, *, object_type: str | None = None, object_id: int | None = None):
    stmt = sa.select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == object_id)
    return db.session.scalars(stmt).all()

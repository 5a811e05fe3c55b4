from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime, utcnow
from ..extensions import db


class AuditEvent(db.Model):
    """Who changed what, and when. Written by services in the same transaction as the change."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(sa.String(80))
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[int | None]
    forum_id: Mapped[int | None] = mapped_column(sa.ForeignKey("forum.id", ondelete="SET NULL"), index=True)
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # Who acted when there is no account: "command line", or the invitee answering by link.
    actor_label: Mapped[str] = mapped_column(sa.String(120), default="")
    address: Mapped[str] = mapped_column(sa.String(64), default="")  # the client's IP address, if any

    actor = relationship("User", lazy="joined")

    __table_args__ = (sa.Index("ix_audit_event_object", "object_type", "object_id"),)

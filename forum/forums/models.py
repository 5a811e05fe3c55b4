from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import UTCDateTime, utcnow
from ..extensions import db


class ForumStatus(str, enum.Enum):
    draft = "draft"
    open_for_exhibitors = "open_for_exhibitors"
    open_for_registration = "open_for_registration"
    live = "live"
    closed = "closed"


class Forum(db.Model):
    """One forum of the HKSTP x HA series. Everything that belongs to a forum points here."""

    __tablename__ = "forum"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    title_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    description_zh: Mapped[str] = mapped_column(sa.Text, default="")
    venue_en: Mapped[str] = mapped_column(sa.String(200), default="")
    venue_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[ForumStatus] = mapped_column(
        sa.Enum(ForumStatus, native_enum=False, length=32, validate_strings=True),
        default=ForumStatus.draft)
    attendee_capacity: Mapped[int] = mapped_column(default=250)
    booth_capacity: Mapped[int] = mapped_column(default=30)
    staff_per_booth: Mapped[int] = mapped_column(default=3)
    demo_slot_count: Mapped[int] = mapped_column(default=6)
    # Door scanners show a person's access needs only where the organiser turns this on (never the kiosk).
    door_shows_access_needs: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    exhibitor_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # The check-in kiosk's own PIN (a salted hash), set by an organiser: it starts and ends kiosk mode.
    kiosk_pin_hash: Mapped[str | None] = mapped_column(sa.String(255))
    # PDPO principle 2: attendees' personal data and leads are anonymised this many months after the
    # forum ends (forum/privacy/erasure.py, purge_expired); purged_at says when that was done.
    retention_months: Mapped[int] = mapped_column(default=12, server_default="12")
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    @property
    def display_title(self) -> str:
        return self.title_en or self.title_zh

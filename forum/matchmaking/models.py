"""Bookmarks (an HA person's interest in a solution or an exhibitor) and exhibitors' leads."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime, utcnow
from ..extensions import db


class Interest(str, enum.Enum):
    curious = "curious"
    follow_up = "follow_up"
    pilot = "pilot"


class Bookmark(db.Model):
    """One person's bookmark of a solution (or of an exhibitor as a whole) at one forum.

    A person bookmarks a thing once: two partial unique indexes (solution bookmarks, exhibitor
    bookmarks) let the database refuse the second row, so a repeated tap or a resend is harmless.
    """

    __tablename__ = "bookmark"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("company.id", ondelete="CASCADE"), index=True)
    solution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("solution.id", ondelete="CASCADE"), index=True)
    interest: Mapped[Interest] = mapped_column(
        sa.Enum(Interest, native_enum=False, length=16, validate_strings=True), default=Interest.curious)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    site_id: Mapped[int | None] = mapped_column(sa.ForeignKey("site.id", ondelete="SET NULL"))  # candidate site
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    forum = relationship("Forum")
    user = relationship("User")
    company = relationship("Company")
    solution = relationship("Solution")
    site = relationship("Site")

    __table_args__ = (
        sa.Index("uq_bookmark_solution", "user_id", "forum_id", "solution_id", unique=True,
                 sqlite_where=sa.text("solution_id IS NOT NULL"),
                 postgresql_where=sa.text("solution_id IS NOT NULL")),
        sa.Index("uq_bookmark_exhibitor", "user_id", "forum_id", "company_id", unique=True,
                 sqlite_where=sa.text("solution_id IS NULL"), postgresql_where=sa.text("solution_id IS NULL")),
    )


class Lead(db.Model):
    """An attendee an exhibitor met (badge scanned at the booth), with the booth staff's notes.

    One row per exhibitor, forum and attendee: scanning the same badge again keeps the one lead.
    """

    __tablename__ = "lead"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("company.id", ondelete="CASCADE"), index=True)
    attendee_id: Mapped[int] = mapped_column(sa.ForeignKey("attendee.id", ondelete="CASCADE"), index=True)
    scanned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    nonce: Mapped[str | None] = mapped_column(sa.String(80))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    rating: Mapped[int | None] = mapped_column()
    tags: Mapped[str] = mapped_column(sa.String(300), default="")  # comma separated
    connect_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    attendee = relationship("Attendee")
    company = relationship("Company")

    __table_args__ = (
        sa.UniqueConstraint("forum_id", "company_id", "attendee_id", name="uq_lead_forum_company_attendee"),
        sa.CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_range"),
    )

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in (self.tags or "").split(",") if t.strip()]

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime, utcnow
from ..extensions import db


class ScanResult(str, enum.Enum):
    ok = "ok"
    already_checked_in = "already_checked_in"
    invalid = "invalid"
    revoked = "revoked"
    wrong_forum = "wrong_forum"


class PointKind(str, enum.Enum):
    """What a point's scans are judged against. A forum door (or room) checks the forum's tickets with
    check_in(); a point of another kind has no forum and is judged by the feature that registered the
    kind (checkin/kinds.py): the data lab's door by the lab's passes and bookings."""

    forum_door = "forum door"
    data_lab = "data lab"


class CheckInPoint(db.Model):
    """A door or room where tickets are scanned: main entrance, demo theatre, the data lab's door ...

    A forum's points have its forum_id; a point of another kind (the data lab's) has none, so the
    forum's points, counts and dashboards never list it (ck_checkin_point_forum_kind).
    """

    __tablename__ = "checkin_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int | None] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    kind: Mapped[PointKind] = mapped_column(
        sa.Enum(PointKind, native_enum=False, length=20, validate_strings=True,
                values_callable=lambda kinds: [k.value for k in kinds]),
        default=PointKind.forum_door, server_default=PointKind.forum_door.value)
    key: Mapped[str] = mapped_column(sa.String(40))  # what scanners send as "point"
    name_en: Mapped[str] = mapped_column(sa.String(120), default="")
    name_zh: Mapped[str] = mapped_column(sa.String(120), default="")
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("forum_id", "key", name="uq_checkin_point_forum_key"),
        # Points without a forum: one per key (a unique constraint lets NULL forum_ids repeat).
        sa.Index("uq_checkin_point_unforumed_key", "key", unique=True,
                 sqlite_where=sa.text("forum_id IS NULL"), postgresql_where=sa.text("forum_id IS NULL")),
        sa.CheckConstraint("(forum_id IS NULL) = (kind <> 'forum door')", name="forum_kind"),
    )

    @property
    def display_name(self) -> str:
        return self.name_en or self.name_zh or self.key


class CheckIn(db.Model):
    """One judged scan. The history of these, not a flag, says who arrived where and when.

    `first_entry` marks the scan that admitted the attendee; a partial unique index lets
    the database, not the application, guarantee one live first entry per attendee and
    forum, across threads and processes. `nonce` is unique per forum: a device that
    resends a scan gets back `answer`, the JSON it got the first time.
    """

    __tablename__ = "checkin"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    attendee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("attendee.id", ondelete="CASCADE"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ticket.id", ondelete="SET NULL"))
    point_id: Mapped[int | None] = mapped_column(sa.ForeignKey("checkin_point.id", ondelete="SET NULL"), index=True)
    result: Mapped[ScanResult] = mapped_column(
        sa.Enum(ScanResult, native_enum=False, length=24, validate_strings=True))
    first_entry: Mapped[bool] = mapped_column(default=False)
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime)  # by the device's clock
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # by the server's
    device_id: Mapped[str] = mapped_column(sa.String(80), default="")
    scanner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    nonce: Mapped[str | None] = mapped_column(sa.String(80))
    answer: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    annulled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    annulled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    annul_reason: Mapped[str] = mapped_column(sa.String(300), default="")

    attendee = relationship("Attendee")
    point = relationship(CheckInPoint)
    scanner = relationship("User", foreign_keys=[scanner_id])

    __table_args__ = (
        sa.UniqueConstraint("forum_id", "nonce", name="uq_checkin_forum_nonce"),
        sa.Index("uq_checkin_first_entry", "forum_id", "attendee_id", unique=True,
                 sqlite_where=sa.text("first_entry = 1 AND annulled_at IS NULL"),
                 postgresql_where=sa.text("first_entry AND annulled_at IS NULL")),
        sa.Index("ix_checkin_forum_first", "forum_id", "first_entry"),
    )


def counts_as_arrival(checkin=CheckIn):
    """Who has arrived, written once: the scan that admitted the person, not annulled since.

    `checkin` is CheckIn, an alias of it, or its table's columns (for Core statements). Written as the
    partial index uq_checkin_first_entry's own terms (`first_entry = 1` on SQLite, not `IS 1`), so
    that SQLite can use it: a lookup of one attendee's entry then probes it instead of reading every
    arrival of the forum.
    """
    return sa.and_(checkin.first_entry == sa.true(), checkin.annulled_at.is_(None))

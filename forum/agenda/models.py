"""Rooms, sessions and their speakers, the demo slots organisers open, and scheduler runs."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime, utcnow
from ..extensions import db


class SessionKind(str, enum.Enum):
    keynote = "keynote"
    panel = "panel"
    live_demo = "live_demo"
    workshop = "workshop"
    break_ = "break"
    networking = "networking"
    booth_time = "booth_time"


class SessionStatus(str, enum.Enum):
    draft = "draft"
    confirmed = "confirmed"
    cancelled = "cancelled"


class Room(db.Model):
    """A stage or room of the venue, with its capacity and the hours it is open (default: the forum's)."""

    __tablename__ = "agenda_room"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    name_en: Mapped[str] = mapped_column(sa.String(120), default="")
    name_zh: Mapped[str] = mapped_column(sa.String(120), default="")
    capacity: Mapped[int | None] = mapped_column()
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    position: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        sa.UniqueConstraint("forum_id", "name_en", name="uq_agenda_room_forum_name"),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
    )

    @property
    def display_name(self) -> str:
        return self.name_en or self.name_zh


class AgendaSession(db.Model):
    """One item of the forum's day: a keynote, a panel, a live demo, a break ..."""

    __tablename__ = "agenda_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    room_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agenda_room.id", ondelete="SET NULL"), index=True)
    kind: Mapped[SessionKind] = mapped_column(
        sa.Enum(SessionKind, native_enum=False, length=16, validate_strings=True,
                values_callable=lambda kinds: [k.value for k in kinds]))
    status: Mapped[SessionStatus] = mapped_column(
        sa.Enum(SessionStatus, native_enum=False, length=16, validate_strings=True), default=SessionStatus.draft)
    title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    title_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    description_zh: Mapped[str] = mapped_column(sa.Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # For live demos: the selected demo request (application) and the solution shown.
    application_id: Mapped[int | None] = mapped_column(sa.ForeignKey("application.id", ondelete="SET NULL"),
                                                       index=True)
    solution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("solution.id", ondelete="SET NULL"))
    expected_audience: Mapped[int | None] = mapped_column()
    pinned: Mapped[bool] = mapped_column(default=False)  # the scheduler never moves a pinned demo
    version: Mapped[int] = mapped_column(default=1)  # bumped by every change: stale moves are refused
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    room = relationship(Room)
    application = relationship("Application")
    solution = relationship("Solution")
    speakers = relationship("SessionSpeaker", order_by="SessionSpeaker.id", cascade="all, delete-orphan",
                            back_populates="session")

    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.Index("ix_agenda_session_forum_start", "forum_id", "starts_at"),
    )

    @property
    def display_title(self) -> str:
        return self.title_en or self.title_zh


class SessionSpeaker(db.Model):
    """A speaker: a user of the app, or a named guest."""

    __tablename__ = "agenda_session_speaker"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    guest_name_en: Mapped[str] = mapped_column(sa.String(160), default="")
    guest_name_zh: Mapped[str] = mapped_column(sa.String(160), default="")
    guest_email: Mapped[str] = mapped_column(sa.String(254), default="")

    session = relationship(AgendaSession, back_populates="speakers")
    user = relationship("User")

    @property
    def key(self) -> str:
        """Who this is, for "in two places at once": the user, else the guest's name."""
        return f"user:{self.user_id}" if self.user_id else f"guest:{(self.guest_name_en or self.guest_name_zh).casefold().strip()}"

    @property
    def display_name(self) -> str:
        if self.user is not None:
            return self.user.name_en or self.user.email
        return self.guest_name_en or self.guest_name_zh


class DemoSlot(db.Model):
    """A room and time the organisers open for stage demos: what the scheduler may fill."""

    __tablename__ = "agenda_demo_slot"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_room.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    room = relationship(Room)

    __table_args__ = (
        sa.UniqueConstraint("room_id", "starts_at", name="uq_agenda_demo_slot_room_start"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )


class SchedulerRun(db.Model):
    """One run of the demo scheduler on a forum, kept for the result page."""

    __tablename__ = "agenda_scheduler_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16))
    missed: Mapped[int | None] = mapped_column()
    bound: Mapped[int | None] = mapped_column()
    seconds: Mapped[float] = mapped_column(default=0.0)
    result: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # SCHEDULING.md result + names for the page
    run_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AgendaRelease(db.Model):
    """A published, frozen version of the agenda: what the public pages, feeds and API show.

    (forum, number) is unique, so two organisers publishing at once cannot both get one number.
    """

    __tablename__ = "agenda_release"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    sessions: Mapped[list] = mapped_column(sa.JSON, default=list)  # frozen copies, see releases.snapshot()
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # {"added": [...], "moved": [...], "cancelled": [...]}
    warnings: Mapped[list] = mapped_column(sa.JSON, default=list)  # conflicts acknowledged at publishing
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("forum_id", "number", name="uq_agenda_release_forum_number"),)


class BoothDemoSlot(db.Model):
    """A short demo an exhibitor runs at its booth for a few HA staff (e.g. 15 minutes, 6 places).

    `booked` only changes by a conditional UPDATE (booked < capacity), and the CHECK backs it up:
    the database, not the application, keeps a slot from being over-booked.
    """

    __tablename__ = "agenda_booth_slot"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("application.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column()
    booked: Mapped[int] = mapped_column(default=0)

    application = relationship("Application")

    __table_args__ = (
        sa.CheckConstraint("booked >= 0 AND booked <= capacity", name="booked_within_capacity"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.UniqueConstraint("application_id", "starts_at", name="uq_agenda_booth_slot_start"),
    )


class BoothBooking(db.Model):
    """One person's place in a booth demo; at most one live booking per person and slot (partial unique index)."""

    __tablename__ = "agenda_booth_booking"

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_booth_slot.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    slot = relationship(BoothDemoSlot)

    __table_args__ = (
        sa.Index("uq_agenda_booth_booking_live", "slot_id", "user_id", unique=True,
                 sqlite_where=sa.text("cancelled_at IS NULL"), postgresql_where=sa.text("cancelled_at IS NULL")),
    )


class SessionStar(db.Model):
    """A session someone starred for "My agenda"."""

    __tablename__ = "agenda_session_star"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_session.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AgendaFeedToken(db.Model):
    """The secret in a person's private calendar feed URL; only its SHA-256 is stored."""

    __tablename__ = "agenda_feed_token"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

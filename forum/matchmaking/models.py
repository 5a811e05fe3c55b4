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


class MeetingStatus(str, enum.Enum):
    pending = "pending"
    confirmed = "confirmed"
    declined = "declined"
    expired = "expired"
    cancelled = "cancelled"


class Answer(str, enum.Enum):
    pending = "pending"
    accepted = "accepted"
    declined = "declined"


class OutcomeKind(str, enum.Enum):
    no_show = "no_show"  # did not take place
    informative = "informative"
    follow_up = "follow_up"
    pilot = "pilot"


class Meeting(db.Model):
    """A follow-up meeting between one company and one or more HA people, about a solution.

    `waiting` counts the participants who still owe an answer; each answer decrements it with one
    conditional UPDATE, so the last answer (and only it) sees zero and confirms the meeting.
    `sequence` is the iCalendar SEQUENCE of the invitation; `uid` its stable UID.
    """

    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("company.id", ondelete="CASCADE"), index=True)
    solution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("solution.id", ondelete="SET NULL"))
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    origin: Mapped[str] = mapped_column(sa.String(24), default="exhibitor")  # recommendation | bookmark | lead ...
    subject: Mapped[str] = mapped_column(sa.String(200), default="")
    place: Mapped[str] = mapped_column(sa.String(300), default="")
    video_url: Mapped[str] = mapped_column(sa.String(500), default="")
    status: Mapped[MeetingStatus] = mapped_column(
        sa.Enum(MeetingStatus, native_enum=False, length=16, validate_strings=True), default=MeetingStatus.pending)
    waiting: Mapped[int] = mapped_column(default=0)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the chosen option, once confirmed
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    uid: Mapped[str] = mapped_column(sa.String(80), unique=True)
    sequence: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    forum = relationship("Forum")
    company = relationship("Company")
    solution = relationship("Solution")
    proposed_by = relationship("User", foreign_keys=[proposed_by_id])
    options = relationship("MeetingOption", order_by="MeetingOption.starts_at",
                           back_populates="meeting", cascade="all, delete-orphan")
    participants = relationship("MeetingParticipant", back_populates="meeting", cascade="all, delete-orphan",
                                order_by="MeetingParticipant.id")

    __table_args__ = (sa.CheckConstraint("waiting >= 0", name="meeting_waiting_non_negative"),)


class MeetingOption(db.Model):
    __tablename__ = "meeting_option"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    meeting = relationship("Meeting", back_populates="options")

    __table_args__ = (sa.UniqueConstraint("meeting_id", "starts_at", name="uq_meeting_option_start"),
                      sa.CheckConstraint("ends_at > starts_at", name="meeting_option_order"))


class MeetingParticipant(db.Model):
    """One person in a meeting; `side` is ha or company. A person is in a meeting once."""

    __tablename__ = "meeting_participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    side: Mapped[str] = mapped_column(sa.String(8))
    answer: Mapped[Answer] = mapped_column(
        sa.Enum(Answer, native_enum=False, length=16, validate_strings=True), default=Answer.pending)
    option_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meeting_option.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting = relationship("Meeting", back_populates="participants")
    user = relationship("User")

    __table_args__ = (sa.UniqueConstraint("meeting_id", "user_id", name="uq_meeting_participant"),
                      sa.CheckConstraint("side IN ('ha', 'company')", name="meeting_participant_side"))


class MeetingOutcome(db.Model):
    """What came of a meeting: recorded once (the unique meeting id lets the first recorder win)."""

    __tablename__ = "meeting_outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"), unique=True)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    kind: Mapped[OutcomeKind] = mapped_column(
        sa.Enum(OutcomeKind, native_enum=False, length=16, validate_strings=True))
    next_step: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting = relationship("Meeting", backref=sa.orm.backref("outcome", uselist=False))


class Priority(str, enum.Enum):
    must = "must"  # must meet
    like = "like"  # would like to
    no = "no"  # no thanks: blocks the pair whoever asked


class NetworkingHour(db.Model):
    """A forum's networking hour: numbered time slots at numbered tables, one meeting a table a slot."""

    __tablename__ = "networking_hour"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(160), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    slot_minutes: Mapped[int] = mapped_column(default=10)
    slots: Mapped[int] = mapped_column(default=6)
    tables: Mapped[int] = mapped_column(default=10)
    cap_per_person: Mapped[int] = mapped_column(default=4)
    last_run: Mapped[dict | None] = mapped_column(sa.JSON)  # status, objective, bound, seconds of the last run

    forum = relationship("Forum")

    __table_args__ = (sa.CheckConstraint("slots > 0 AND tables > 0 AND cap_per_person > 0",
                                         name="networking_hour_positive"),)


class NetworkingWish(db.Model):
    """Whom one person wants to meet at the hour, and how much; one wish per ordered pair."""

    __tablename__ = "networking_wish"

    id: Mapped[int] = mapped_column(primary_key=True)
    hour_id: Mapped[int] = mapped_column(sa.ForeignKey("networking_hour.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    other_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    priority: Mapped[Priority] = mapped_column(
        sa.Enum(Priority, native_enum=False, length=8, validate_strings=True))

    __table_args__ = (sa.UniqueConstraint("hour_id", "user_id", "other_id", name="uq_networking_wish"),
                      sa.CheckConstraint("user_id <> other_id", name="networking_wish_not_self"))


class NetworkingBusy(db.Model):
    """A slot a person cannot take a meeting in."""

    __tablename__ = "networking_busy"

    hour_id: Mapped[int] = mapped_column(sa.ForeignKey("networking_hour.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    slot: Mapped[int] = mapped_column(primary_key=True)


class NetworkingMeeting(db.Model):
    """One scheduled meeting at a table in a slot. The unique (hour, slot, table) lets one meeting have
    the table: two organisers locking the same table-slot at once end with one winner."""

    __tablename__ = "networking_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    hour_id: Mapped[int] = mapped_column(sa.ForeignKey("networking_hour.id", ondelete="CASCADE"), index=True)
    slot: Mapped[int] = mapped_column()
    table: Mapped[int] = mapped_column()
    first_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    second_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    locked: Mapped[bool] = mapped_column(default=False)
    happened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    first = relationship("User", foreign_keys=[first_id])
    second = relationship("User", foreign_keys=[second_id])

    __table_args__ = (sa.UniqueConstraint("hour_id", "slot", "table", name="uq_networking_table_slot"),
                      sa.CheckConstraint("first_id < second_id", name="networking_meeting_pair_order"))


class NetworkingAttendance(db.Model):
    """A participant's badge scanned at their table in their slot. One row per meeting and person: the
    unique index makes a second scan of the same badge change nothing, whoever sends it."""

    __tablename__ = "networking_attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("networking_meeting.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    scanned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("meeting_id", "user_id", name="uq_networking_attendance"),)

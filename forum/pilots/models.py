"""Pilot records, their sites, champions, origins, comments and the transition log."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime, utcnow
from ..extensions import db


class Stage(str, enum.Enum):
    proposed = "proposed"
    under_assessment = "under_assessment"
    approved = "approved"
    running = "running"
    evaluated = "evaluated"
    adopted = "adopted"
    extended = "extended"
    discontinued = "discontinued"
    withdrawn = "withdrawn"


OPEN_STAGES = (Stage.proposed, Stage.under_assessment, Stage.approved, Stage.running, Stage.evaluated)
DECISIONS = (Stage.adopted, Stage.extended, Stage.discontinued)
CLOSED_STAGES = DECISIONS + (Stage.withdrawn,)


class Reason(str, enum.Enum):
    """Why a pilot stopped: the known barriers to adoption, so they can be counted."""

    no_budget = "no_budget"
    not_priority = "not_priority"
    workflow_fit = "workflow_fit"
    evidence_gap = "evidence_gap"
    champion_left = "champion_left"
    vendor_issue = "vendor_issue"
    other = "other"


def _stage_col(**kw):
    return mapped_column(sa.Enum(Stage, native_enum=False, length=24, validate_strings=True), **kw)


def _reason_col():
    return mapped_column(sa.Enum(Reason, native_enum=False, length=24, validate_strings=True), nullable=True)


pilot_forum = sa.Table(
    "pilot_forum", db.metadata,
    sa.Column("pilot_id", sa.ForeignKey("pilot.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("forum_id", sa.ForeignKey("forum.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Pilot(db.Model):
    """A use case tried in HA settings, from first proposal to a decision at each site.

    `version` is the optimistic lock: every change is an UPDATE ... WHERE version = the version
    the editor read, so the second of two people moving one pilot is refused, not overwritten.
    """

    __tablename__ = "pilot"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("company.id", ondelete="CASCADE"), index=True)
    solution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("solution.id", ondelete="SET NULL"), index=True)
    stage: Mapped[Stage] = _stage_col(default=Stage.proposed, index=True)
    sponsor_name: Mapped[str] = mapped_column(sa.String(160), default="")
    sponsor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    department: Mapped[str] = mapped_column(sa.String(160), default="")
    objectives: Mapped[str] = mapped_column(sa.Text, default="")
    success_measures: Mapped[str] = mapped_column(sa.Text, default="")
    planned_start: Mapped[date | None] = mapped_column(sa.Date)
    planned_end: Mapped[date | None] = mapped_column(sa.Date)
    actual_start: Mapped[date | None] = mapped_column(sa.Date)
    actual_end: Mapped[date | None] = mapped_column(sa.Date)
    evaluation_due: Mapped[date | None] = mapped_column(sa.Date, index=True)
    funding_scheme: Mapped[str] = mapped_column(sa.Text, default="")
    budget: Mapped[str] = mapped_column(sa.Text, default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    reason: Mapped[Reason | None] = _reason_col()
    reason_detail: Mapped[str] = mapped_column(sa.Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    company = relationship("Company")
    solution = relationship("Solution")
    sponsor = relationship("User", foreign_keys=[sponsor_user_id])
    updated_by = relationship("User", foreign_keys=[updated_by_id])
    forums = relationship("Forum", secondary=pilot_forum, order_by="Forum.starts_at")
    sites = relationship("PilotSite", back_populates="pilot", cascade="all, delete-orphan",
                         order_by="PilotSite.id")
    origins = relationship("PilotOrigin", cascade="all, delete-orphan", order_by="PilotOrigin.id")
    documents = relationship("PilotDocument", cascade="all, delete-orphan", order_by="PilotDocument.id")

    __table_args__ = (
        sa.CheckConstraint("planned_end IS NULL OR planned_start IS NULL OR planned_end >= planned_start",
                           name="planned_in_order"),
        sa.CheckConstraint("actual_end IS NULL OR actual_start IS NULL OR actual_end >= actual_start",
                           name="actual_in_order"),
    )


class PilotSite(db.Model):
    """The pilot at one hospital, clinic or lab: its own stage, dates, results and decision."""

    __tablename__ = "pilot_site"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilot.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("site.id"), index=True)
    stage: Mapped[Stage] = _stage_col(default=Stage.proposed, index=True)
    started_on: Mapped[date | None] = mapped_column(sa.Date)
    evaluated_on: Mapped[date | None] = mapped_column(sa.Date)
    decided_on: Mapped[date | None] = mapped_column(sa.Date)
    success_measures: Mapped[str] = mapped_column(sa.Text, default="")
    results: Mapped[str] = mapped_column(sa.Text, default="")
    decision: Mapped[str] = mapped_column(sa.Text, default="")
    reason: Mapped[Reason | None] = _reason_col()
    reason_detail: Mapped[str] = mapped_column(sa.Text, default="")

    pilot = relationship(Pilot, back_populates="sites")
    site = relationship("Site", lazy="joined")
    champions = relationship("Champion", cascade="all, delete-orphan", order_by="Champion.id")

    __table_args__ = (sa.UniqueConstraint("pilot_id", "site_id", name="uq_pilot_site"),)


class Champion(db.Model):
    """A named person at a site who carries the pilot there."""

    __tablename__ = "pilot_champion"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_site_id: Mapped[int] = mapped_column(sa.ForeignKey("pilot_site.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    title: Mapped[str] = mapped_column(sa.String(160), default="")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)


class PilotOrigin(db.Model):
    """Where a pilot came from: a forum, and when those features exist a bookmark, lead or meeting.

    `kind` names the source and `ref_id` its row; no foreign key, so new kinds need no migration.
    """

    __tablename__ = "pilot_origin"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilot.id", ondelete="CASCADE"), index=True)
    forum_id: Mapped[int | None] = mapped_column(sa.ForeignKey("forum.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(24))  # forum | company_page | api | bookmark | lead | meeting
    ref_id: Mapped[int | None]
    note: Mapped[str] = mapped_column(sa.String(300), default="")

    forum = relationship("Forum")

    __table_args__ = (sa.Index("ix_pilot_origin_ref", "kind", "ref_id"),)


class PilotDocument(db.Model):
    """An agreement or evaluation report of a pilot: a checked, stored file (forum/exhibitors/uploads.py)
    served only through the pilot's permission check."""

    __tablename__ = "pilot_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilot.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # agreement | evaluation
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_file.id", ondelete="CASCADE"))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    file = relationship("StoredFile", lazy="joined")
    uploaded_by = relationship("User")

    __table_args__ = (sa.CheckConstraint("kind IN ('agreement','evaluation')", name="document_kind_known"),)


class Transition(db.Model):
    """One stage change of a pilot (site_id NULL) or of one of its sites: who, when, from, to, why."""

    __tablename__ = "pilot_transition"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilot.id", ondelete="CASCADE"), index=True)
    pilot_site_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pilot_site.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    from_stage: Mapped[Stage | None] = _stage_col(nullable=True)
    to_stage: Mapped[Stage] = _stage_col()
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    reason: Mapped[Reason | None] = _reason_col()

    actor = relationship("User")
    pilot_site = relationship(PilotSite)


class PilotComment(db.Model):
    """A remark on a pilot; the company's own people may add these too."""

    __tablename__ = "pilot_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilot.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    body: Mapped[str] = mapped_column(sa.Text)

    author = relationship("User")


class FollowUpAnswer(str, enum.Enum):
    no_contact = "no_contact"
    in_discussion = "in_discussion"
    pilot_proposed = "pilot_proposed"
    agreement_reached = "agreement_reached"


class FollowUp(db.Model):
    """The six-month question, how did it go?, to one of a pilot's owners or one of a follow-up meeting's
    participants (exactly one of pilot_id and meeting_id is set). Answered through a personal link."""

    __tablename__ = "pilot_follow_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pilot.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    name: Mapped[str] = mapped_column(sa.String(160), default="")
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    due_on: Mapped[date] = mapped_column(sa.Date)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer: Mapped[FollowUpAnswer | None] = mapped_column(
        sa.Enum(FollowUpAnswer, native_enum=False, length=24, validate_strings=True), nullable=True)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    pilot = relationship(Pilot)
    meeting = relationship("Meeting")

    __table_args__ = (sa.UniqueConstraint("pilot_id", "email", name="uq_pilot_follow_up_email"),
                      sa.UniqueConstraint("meeting_id", "email", name="uq_pilot_follow_up_meeting_email"),
                      sa.CheckConstraint("(pilot_id IS NULL) <> (meeting_id IS NULL)", name="follow_up_one_subject"))


class Survey(db.Model):
    """The short bilingual survey after a forum, one per audience (attendees, exhibitors).

    `questions` is a list of {"kind": rating | solutions | text, "en": ..., "zh": ...}; organisers edit it.
    """

    __tablename__ = "forum_survey"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    audience: Mapped[str] = mapped_column(sa.String(16))  # attendees | exhibitors
    questions: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    forum = relationship("Forum")

    __table_args__ = (sa.UniqueConstraint("forum_id", "audience", name="uq_forum_survey_audience"),
                      sa.CheckConstraint("audience IN ('attendees','exhibitors')", name="audience_known"))


class SurveyInvite(db.Model):
    """One person asked to answer a survey; the answers are kept here with the questions as they were asked."""

    __tablename__ = "survey_invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("forum_survey.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    name: Mapped[str] = mapped_column(sa.String(160), default="")
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answers: Mapped[list | None] = mapped_column(sa.JSON, nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    survey = relationship(Survey)

    __table_args__ = (sa.UniqueConstraint("survey_id", "email", name="uq_survey_invite_email"),)

"""The HKSP-HA Data Lab: one record from application to released output.

Invariants the database keeps (not the application):
- one live booking per workstation, day and session (uq_datalab_booking_seat), and one per person
  per day and session (uq_datalab_booking_person), whatever the concurrency;
- a pass's quota of days: each booked day takes a numbered slot 1..quota (uq_datalab_pass_day_slot),
  so two bookings racing for the last day end with one winner;
- one decision per committee per revision (uq_datalab_review), taken by a conditional UPDATE;
- one review per lab staff member per output request;
- one door scan per scanner nonce (uq_datalab_door_scan_nonce): a resend is answered, not recorded twice;
- one first entry per booking (uq_datalab_door_first_entry, after a conditional UPDATE of entered_at):
  two scans of one pass at once let the member in once.
- an application belongs to a park company or to a partner or academic organisation, never both
  (ck_datalab_application_one_owner).
The lab's tables stay in this one module (about 450 lines) because each refers to the others.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime, utcnow
from ..extensions import db

DATA_DOMAINS = ("demographics", "attendances", "diagnoses", "procedures", "medication", "laboratory", "radiology")


def _enum(kind, length=24):
    return sa.Enum(kind, native_enum=False, length=length, validate_strings=True)


class Lab(db.Model):
    """The room and its rules. Settings live here so lab staff can change them without a release."""

    __tablename__ = "datalab_lab"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_en: Mapped[str] = mapped_column(sa.String(160), default="")
    name_zh: Mapped[str] = mapped_column(sa.String(160), default="")
    location_en: Mapped[str] = mapped_column(sa.String(200), default="")
    location_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    pass_days: Mapped[int] = mapped_column(default=5)
    window_days: Mapped[int] = mapped_column(default=91)  # three months from approval
    noshow_minutes: Mapped[int] = mapped_column(default=30)
    cancel_hours: Mapped[int] = mapped_column(default=24)  # cancel at least this long before the start
    disclosure_threshold: Mapped[int] = mapped_column(default=10)
    hold_minutes: Mapped[int] = mapped_column(default=120)  # how long a seat offered from the waiting list is held


class Workstation(db.Model):
    __tablename__ = "datalab_workstation"

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(sa.ForeignKey("datalab_lab.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(20))
    active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (sa.UniqueConstraint("lab_id", "code", name="uq_datalab_workstation_code"),)


class LabStaff(db.Model):
    """Who runs the lab: the queue, bookings, the door, output checks."""

    __tablename__ = "datalab_lab_staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(sa.ForeignKey("datalab_lab.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)

    user = relationship("User")

    __table_args__ = (sa.UniqueConstraint("lab_id", "user_id", name="uq_datalab_lab_staff"),)


class LabDay(db.Model):
    """A day the lab is closed: a Hong Kong public holiday (shipped list) or a blackout day."""

    __tablename__ = "datalab_closed_day"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, unique=True)
    kind: Mapped[str] = mapped_column(sa.String(12), default="holiday")  # holiday | blackout
    name_en: Mapped[str] = mapped_column(sa.String(120), default="")
    name_zh: Mapped[str] = mapped_column(sa.String(120), default="")


class Committee(db.Model):
    __tablename__ = "datalab_committee"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(20), unique=True)  # ethics | governance
    name_en: Mapped[str] = mapped_column(sa.String(160), default="")
    name_zh: Mapped[str] = mapped_column(sa.String(160), default="")
    position: Mapped[int] = mapped_column(default=0)


class CommitteeMember(db.Model):
    __tablename__ = "datalab_committee_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(sa.ForeignKey("datalab_committee.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    is_chair: Mapped[bool] = mapped_column(default=False)

    committee = relationship(Committee)
    user = relationship("User")

    __table_args__ = (sa.UniqueConstraint("committee_id", "user_id", name="uq_datalab_committee_member"),)


class MemberProfile(db.Model):
    """A person's lab training and undertakings, kept and reused on each application."""

    __tablename__ = "datalab_member_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    training: Mapped[str] = mapped_column(sa.String(300), default="")
    training_on: Mapped[date | None] = mapped_column(sa.Date)
    prior_undertakings: Mapped[str] = mapped_column(sa.Text, default="")


ORGANISATION_KINDS = ("partner", "academic")


class LabOrganisation(db.Model):
    """A partner of a park company or an academic institution, whose people lab staff invite to apply."""

    __tablename__ = "datalab_organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_en: Mapped[str] = mapped_column(sa.String(200), default="")
    name_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    name_key: Mapped[str] = mapped_column(sa.String(200), unique=True)  # folded name: one row per organisation
    kind: Mapped[str] = mapped_column(sa.String(12))  # partner | academic
    # The park company a partner works with (none for an academic institution).
    company_id: Mapped[int | None] = mapped_column(sa.ForeignKey("company.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    company = relationship("Company")

    @property
    def display_name(self) -> str:
        return self.name_en or self.name_zh


class Researcher(db.Model):
    """A person lab staff invited for an organisation; their account has the `researcher` role.

    Tied by the invited address (an account's address never changes, and the invitation proved it)."""

    __tablename__ = "datalab_researcher"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("datalab_organisation.id", ondelete="CASCADE"),
                                                 index=True)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation = relationship(LabOrganisation, lazy="joined")


class LabApplicationStatus(str, enum.Enum):
    draft = "draft"
    under_review = "under_review"
    changes_requested = "changes_requested"
    approved = "approved"
    amending = "amending"  # an approved application being changed; its pass waits for the new revision
    rejected = "rejected"
    withdrawn = "withdrawn"


class EthicsStatus(str, enum.Enum):
    approved = "approved"
    pending = "pending"
    not_required = "not_required"


class LabApplication(db.Model):
    __tablename__ = "datalab_application"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Who applies: a park company, or a partner or academic organisation (exactly one of the two).
    company_id: Mapped[int | None] = mapped_column(sa.ForeignKey("company.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("datalab_organisation.id", ondelete="CASCADE"),
                                                        index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    status: Mapped[LabApplicationStatus] = mapped_column(_enum(LabApplicationStatus), index=True,
                                                         default=LabApplicationStatus.draft)
    revision: Mapped[int] = mapped_column(default=0)  # 1 at first submission, +1 at each resubmission
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    lay_summary: Mapped[str] = mapped_column(sa.Text, default="")
    purpose: Mapped[str] = mapped_column(sa.Text, default="")
    commercial_interest: Mapped[str] = mapped_column(sa.Text, default="")
    data_domains: Mapped[list] = mapped_column(sa.JSON, default=list)
    ethics_status: Mapped[EthicsStatus] = mapped_column(_enum(EthicsStatus), default=EthicsStatus.pending)
    ethics_reference: Mapped[str] = mapped_column(sa.String(80), default="")
    preferred_dates: Mapped[str] = mapped_column(sa.String(300), default="")
    solution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("solution.id", ondelete="SET NULL"))
    pilot_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pilot.id", ondelete="SET NULL"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meeting.id", ondelete="SET NULL"))
    prefilled_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("datalab_application.id",
                                                                        ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The pass: `pass_days` session-days between the two dates (set at approval).
    pass_days: Mapped[int] = mapped_column(default=5)
    pass_from: Mapped[date | None] = mapped_column(sa.Date)
    pass_until: Mapped[date | None] = mapped_column(sa.Date)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # on the public register

    company = relationship("Company")
    organisation = relationship(LabOrganisation)
    solution = relationship("Solution")
    pilot = relationship("Pilot")
    meeting = relationship("Meeting")
    team = relationship("TeamMember", back_populates="application", cascade="all, delete-orphan",
                        order_by="TeamMember.id", lazy="selectin")
    attachments = relationship("LabAttachment", cascade="all, delete-orphan", order_by="LabAttachment.id",
                               lazy="selectin")

    __table_args__ = (sa.CheckConstraint("(company_id IS NULL) <> (organisation_id IS NULL)", name="one_owner"),)

    @property
    def owner(self):
        """The applying company or organisation (both have name_en, name_zh and display_name)."""
        return self.company if self.company_id is not None else self.organisation

    @property
    def undertaking_complete(self) -> bool:
        """Every named member has accepted the data-use undertaking."""
        return bool(self.team) and all(m.undertaking_at is not None for m in self.team)


class TeamMember(db.Model):
    __tablename__ = "datalab_team_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("datalab_application.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    undertaking_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pass_key: Mapped[bytes | None] = mapped_column(sa.LargeBinary(10), unique=True)

    application = relationship(LabApplication, back_populates="team")
    user = relationship("User", lazy="joined")

    __table_args__ = (sa.UniqueConstraint("application_id", "user_id", name="uq_datalab_team_member"),)


class LabAttachment(db.Model):
    __tablename__ = "datalab_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("datalab_application.id", ondelete="CASCADE"),
                                                index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # protocol | ethics_approval
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_file.id", ondelete="CASCADE"))

    file = relationship("StoredFile", lazy="joined")


class Revision(db.Model):
    """What the application said when it was (re)submitted, to show the differences."""

    __tablename__ = "datalab_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("datalab_application.id", ondelete="CASCADE"))
    number: Mapped[int]
    content: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("application_id", "number", name="uq_datalab_revision"),)


class Decision(str, enum.Enum):
    approve = "approve"
    approve_with_conditions = "approve_with_conditions"
    request_changes = "request_changes"
    reject = "reject"


class Review(db.Model):
    """One committee's decision on one revision."""

    __tablename__ = "datalab_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("datalab_application.id", ondelete="CASCADE"),
                                                index=True)
    committee_id: Mapped[int] = mapped_column(sa.ForeignKey("datalab_committee.id", ondelete="CASCADE"))
    revision: Mapped[int]
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decision: Mapped[Decision | None] = mapped_column(_enum(Decision))
    section: Mapped[str] = mapped_column(sa.String(40), default="")  # the part a change request is about
    comments: Mapped[str] = mapped_column(sa.Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    committee = relationship(Committee)
    decided_by = relationship("User")

    __table_args__ = (sa.UniqueConstraint("application_id", "committee_id", "revision", name="uq_datalab_review"),)


class Conflict(db.Model):
    """A committee member's declared conflict of interest with one application."""

    __tablename__ = "datalab_conflict"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("datalab_application.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(sa.String(300), default="")
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("application_id", "user_id", name="uq_datalab_conflict"),)


class PassDay(db.Model):
    """A day taken from a pass's quota; `slot` is 1..quota and unique, so the quota cannot be exceeded."""

    __tablename__ = "datalab_pass_day"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("datalab_application.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(sa.Date)
    slot: Mapped[int]

    __table_args__ = (sa.UniqueConstraint("application_id", "day", name="uq_datalab_pass_day"),
                      sa.UniqueConstraint("application_id", "slot", name="uq_datalab_pass_day_slot"))


class Booking(db.Model):
    """A named member on a workstation for one session. Released rows are kept (history, no-shows)."""

    __tablename__ = "datalab_booking"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("datalab_application.id", ondelete="CASCADE"),
                                                index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    workstation_id: Mapped[int] = mapped_column(sa.ForeignKey("datalab_workstation.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(sa.Date, index=True)
    session: Mapped[str] = mapped_column(sa.String(2))  # am | pm
    booked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    booked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    release_reason: Mapped[str] = mapped_column(sa.String(20), default="")  # cancelled | no_show | hold_expired
    # A seat offered from the waiting list is held until then; unconfirmed by then, it goes to the next.
    held_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    entered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", foreign_keys=[user_id])
    workstation = relationship(Workstation)
    application = relationship(LabApplication)

    __table_args__ = (
        sa.Index("uq_datalab_booking_seat", "workstation_id", "day", "session", unique=True,
                 sqlite_where=sa.text("released_at IS NULL"), postgresql_where=sa.text("released_at IS NULL")),
        sa.Index("uq_datalab_booking_person", "user_id", "day", "session", unique=True,
                 sqlite_where=sa.text("released_at IS NULL"), postgresql_where=sa.text("released_at IS NULL")),
    )


class WaitingListEntry(db.Model):
    """A named member waiting for any seat in one session; offered a held seat when one is released."""

    __tablename__ = "datalab_waiting"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("datalab_application.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(sa.Date)
    session: Mapped[str] = mapped_column(sa.String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    offered_booking_id: Mapped[int | None] = mapped_column(sa.ForeignKey("datalab_booking.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # offered, withdrawn or past

    user = relationship("User")

    __table_args__ = (sa.Index("ix_datalab_waiting_slot", "day", "session", "closed_at"),
                      sa.Index("uq_datalab_waiting_person", "user_id", "day", "session", unique=True,
                               sqlite_where=sa.text("closed_at IS NULL"),
                               postgresql_where=sa.text("closed_at IS NULL")))


class DoorScan(db.Model):
    """One scan at the lab door: in or out, admitted or refused with the reason."""

    __tablename__ = "datalab_door_scan"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    direction: Mapped[str] = mapped_column(sa.String(3))  # in | out
    admitted: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(sa.String(300), default="")
    team_member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("datalab_team_member.id", ondelete="SET NULL"))
    booking_id: Mapped[int | None] = mapped_column(sa.ForeignKey("datalab_booking.id", ondelete="SET NULL"))
    scanned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    nonce: Mapped[str | None] = mapped_column(sa.String(80))  # from the scanner: a resend gets the first answer
    # The scan that let the member in for the booking the first time (at most one per booking).
    first_entry: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The lab's check-in point (checkin_point, kind "data lab") the scan was made at.
    point_id: Mapped[int | None] = mapped_column(sa.ForeignKey("checkin_point.id", ondelete="SET NULL"))
    # What the scanner was told, but the person (read from the account again): a resend gets it again.
    answer: Mapped[dict | None] = mapped_column(sa.JSON)

    __table_args__ = (sa.Index("uq_datalab_door_scan_nonce", "nonce", unique=True),
                      sa.Index("uq_datalab_door_first_entry", "booking_id", unique=True,
                               sqlite_where=sa.text("first_entry = 1"), postgresql_where=sa.text("first_entry")))


# Why an output request is rejected: lab staff choose from this list (labels in forms.py).
REJECT_REASONS = ("small_cells", "record_level", "identifiable", "outside_purpose", "other")


class OutputStatus(str, enum.Enum):
    submitted = "submitted"
    released = "released"
    returned = "returned"
    rejected = "rejected"


class OutputRequest(db.Model):
    __tablename__ = "datalab_output_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("datalab_application.id", ondelete="CASCADE"),
                                                index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[OutputStatus] = mapped_column(_enum(OutputStatus), default=OutputStatus.submitted)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    reject_reason: Mapped[str] = mapped_column(sa.String(20), default="")  # a REJECT_REASONS key, when rejected
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    files = relationship("OutputFile", cascade="all, delete-orphan", order_by="OutputFile.id")
    reviews = relationship("OutputReview", cascade="all, delete-orphan", order_by="OutputReview.id")
    application = relationship(LabApplication)


class OutputFile(db.Model):
    __tablename__ = "datalab_output_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("datalab_output_request.id", ondelete="CASCADE"))
    original_name: Mapped[str] = mapped_column(sa.String(200), default="")
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(60))
    size: Mapped[int] = mapped_column(default=0)
    flags: Mapped[list] = mapped_column(sa.JSON, default=list)  # disclosure-check findings


class OutputReview(db.Model):
    __tablename__ = "datalab_output_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("datalab_output_request.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    verdict: Mapped[str] = mapped_column(sa.String(12))  # release | return | reject
    reason: Mapped[str] = mapped_column(sa.String(20), default="")  # for reject: a REJECT_REASONS key
    comments: Mapped[str] = mapped_column(sa.Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reviewer = relationship("User")

    __table_args__ = (sa.UniqueConstraint("request_id", "reviewer_id", name="uq_datalab_output_review"),)

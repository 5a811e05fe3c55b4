from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime, trigram_index, utcnow
from ..extensions import db

SECTORS = ("biomedical", "ai_robotics", "smart_city", "fintech_healthtech", "materials", "digital_health",
           "other")


class Company(db.Model):
    """A park company. Exhibitor users belong to one."""

    __tablename__ = "company"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_en: Mapped[str] = mapped_column(sa.String(200), default="")
    name_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    # NFKC + casefold + folded spaces of the English (else Chinese) name, to catch duplicates.
    name_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The Chinese name is unique too (when given), by its own key.
    name_zh_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    programme_ref: Mapped[str] = mapped_column(sa.String(80), default="")  # HKSTP programme / tenancy reference
    sector: Mapped[str] = mapped_column(sa.String(40), default="other", index=True)
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    description_zh: Mapped[str] = mapped_column(sa.Text, default="")
    contact_name: Mapped[str] = mapped_column(sa.String(160), default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    logo_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_file.id", ondelete="SET NULL",
                                                              use_alter=True, name="fk_company_logo"))
    # Normalised names and descriptions: what the directory search matches (substring, any script).
    search_text: Mapped[str] = mapped_column(sa.Text, default="")

    members = relationship("User", back_populates="company")

    __table_args__ = (trigram_index("ix_company_search_text_trgm", "search_text"),)
    logo = relationship("StoredFile", foreign_keys=[logo_id], post_update=True)
    admins = relationship("User", secondary="company_admin", viewonly=True)

    @property
    def display_name(self) -> str:
        return self.name_en or self.name_zh


company_admin = sa.Table(
    "company_admin", db.metadata,
    sa.Column("company_id", sa.ForeignKey("company.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class StoredFile(db.Model):
    """An uploaded file, checked by content, stored under <instance>/uploads/ with a generated name."""

    __tablename__ = "stored_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for a data-lab attachment of a partner or academic organisation (no company).
    company_id: Mapped[int | None] = mapped_column(sa.ForeignKey("company.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(10))  # image | pdf
    content_type: Mapped[str] = mapped_column(sa.String(60))
    original_name: Mapped[str] = mapped_column(sa.String(200), default="")
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    size: Mapped[int] = mapped_column(default=0)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Theme(db.Model):
    """A Smart Hospital theme; the organisers keep the list."""

    __tablename__ = "theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name_en: Mapped[str] = mapped_column(sa.String(120), default="")
    name_zh: Mapped[str] = mapped_column(sa.String(120), default="")
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


solution_theme = sa.Table(
    "solution_theme", db.metadata,
    sa.Column("solution_id", sa.ForeignKey("solution.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("theme_id", sa.ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Solution(db.Model):
    """A solution (use case) a company can show; kept in the company's library across forums."""

    __tablename__ = "solution"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("company.id", ondelete="CASCADE"), index=True)
    title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    title_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    summary_en: Mapped[str] = mapped_column(sa.Text, default="")
    summary_zh: Mapped[str] = mapped_column(sa.Text, default="")
    # The details in English (the columns keep their first names) and in Traditional Chinese.
    problem: Mapped[str] = mapped_column(sa.Text, default="")
    problem_zh: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    target_users: Mapped[str] = mapped_column(sa.String(300), default="")
    target_users_zh: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    departments: Mapped[str] = mapped_column(sa.String(300), default="")
    departments_zh: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    trl: Mapped[int] = mapped_column(default=5, index=True)
    regulatory_status: Mapped[str] = mapped_column(sa.String(200), default="")
    regulatory_status_zh: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    deployments: Mapped[str] = mapped_column(sa.Text, default="")
    deployments_zh: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    brochure_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_file.id", ondelete="SET NULL"))
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    company = relationship(Company, backref=sa.orm.backref("solutions", order_by="Solution.id",
                                                           cascade="all, delete-orphan"))
    themes = relationship(Theme, secondary=solution_theme, order_by=Theme.position)
    brochure = relationship(StoredFile, foreign_keys=[brochure_id])
    images = relationship("SolutionImage", order_by="SolutionImage.id", cascade="all, delete-orphan")

    __table_args__ = (sa.CheckConstraint("trl BETWEEN 1 AND 9", name="trl_range"),
                      trigram_index("ix_solution_search_text_trgm", "search_text"))

    # name_of(solution, "problem") and the like read <field>_en / <field>_zh.
    problem_en = sa.orm.synonym("problem")
    target_users_en = sa.orm.synonym("target_users")
    departments_en = sa.orm.synonym("departments")
    regulatory_status_en = sa.orm.synonym("regulatory_status")
    deployments_en = sa.orm.synonym("deployments")


class SolutionImage(db.Model):
    __tablename__ = "solution_image"

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(sa.ForeignKey("solution.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_file.id", ondelete="CASCADE"))

    file = relationship(StoredFile)


class ApplicationStatus(str, enum.Enum):
    draft = "draft"
    submitted = "submitted"
    approved = "approved"
    waitlisted = "waitlisted"
    rejected = "rejected"


application_solution = sa.Table(
    "application_solution", db.metadata,
    sa.Column("application_id", sa.ForeignKey("application.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("solution_id", sa.ForeignKey("solution.id", ondelete="CASCADE"), primary_key=True),
)


class Application(db.Model):
    """A company's application to exhibit at one forum, with its booth and optional stage demo request."""

    __tablename__ = "application"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("company.id", ondelete="CASCADE"), index=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        sa.Enum(ApplicationStatus, native_enum=False, length=16, validate_strings=True),
        default=ApplicationStatus.draft, index=True)
    needs_power: Mapped[bool] = mapped_column(default=True)
    needs_screen: Mapped[bool] = mapped_column(default=False)
    needs_table: Mapped[bool] = mapped_column(default=True)
    booth_notes: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    booth_code: Mapped[str | None] = mapped_column(sa.String(12))
    # Stage demo request.
    demo_requested: Mapped[bool] = mapped_column(default=False, index=True)
    demo_solution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("solution.id", ondelete="SET NULL"))
    demo_presenter: Mapped[str] = mapped_column(sa.String(160), default="")
    demo_minutes: Mapped[int] = mapped_column(default=10)
    demo_av: Mapped[str] = mapped_column(sa.String(300), default="")
    demo_windows: Mapped[str] = mapped_column(sa.String(300), default="")  # e.g. "09:30-10:30, 11:00-12:00"
    demo_selected: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    forum = relationship("Forum")
    company = relationship(Company)
    solutions = relationship(Solution, secondary=application_solution, order_by=Solution.id)
    demo_solution = relationship(Solution, foreign_keys=[demo_solution_id])
    staff = relationship("ApplicationStaff", order_by="ApplicationStaff.id", cascade="all, delete-orphan")
    demo_scores = relationship("DemoScore", cascade="all, delete-orphan")

    __table_args__ = (
        sa.UniqueConstraint("forum_id", "company_id", name="uq_application_forum_company"),
        sa.UniqueConstraint("forum_id", "booth_code", name="uq_application_forum_booth"),
        sa.CheckConstraint("demo_minutes BETWEEN 0 AND 60", name="demo_minutes_range"),
    )

    @property
    def demo_score(self) -> float | None:
        scores = [s.score for s in self.demo_scores]
        return round(sum(scores) / len(scores), 2) if scores else None


class ApplicationStaff(db.Model):
    """A person the company brings to its booth: printed on a badge."""

    __tablename__ = "application_staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("application.id", ondelete="CASCADE"), index=True)
    name_en: Mapped[str] = mapped_column(sa.String(160), default="")
    name_zh: Mapped[str] = mapped_column(sa.String(160), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    title: Mapped[str] = mapped_column(sa.String(160), default="")


class DemoScore(db.Model):
    """One reviewer's score (1-5) and comment on a stage demo request."""

    __tablename__ = "demo_score"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("application.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    score: Mapped[int] = mapped_column()
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reviewer = relationship("User")

    __table_args__ = (
        sa.UniqueConstraint("application_id", "reviewer_id", name="uq_demo_score_reviewer"),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
    )

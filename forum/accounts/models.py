from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash

from ..db import UTCDateTime, utcnow
from ..extensions import db
from ..secret_tokens import hash_password

ROLE_CHOICES = ("admin", "organiser", "scanner", "exhibitor", "ha_staff", "partnership", "researcher")


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    name_en: Mapped[str] = mapped_column(sa.String(120), default="")
    name_zh: Mapped[str] = mapped_column(sa.String(120), default="")
    role: Mapped[str] = mapped_column(sa.String(20), index=True)
    locale: Mapped[str | None] = mapped_column(sa.String(16))
    company_id: Mapped[int | None] = mapped_column(sa.ForeignKey("company.id", ondelete="SET NULL"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on password change so that reset links and old sessions stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # False until the owner of the address opens the link mailed at sign-up; accounts made by
    # invitation, by an administrator or on the command line are verified when made.
    email_verified: Mapped[bool] = mapped_column(default=True)
    # Set when an administrator erased the person (forum/privacy/erasure.py): the row stays, nameless.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    company = relationship("Company", back_populates="members")

    __table_args__ = (sa.CheckConstraint(
        "role IN ('admin','organiser','scanner','exhibitor','ha_staff','partnership','researcher')",
        name="role_known"),)

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)
        self.session_version = (self.session_version or 0) + 1

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:
        # The version makes a password change sign out every other session.
        return f"{self.id}:{self.session_version}"

    @property
    def display_name(self) -> str:
        return self.name_en or self.name_zh or self.email

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class ApiToken(db.Model):
    """A personal API token. Only its SHA-256 is stored; the token itself is shown once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(12))
    label: Mapped[str] = mapped_column(sa.String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship(User, lazy="joined")


class Invitation(db.Model):
    """A link that lets a person set a password and join with a role (and company)."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    name_en: Mapped[str] = mapped_column(sa.String(120), default="")
    name_zh: Mapped[str] = mapped_column(sa.String(120), default="")
    company_id: Mapped[int | None] = mapped_column(sa.ForeignKey("company.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    company = relationship("Company")

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime, utcnow
from ..extensions import db


class AttendeeStatus(str, enum.Enum):
    invited = "invited"
    registered = "registered"
    declined = "declined"
    cancelled = "cancelled"


class AttendeeKind(str, enum.Enum):
    """What the badge says the person is; it picks the badge colour."""

    ha = "ha"
    exhibitor = "exhibitor"
    organiser = "organiser"
    speaker = "speaker"
    guest = "guest"


class Attendee(db.Model):
    """A person invited to one forum: an HA executive, exhibitor staff, an organiser or a speaker."""

    __tablename__ = "attendee"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    kind: Mapped[AttendeeKind] = mapped_column(
        sa.Enum(AttendeeKind, native_enum=False, length=16, validate_strings=True), default=AttendeeKind.ha)
    status: Mapped[AttendeeStatus] = mapped_column(
        sa.Enum(AttendeeStatus, native_enum=False, length=16, validate_strings=True),
        default=AttendeeStatus.invited, index=True)
    name_en: Mapped[str] = mapped_column(sa.String(160), default="")
    name_zh: Mapped[str] = mapped_column(sa.String(160), default="")
    email: Mapped[str] = mapped_column(sa.String(254))
    # normalise_email(email): the duplicate key within a forum (case, spaces, full-width folded).
    email_key: Mapped[str] = mapped_column(sa.String(254))
    title: Mapped[str] = mapped_column(sa.String(160), default="")  # rank or job title
    department: Mapped[str] = mapped_column(sa.String(160), default="")
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")  # as shown on the badge
    site_id: Mapped[int | None] = mapped_column(sa.ForeignKey("site.id"), index=True)
    company_id: Mapped[int | None] = mapped_column(sa.ForeignKey("company.id", ondelete="SET NULL"), index=True)
    access_needs: Mapped[str] = mapped_column(sa.Text, default="")
    dietary_needs: Mapped[str] = mapped_column(sa.Text, default="")
    # PDPO: sharing contact details with exhibitors needs an explicit yes; the default is no.
    share_contact: Mapped[bool] = mapped_column(default=False)
    # The key inside the badge's lead code (apart from the ticket: exhibitors never hold door tickets).
    lead_key: Mapped[bytes | None] = mapped_column(sa.LargeBinary(10), unique=True)
    invitation_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Set when the person's details were anonymised (erasure, or the forum's retention period ending).
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    forum = relationship("Forum")
    site = relationship("Site")
    company = relationship("Company")
    user = relationship("User")
    tickets = relationship("Ticket", back_populates="attendee", order_by="Ticket.id")
    # The person's interests, from the organisers' one theme list (the one solutions use), in the order picked.
    theme_links = relationship("AttendeeTheme", order_by="AttendeeTheme.position", cascade="all, delete-orphan")

    __table_args__ = (sa.UniqueConstraint("forum_id", "email_key", name="uq_attendee_forum_email"),)

    @property
    def display_name(self) -> str:
        return self.name_en or self.name_zh or self.email

    @property
    def interests(self) -> list:
        """The Theme rows the person picked."""
        return [link.theme for link in self.theme_links]

    @property
    def themes(self) -> list[str]:
        """The keys of the picked themes (what forms, exports and the API carry)."""
        return [link.theme.key for link in self.theme_links]

    @themes.setter
    def themes(self, keys) -> None:
        """Keys (or Theme rows) in the order picked; keys not in the theme list are dropped."""
        from ..exhibitors.models import Theme

        keys = list(dict.fromkeys(getattr(k, "key", k) for k in (keys or [])))
        rows = {t.key: t for t in db.session.scalars(sa.select(Theme).where(Theme.key.in_(keys)))} if keys else {}
        current = {link.theme_id: link for link in self.theme_links}
        links = []
        for position, key in enumerate(k for k in keys if k in rows):
            theme = rows[key]
            link = current.get(theme.id) or AttendeeTheme(theme=theme)
            link.position = position
            links.append(link)
        self.theme_links = links


class AttendeeTheme(db.Model):
    """One theme an attendee cares about: a row of the organisers' Theme table."""

    __tablename__ = "attendee_theme"

    attendee_id: Mapped[int] = mapped_column(sa.ForeignKey("attendee.id", ondelete="CASCADE"), primary_key=True)
    theme_id: Mapped[int] = mapped_column(sa.ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True,
                                          index=True)
    position: Mapped[int] = mapped_column(default=0)

    theme = relationship("Theme", lazy="joined")


class Ticket(db.Model):
    """One issued QR ticket. Reissuing revokes the old row and adds a new one.

    The QR text is built from `key` and an HMAC over it (see tickets.py): no personal data.
    """

    __tablename__ = "ticket"

    id: Mapped[int] = mapped_column(primary_key=True)
    attendee_id: Mapped[int] = mapped_column(sa.ForeignKey("attendee.id", ondelete="CASCADE"), index=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    key: Mapped[bytes] = mapped_column(sa.LargeBinary(10), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    attendee = relationship(Attendee, back_populates="tickets")

"""Mail templates organisers override per forum, announcements to groups, opt-outs and the wallet certificate."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime, utcnow
from ..extensions import db


class MailTemplate(db.Model):
    """One forum's wording of one kind of mail; without a row the built-in default is sent.

    forum_id is NULL for the site-wide wording of the account mails (password, sign-up, invitation),
    which belong to no forum; a partial unique index keeps one such row per key.
    """

    __tablename__ = "mail_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int | None] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(sa.String(40))
    subject_en: Mapped[str] = mapped_column(sa.String(200), default="")
    subject_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    body_en: Mapped[str] = mapped_column(sa.Text, default="")
    body_zh: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    __table_args__ = (sa.UniqueConstraint("forum_id", "key", name="uq_mail_template_forum_key"),
                      sa.Index("uq_mail_template_site_key", "key", unique=True,
                               sqlite_where=sa.text("forum_id IS NULL"), postgresql_where=sa.text("forum_id IS NULL")))


class AnnouncementGroup(str, enum.Enum):
    ha_invited = "ha_invited"
    registered_not_arrived = "registered_not_arrived"
    approved_exhibitors = "approved_exhibitors"
    company_staff = "company_staff"
    booth_demo = "booth_demo"


class Announcement(db.Model):
    """A message sent once to a group of one forum, kept with the forum with its delivery counts.

    Sending it queues one job (job_id) that resolves the group, composes each message and records
    one AnnouncementRecipient per address."""

    __tablename__ = "announcement"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    group: Mapped[AnnouncementGroup] = mapped_column(
        sa.Enum(AnnouncementGroup, native_enum=False, length=32, validate_strings=True))
    company_id: Mapped[int | None] = mapped_column(sa.ForeignKey("company.id", ondelete="SET NULL"))
    booth_slot_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agenda_booth_slot.id", ondelete="SET NULL"))
    subject_en: Mapped[str] = mapped_column(sa.String(200), default="")
    subject_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    body_en: Mapped[str] = mapped_column(sa.Text, default="")
    body_zh: Mapped[str] = mapped_column(sa.Text, default="")
    recipients: Mapped[int] = mapped_column(default=0)  # in the group when sent (counted again by the job)
    queued: Mapped[int] = mapped_column(default=0)  # composed and handed to the mail service
    job_id: Mapped[int | None] = mapped_column(sa.ForeignKey("job.id", ondelete="SET NULL"))
    opted_out: Mapped[int] = mapped_column(default=0)  # in the group but unsubscribed
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    company = relationship("Company")
    created_by = relationship("User")
    job = relationship("Job")


PENDING, SENT, FAILED = "pending", "sent", "failed"


class AnnouncementRecipient(db.Model):
    """One address an announcement was composed for, and whether its mail left. The unique pair
    (announcement, address) is what keeps a retried job from mailing anyone twice. The address is kept
    as the keyed hash the opt-outs use, never in the clear."""

    __tablename__ = "announcement_recipient"

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(sa.ForeignKey("announcement.id", ondelete="CASCADE"))
    address_hash: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(16), default=PENDING)  # pending, sent, failed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (sa.UniqueConstraint("announcement_id", "address_hash",
                                          name="uq_announcement_recipient_address"),)


class MailOptOut(db.Model):
    """Someone who asked for no more mail of one kind. Kept as a keyed hash of the address, never the address."""

    __tablename__ = "mail_opt_out"

    id: Mapped[int] = mapped_column(primary_key=True)
    address_hash: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("address_hash", "kind", name="uq_mail_opt_out_address_kind"),)


class WalletSettings(db.Model):
    """The Apple Wallet pass certificate; one row. The private key is stored encrypted with a key from SECRET_KEY."""

    __tablename__ = "wallet_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    pass_type_id: Mapped[str] = mapped_column(sa.String(120))
    team_id: Mapped[str] = mapped_column(sa.String(20))
    organisation: Mapped[str] = mapped_column(sa.String(120))
    certificate_pem: Mapped[str] = mapped_column(sa.Text)
    key_pem: Mapped[str] = mapped_column(sa.Text)  # encrypted PEM (AES-256)
    wwdr_pem: Mapped[str] = mapped_column(sa.Text)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

"""Consents as given: who, when, yes or no, and the exact words the person was shown."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import UTCDateTime, utcnow
from ..extensions import db


class Consent(db.Model):
    """One answer to one consent question. Rows are only added: a withdrawal is a new row with given=False."""

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    attendee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("attendee.id", ondelete="CASCADE"), index=True)
    forum_id: Mapped[int | None] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(40))  # share_contact | datalab_undertaking
    given: Mapped[bool] = mapped_column()
    wording: Mapped[str] = mapped_column(sa.Text)  # exactly as shown, in the language shown
    locale: Mapped[str] = mapped_column(sa.String(16), default="en")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime, utcnow
from ..extensions import db


class Company(db.Model):
    """A park company. Exhibitor users belong to one."""

    __tablename__ = "company"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_en: Mapped[str] = mapped_column(sa.String(200), default="")
    name_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    # NFKC + casefold + folded spaces of the English (else Chinese) name, to catch duplicates.
    name_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members = relationship("User", back_populates="company")

    @property
    def display_name(self) -> str:
        return self.name_en or self.name_zh

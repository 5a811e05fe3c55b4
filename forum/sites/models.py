from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db

SITE_KINDS = ("hospital", "institution", "clinic", "lab", "office")


class Cluster(db.Model):
    """One of the Hospital Authority's seven hospital clusters."""

    __tablename__ = "cluster"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(8), unique=True)
    name_en: Mapped[str] = mapped_column(sa.String(120))
    name_zh: Mapped[str] = mapped_column(sa.String(120))

    sites = relationship("Site", back_populates="cluster", order_by="Site.name_en")


class Site(db.Model):
    """A place where HA people work and pilots happen: hospital, institution, clinic, lab or office."""

    __tablename__ = "site"

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cluster.id"), index=True)
    name_en: Mapped[str] = mapped_column(sa.String(200))
    name_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    # Folded English name: unique, and the key for matching spreadsheet spellings.
    name_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    source: Mapped[str] = mapped_column(sa.Text, default="")
    active: Mapped[bool] = mapped_column(default=True)

    cluster = relationship(Cluster, back_populates="sites", lazy="joined")

    __table_args__ = (sa.CheckConstraint(
        "kind IN ('hospital','institution','clinic','lab','office')", name="kind_known"),)

    @property
    def display_name(self) -> str:
        return self.name_en or self.name_zh

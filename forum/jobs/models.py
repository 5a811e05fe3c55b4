"""A background job as people see it: what it is, who started it, how far it got, its result or error.

The queue (huey) only carries "run job 12"; the row is the truth, so a job whose worker died is found
again (status running, lease run out) and a job run twice by mistake is claimed once.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime, utcnow
from ..extensions import db

QUEUED, RUNNING, RETRYING, DONE, FAILED = "queued", "running", "retrying", "done", "failed"
STATUSES = (QUEUED, RUNNING, RETRYING, DONE, FAILED)


class Job(db.Model):
    __tablename__ = "job"
    __table_args__ = (sa.Index("ix_job_status_lease", "status", "lease_until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))  # badges, recommendations, mail, follow_ups ...
    forum_id: Mapped[int | None] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    started_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # no personal data: ids and options only
    status: Mapped[str] = mapped_column(sa.String(16), default=QUEUED)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.Text)
    task_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)  # the queue's id (mail retries)
    worker: Mapped[str | None] = mapped_column(sa.String(120))  # which worker holds a running job
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_try_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    forum = relationship("Forum")
    started_by = relationship("User")
    result = relationship("JobResult", uselist=False, lazy="noload", cascade="all, delete-orphan",
                          passive_deletes=True)

    @property
    def percent(self) -> int | None:
        if not self.total:
            return 100 if self.status == DONE else None
        return min(100, round(100 * self.done / self.total))


class JobResult(db.Model):
    """The file a job made (a badge PDF, a CSV), kept in the database so every app server can serve it."""

    __tablename__ = "job_result"

    job_id: Mapped[int] = mapped_column(sa.ForeignKey("job.id", ondelete="CASCADE"), primary_key=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    mimetype: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column(default=0)
    content: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

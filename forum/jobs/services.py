"""Jobs as use cases: start one, claim it in a worker, report progress, finish, fail and retry, recover.

Every change of status is a conditional UPDATE, so two workers handed the same job (a recovered job
whose first worker was only slow, a message delivered twice) cannot both run it.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..db import utcnow
from ..errors import NotFound, ValidationError
from ..extensions import db
from ..permissions import can, ensure
from . import kinds
from .models import DONE, FAILED, QUEUED, RETRYING, RUNNING, Job, JobResult
from .queue import enqueue_after_commit

ACTIVE = (QUEUED, RUNNING, RETRYING)


def start(actor, kind: str, forum=None, **params) -> Job:
    """Queue a job of this kind; it runs after the caller commits."""
    spec = kinds.get(kind)
    if spec is None or not spec.startable:
        raise ValidationError(_l("There is no such job."), field="kind")
    ensure(actor, spec.permission, forum)
    spec.check(forum, params)
    job = Job(kind=kind, forum_id=forum.id if forum is not None else None, params=params,
              started_by_id=getattr(actor, "id", None), status=QUEUED, done=0, attempts=0)
    db.session.add(job)
    db.session.flush()
    if forum is not None:
        record(actor, "job.start", forum, forum_id=forum.id, changes={"kind": kind, "job": job.id})
    enqueue_after_commit(db.session, "run_job", job.id)
    return job


def start_system(kind: str, forum_id: int | None = None, **params) -> Job:
    """A job the worker starts itself (periodic tasks): nobody to check, nothing to audit."""
    job = Job(kind=kind, forum_id=forum_id, params=params, status=QUEUED, done=0, attempts=0)
    db.session.add(job)
    db.session.flush()
    enqueue_after_commit(db.session, "run_job", job.id)
    return job


def _lease(now: datetime) -> datetime:
    return now + timedelta(seconds=current_app.config["JOBS_LEASE_SECONDS"])


def claim(job_id: int, worker: str) -> Job | None:
    """Mark the job running on this worker, or None when it is not waiting to run (taken, finished)."""
    now = utcnow()
    claimed = db.session.execute(
        sa.update(Job).where(Job.id == job_id, Job.status.in_((QUEUED, RETRYING)))
        .values(status=RUNNING, worker=worker, attempts=Job.attempts + 1, lease_until=_lease(now),
                started_at=sa.func.coalesce(Job.started_at, now), next_try_at=None)
        .execution_options(synchronize_session=False)).rowcount
    if not claimed:
        return None
    job = db.session.get(Job, job_id, populate_existing=True)
    return job


def progress(job_id: int, worker: str, done: int, total: int | None = None) -> None:
    """Record progress and extend the lease; the caller commits."""
    values = {"done": done, "lease_until": _lease(utcnow())}
    if total is not None:
        values["total"] = total
    db.session.execute(sa.update(Job).where(Job.id == job_id, Job.status == RUNNING, Job.worker == worker)
                       .values(**values).execution_options(synchronize_session=False))


def finish(job_id: int, worker: str, result: tuple[str, str, bytes] | None) -> None:
    job = db.session.get(Job, job_id)
    if result is not None:
        filename, mimetype, content = result
        db.session.merge(JobResult(job_id=job_id, filename=filename, mimetype=mimetype, size=len(content),
                                   content=content))
    db.session.execute(sa.update(Job).where(Job.id == job_id, Job.worker == worker)
                       .values(status=DONE, done=sa.func.coalesce(Job.total, Job.done), error=None,
                               finished_at=utcnow(), lease_until=None)
                       .execution_options(synchronize_session=False))
    if job is not None:
        db.session.refresh(job)


def retry_delay(attempts: int) -> float:
    """Seconds before the next try: JOBS_RETRY_DELAY, doubled after each failed attempt."""
    return current_app.config["JOBS_RETRY_DELAY"] * 2 ** max(0, attempts - 1)


def fail(job_id: int, error: BaseException) -> float | None:
    """Record a failed attempt; return the delay before the next one, or None when it is given up."""
    job = db.session.get(Job, job_id, populate_existing=True)
    message = f"{type(error).__name__}: {error}"[:2000]
    if job.attempts < current_app.config["JOBS_MAX_ATTEMPTS"]:
        delay = retry_delay(job.attempts)
        job.status, job.next_try_at = RETRYING, utcnow() + timedelta(seconds=delay)
    else:
        delay = None
        job.status, job.finished_at = FAILED, utcnow()
    job.error, job.lease_until = message, None
    return delay


def retry_now(actor, job: Job) -> None:
    """An organiser, or whoever started it, asks a failed job to run again."""
    _ensure_sees(actor, job)
    if job.status != FAILED or job.kind == "mail":  # a mail's retries are its own task's
        raise ValidationError(_l("Only a failed job can be tried again."))
    job.status, job.next_try_at, job.finished_at = QUEUED, None, None
    record(actor, "job.retry", job, object_type="Job", forum_id=job.forum_id, changes={"kind": job.kind})
    enqueue_after_commit(db.session, "run_job", job.id)


def recover(worker: str | None, now: datetime | None = None) -> list[int]:
    """Requeue jobs whose worker died: running on this worker (it is starting again, so they were cut
    off) or silent past their lease on any worker; and queued jobs whose message never reached the
    queue. The caller commits; the tasks are queued after that."""
    now = now or utcnow()
    lost = sa.or_(
        sa.and_(Job.status == RUNNING, sa.or_(Job.lease_until < now, *([Job.worker == worker] if worker else []))),
        sa.and_(Job.status == QUEUED, Job.created_at < now - timedelta(seconds=current_app.config["JOBS_LEASE_SECONDS"])),
    )
    found = []
    for job_id, status in db.session.execute(sa.select(Job.id, Job.status).where(lost, Job.kind != "mail")):
        moved = db.session.execute(sa.update(Job).where(Job.id == job_id, Job.status == status)
                                   .values(status=QUEUED, lease_until=None, worker=None)
                                   .execution_options(synchronize_session=False)).rowcount
        if moved:
            found.append(job_id)
            enqueue_after_commit(db.session, "run_job", job_id)
    return found


def listing(actor, forum=None, limit: int = 50) -> tuple[list[Job], list[Job]]:
    """(jobs still to finish or failed, the latest finished ones) for the jobs page, newest first."""
    ensure(actor, "job.view", forum)
    from sqlalchemy.orm import selectinload

    base = sa.select(Job).options(selectinload(Job.forum), selectinload(Job.started_by)).order_by(Job.id.desc())
    if forum is not None:
        base = base.where(Job.forum_id == forum.id)
    open_ = db.session.scalars(base.where(Job.status.in_(ACTIVE + (FAILED,))).limit(limit)).all()
    finished = db.session.scalars(base.where(Job.status == DONE).limit(limit)).all()
    return list(open_), list(finished)


def results_of(jobs: list[Job]) -> dict[int, JobResult]:
    """The result rows (without their bytes) of these jobs, by job id: one query for the page."""
    ids = [j.id for j in jobs if j.status == DONE]
    if not ids:
        return {}
    return {r.job_id: r for r in db.session.scalars(sa.select(JobResult).where(JobResult.job_id.in_(ids)))}


def _ensure_sees(actor, job: Job) -> None:
    if not can(actor, "job.view", job):
        ensure(actor, "job.own", job)


def get_job(actor, job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None:
        raise NotFound()
    _ensure_sees(actor, job)
    return job


def result_file(actor, job_id: int) -> JobResult:
    job = get_job(actor, job_id)
    result = db.session.scalar(sa.select(JobResult).where(JobResult.job_id == job.id)
                               .options(sa.orm.undefer(JobResult.content)))
    if result is None:
        raise NotFound()
    return result

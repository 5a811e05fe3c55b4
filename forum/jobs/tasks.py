"""The tasks the worker runs: a job by its row, one mail, and the periodic ones (heartbeat, follow-ups,
the retention purge, pruning the cache's change rows)."""
from __future__ import annotations

import json
import smtplib
from datetime import timedelta

from flask import current_app
from huey import crontab
from huey.exceptions import RetryTask

from ..db import utcnow
from ..extensions import db
from ..permissions import SystemActor
from . import kinds, services
from .models import DONE, FAILED, RETRYING, Job
from .queue import HEARTBEAT_KEY, JobQueue


def run_job(jobs: JobQueue, job_id: int) -> None:
    worker = jobs.worker_name
    job = services.claim(job_id, worker)
    if job is None:  # already taken or finished (a recovered job whose first run was only slow)
        db.session.rollback()
        return
    db.session.commit()
    spec = kinds.get(job.kind)
    actor = job.started_by if job.started_by_id is not None else SystemActor()

    def report(done: int, total: int | None = None) -> None:
        services.progress(job_id, worker, done, total)
        db.session.commit()

    try:
        result = spec.run(job, actor, report)
        services.finish(job_id, worker, result)
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        delay = services.fail(job_id, error)
        db.session.commit()
        jobs.app.logger.warning("job %s (%s) failed: %s; %s", job_id, spec.name, type(error).__name__,
                    f"retry in {delay:.0f} s" if delay is not None else "given up")
        if delay is not None:
            raise RetryTask(delay=delay) from error


def _note_mail(task, status: str, error: BaseException | None, retries: int) -> None:
    """Keep a row for a mail that failed, so organisers see it waiting (and whether it left at last)."""
    try:
        job = db.session.query(Job).filter_by(task_id=task.id).one_or_none()
        if job is None:
            if status == DONE:
                return
            job = Job(kind="mail", task_id=task.id, params={}, status=status, done=0, total=1, attempts=0)
            db.session.add(job)
        job.attempts = retries - task.retries + 1
        job.status = status
        job.error = f"{type(error).__name__}: {error}"[:2000] if error else None
        if status == DONE:
            job.done, job.finished_at = 1, utcnow()
        elif status == FAILED:
            job.finished_at = utcnow()
        db.session.commit()
    except Exception:  # the database away as well: the mail's own retries still stand
        db.session.rollback()
        current_app.logger.exception("could not record the mail delivery's state")


def _receipt(jobs: JobQueue, mail, status: str) -> None:
    """Tell whoever asked (an announcement's recipient row) whether the mail left."""
    from ..mail import note_delivery

    if getattr(mail, "receipt", None) is None:  # most mail: nobody asked
        return
    try:
        note_delivery(jobs.app, mail, status)
        db.session.commit()
    except Exception:  # the database away: the mail itself is not affected, its row stays pending
        db.session.rollback()
        current_app.logger.exception("could not record a mail's delivery")


def deliver_mail(jobs: JobQueue, mail, task=None) -> None:
    from ..mail import deliver

    retries = jobs.app.config["MAIL_RETRIES"]
    retried = task is not None and task.retries < retries
    try:
        deliver(jobs.app, [mail])
    except (OSError, smtplib.SMTPException) as error:
        last = task is None or task.retries == 0
        jobs.app.logger.warning("mail delivery failed (attempt %d of %d): %s%s", retries - (task.retries if task else 0) + 1,
                    retries + 1, type(error).__name__, "; given up" if last else "; will retry")
        if task is not None:
            _note_mail(task, FAILED if last else RETRYING, error, retries)
        if last:
            _receipt(jobs, mail, "failed")
        raise
    if retried:
        _note_mail(task, DONE, None, retries)
    _receipt(jobs, mail, "sent")


def heartbeat(jobs: JobQueue, starting: bool = False) -> None:
    """Say the worker is alive (for /healthz) and requeue jobs whose worker died: at start, also the
    jobs this worker was running when it stopped."""
    jobs.huey.put(HEARTBEAT_KEY, json.dumps({"at": utcnow().isoformat(), "worker": jobs.worker_name}))
    found = services.recover(jobs.worker_name if starting else None)
    db.session.commit()
    if found:
        jobs.app.logger.warning("requeued %d job(s) whose worker stopped: %s", len(found), found)


def follow_ups() -> None:
    services.start_system("follow_ups")
    db.session.commit()


def retention_purge() -> None:
    services.start_system("retention_purge")
    db.session.commit()


CHANGES_KEPT = timedelta(hours=1)  # change rows younger than this stay: a slow transaction may still commit


def prune_content_changes() -> None:
    from ..cache import prune_changes

    prune_changes(utcnow() - CHANGES_KEPT)
    db.session.commit()


def register_tasks(jobs: JobQueue) -> None:
    huey, config = jobs.huey, jobs.app.config
    jobs.tasks["run_job"] = huey.task(name="run_job")(jobs.in_app(lambda job_id: run_job(jobs, job_id)))
    jobs.tasks["deliver_mail"] = huey.task(
        name="deliver_mail", context=True, retries=config["MAIL_RETRIES"],
        retry_delay=config["JOBS_RETRY_DELAY"], retry_backoff=2,
    )(jobs.in_app(lambda mail, task=None: deliver_mail(jobs, mail, task)))
    jobs.tasks["heartbeat"] = huey.periodic_task(crontab(minute="*"), name="heartbeat")(
        jobs.in_app(lambda: heartbeat(jobs)))
    # 09:00 Hong Kong time (the queue's clock is UTC).
    jobs.tasks["follow_ups"] = huey.periodic_task(crontab(hour="1", minute="0"), name="follow_ups")(
        jobs.in_app(follow_ups))
    # 03:00 Hong Kong time, when nobody is at a door.
    jobs.tasks["retention_purge"] = huey.periodic_task(crontab(hour="19", minute="0"), name="retention_purge")(
        jobs.in_app(retention_purge))
    # 03:30 Hong Kong time: the cache's change rows of the day become one number per topic.
    jobs.tasks["prune_content_changes"] = huey.periodic_task(
        crontab(hour="19", minute="30"), name="prune_content_changes")(jobs.in_app(prune_content_changes))


def read_heartbeat(jobs: JobQueue) -> dict | None:
    value = jobs.huey.get(HEARTBEAT_KEY, peek=True)
    return json.loads(value) if value else None

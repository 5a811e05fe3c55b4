"""The queue under the jobs: one huey per app, chosen from the configuration.

SQLite file under the instance folder by default; Redis when REDIS_URL is set (several app servers
and workers then share one queue); in memory and run at once (immediate mode) in tests. Every task
runs inside an app context of the app that queued it, with its own database session.
"""
from __future__ import annotations

import functools
import socket

from flask import current_app
from huey import MemoryHuey, RedisHuey, SqliteHuey
from sqlalchemy import event
from sqlalchemy.orm import Session
HEARTBEAT_KEY = "worker-heartbeat"


class JobQueue:
    """What an app keeps in app.extensions["jobs"]: its huey and its tasks by name."""

    def __init__(self, app, huey):
        self.app = app
        self.huey = huey
        self.tasks: dict[str, object] = {}

    @property
    def worker_name(self) -> str:
        return self.app.config.get("JOBS_WORKER_NAME") or socket.gethostname()

    def enqueue(self, name: str, *args, **kwargs):
        return self.tasks[name](*args, **kwargs)

    def in_app(self, fn):
        """Run fn inside a fresh app context (its own session), as a request would."""
        app = self.app

        @functools.wraps(fn)
        def run(*args, **kwargs):
            with app.app_context():
                return fn(*args, **kwargs)

        return run


def make_huey(config) -> object:
    name = config.get("JOBS_QUEUE_NAME") or "forum"
    if config.get("JOBS_IMMEDIATE"):
        return MemoryHuey(name, immediate=True)
    if config.get("REDIS_URL"):
        # Short timeouts: an enqueue after a commit must not hang a request when Redis is away.
        from redis import ConnectionPool

        pool = ConnectionPool.from_url(config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=5)
        return RedisHuey(name, connection_pool=pool)
    return SqliteHuey(name, filename=config["JOBS_SQLITE_PATH"])


def queue() -> JobQueue:
    return current_app.extensions["jobs"]


def enqueue_after_commit(session: Session, name: str, *args) -> None:
    """Queue a task when the surrounding transaction commits; a rollback drops it."""
    session.connection()  # tie it to a transaction, as mail.queue_mail does
    session.info.setdefault("tasks_after_commit", []).append((name, args))


def _after_commit(session):
    if session.in_nested_transaction():
        return
    pending = session.info.pop("tasks_after_commit", None)
    if not pending:
        return
    jobs = queue()
    for name, args in pending:
        try:
            jobs.enqueue(name, *args)
        except Exception:  # the queue is away: the job row stays queued and recover() finds it
            current_app.logger.exception("could not queue %s", name)


def _drop_on_rollback(session, previous_transaction):
    if previous_transaction.parent is None:
        session.info.pop("tasks_after_commit", None)


def listen_for_commits() -> None:
    # Session-class listeners are process-wide: register them once, however many apps exist.
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _drop_on_rollback)

"""An SMTP outage delays mail and loses none: the queue (SQLite, as in development) keeps the message
and retries it with backoff until a real SMTP server (aiosmtpd) answers."""
import time
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from huey import SqliteHuey

from forum import mail
from forum.extensions import db
from forum.jobs.models import DONE, RETRYING, Job
from forum.jobs.queue import JobQueue
from forum.jobs.tasks import register_tasks
from tests.core.test_mail import Collect, _free_port


@pytest.fixture
def sqlite_queue(app, tmp_path):
    """The app's queue on a SQLite file for this test (tests otherwise run jobs at once, in memory)."""
    saved = app.extensions["jobs"], app.config["JOBS_RETRY_DELAY"]
    app.config["JOBS_RETRY_DELAY"] = 0.2  # then 0.4, 0.8 ...: the backoff, in fractions of a second
    jobs = JobQueue(app, SqliteHuey("forum-test", filename=str(tmp_path / "jobs.db")))
    register_tasks(jobs)
    app.extensions["jobs"] = jobs
    yield jobs
    app.extensions["jobs"], app.config["JOBS_RETRY_DELAY"] = saved


def _run_due(jobs: JobQueue, until: datetime) -> int:
    """Do what the worker does: run what is queued, then what the schedule says is due by `until`."""
    huey, ran = jobs.huey, 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        ran += 1
    for task in huey.read_schedule(until.replace(tzinfo=None)):
        huey.execute(task, until.replace(tzinfo=None))
        ran += 1
    return ran


def test_mail_waits_out_an_smtp_outage_and_is_delivered_when_the_server_returns(app, sqlite_queue):
    port = _free_port()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)  # nobody listens there yet
    try:
        mail.queue_mail(db.session, mail.Mail(to="chan@ha.example", subject="Your ticket", text="See you"))
        db.session.commit()
        assert sqlite_queue.huey.pending_count() == 1  # queued after the commit, not sent from the request

        assert _run_due(sqlite_queue, datetime.now(timezone.utc)) == 1  # first try: refused
        [first] = sqlite_queue.huey.scheduled()  # kept, to be tried again
        waiting = db.session.scalar(sa.select(Job).where(Job.kind == "mail"))
        assert (waiting.status, waiting.attempts) == (RETRYING, 1)
        due = first.eta.replace(tzinfo=timezone.utc)
        assert _run_due(sqlite_queue, due - timedelta(seconds=0.05)) == 0  # not before its time
        assert _run_due(sqlite_queue, due) == 1  # second try, still down
        [second] = sqlite_queue.huey.scheduled()
        # Waited 0.2 s, then 0.4 s; the next wait is 0.8 s: the delay doubles at each failure.
        assert (first.retry_delay, second.retry_delay) == (pytest.approx(0.4), pytest.approx(0.8))
        assert second.eta > first.eta

        handler = Collect()
        server = Controller(handler, hostname="127.0.0.1", port=port)
        server.start()
        try:
            deadline = time.monotonic() + 10
            while not handler.messages and time.monotonic() < deadline:
                _run_due(sqlite_queue, datetime.now(timezone.utc) + timedelta(seconds=2))
        finally:
            server.stop()
    finally:
        app.config.update(MAIL_SERVER=None)
    [message] = handler.messages
    assert message["To"] == "chan@ha.example" and message["Subject"] == "Your ticket"
    assert sqlite_queue.huey.pending_count() == 0 and sqlite_queue.huey.scheduled_count() == 0
    db.session.expire_all()
    delivered = db.session.scalar(sa.select(Job).where(Job.kind == "mail"))
    assert (delivered.status, delivered.attempts, delivered.error) == (DONE, 3, None)

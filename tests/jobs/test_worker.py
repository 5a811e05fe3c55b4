"""The real worker process: a job survives the worker being killed (SIGKILL) in the middle of it, and a
restarted worker finishes it; the worker's heartbeat shows on /healthz."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from huey import SqliteHuey

from forum.extensions import db
from forum.jobs import services
from forum.jobs.models import DONE, RUNNING, Job, JobResult
from forum.jobs.queue import JobQueue
from forum.jobs.tasks import register_tasks
from tests.factories import ForumFactory
from tests.support.documents import pdf_page_count
from tests.jobs.conftest import registered

ROOT = Path(__file__).resolve().parents[2]
BADGES = 12


def _worker(env: dict, log: Path) -> subprocess.Popen:
    flask = Path(sys.executable).with_name("flask")
    return subprocess.Popen([str(flask), "--app", "wsgi", "jobs", "worker", "--workers", "1"], cwd=ROOT, env=env,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT)


def _job(job_id: int) -> Job:
    db.session.rollback()  # a new read transaction: see what the worker committed
    return db.session.get(Job, job_id, populate_existing=True)


def _wait_for(check, seconds: float, what: str, log: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}; worker log:\n{log.read_text()[-3000:]}")


@pytest.mark.committed
def test_a_job_survives_a_killed_worker_and_a_restarted_worker_finishes_it(app, committed, client, tmp_path,
                                                                          database_url):
    forum = ForumFactory()
    registered(forum, BADGES)
    job = services.start_system("badges", forum.id, layout="a6", chunk=2)  # six chunks: time to kill it
    db.session.info.pop("tasks_after_commit", None)  # queued below, on the worker's queue
    db.session.commit()
    job_id = job.id
    queue = JobQueue(app, SqliteHuey("forum", filename=str(tmp_path / "jobs.db")))
    register_tasks(queue)
    queue.enqueue("run_job", job_id)

    env = {**os.environ, "DATABASE_URL": database_url, "FORUM_INSTANCE_PATH": str(tmp_path), "FORUM_ENV": "testing",
           "SECRET_KEY": app.config["SECRET_KEY"], "JOBS_IMMEDIATE": "0",
           "JOBS_SQLITE_PATH": str(tmp_path / "jobs.db"), "JOBS_WORKER_NAME": "worker-under-test",
           "BADGE_PROCESSES": "1"}
    log = tmp_path / "worker.log"
    first = _worker(env, log)
    try:
        _wait_for(lambda: _job(job_id).done > 0, 60, "the first chunk", log)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    cut = _job(job_id)
    assert cut.status == RUNNING and 0 < cut.done < BADGES, (cut.status, cut.done)  # killed mid-job

    second = _worker(env, log)  # the same worker starting again: it requeues what it was running
    try:
        _wait_for(lambda: _job(job_id).status == DONE, 90, "the job to finish", log)
        app.extensions["jobs"], saved = queue, app.extensions["jobs"]
        try:
            health = client.get("/healthz").json
        finally:
            app.extensions["jobs"] = saved
    finally:
        second.send_signal(signal.SIGINT)  # Ctrl-C: a clean stop
        second.wait(timeout=30)
    done = _job(job_id)
    assert (done.done, done.total, done.attempts, done.worker) == (BADGES, BADGES, 2, "worker-under-test")
    result = db.session.get(JobResult, job_id)
    assert pdf_page_count(result.content) == BADGES
    assert health["worker"]["status"] == "ok" and health["worker"]["seconds_ago"] < 120

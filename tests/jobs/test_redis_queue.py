"""With REDIS_URL set the queue is in Redis: what one process queues another runs, and /healthz reports
Redis and the worker's heartbeat from there."""
import uuid

import pytest
from huey import RedisHuey

from forum import mail
from forum.extensions import db
from forum.jobs.queue import JobQueue, make_huey
from forum.jobs.tasks import heartbeat, register_tasks
from forum.observability import check_redis


@pytest.fixture
def redis_queue(app):
    config = {"REDIS_URL": "redis://127.0.0.1:6379/14", "JOBS_QUEUE_NAME": f"forum-test-{uuid.uuid4().hex[:8]}"}
    huey = make_huey(config)
    assert isinstance(huey, RedisHuey)
    jobs = JobQueue(app, huey)
    register_tasks(jobs)
    saved = app.extensions["jobs"]
    app.extensions["jobs"] = jobs
    yield jobs
    app.extensions["jobs"] = saved
    huey.storage.flush_all()


def test_mail_queued_in_redis_is_delivered_by_whoever_runs_the_queue(app, redis_queue, outbox):
    mail.queue_mail(db.session, mail.Mail(to="lee@ha.example", subject="Agenda", text="Updated"))
    db.session.commit()
    assert outbox() == [] and redis_queue.huey.pending_count() == 1
    # A second queue object on the same Redis stands for the worker process.
    worker = RedisHuey(redis_queue.huey.name, url="redis://127.0.0.1:6379/14")
    worker._registry = redis_queue.huey._registry  # the same task names
    worker.execute(worker.dequeue())
    [message] = outbox()
    assert message["To"] == "lee@ha.example"


def test_healthz_reports_redis_and_the_heartbeat_kept_there(app, client, redis_queue):
    heartbeat(redis_queue)
    app.config["REDIS_URL"] = "redis://127.0.0.1:6379/14"
    try:
        assert check_redis(app) == "ok"
        answer = client.get("/healthz").json
    finally:
        app.config["REDIS_URL"] = None
        app.extensions.pop("health_redis", None)
    assert answer["status"] == "ok" and answer["redis"] == "ok"
    assert answer["worker"]["status"] == "ok" and answer["worker"]["seconds_ago"] <= 5


def test_redis_away_is_reported_not_fatal(app, client):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nobody listens there
    try:
        answer = client.get("/healthz")
    finally:
        app.config["REDIS_URL"] = None
        app.extensions.pop("health_redis", None)
    assert answer.status_code == 200 and answer.json["redis"] == "unavailable"

"""Jobs in immediate mode: started from the page, run with progress, results served, failures retried and listed."""
from datetime import timedelta

import sqlalchemy as sa

from forum.db import utcnow
from forum.extensions import db
from forum.jobs import services
from forum.jobs.models import DONE, FAILED, QUEUED, RETRYING, RUNNING, Job, JobResult
from forum.jobs.tasks import run_job
from tests.support.documents import pdf_page_count
from tests.jobs.conftest import registered


def _jobs(app):
    return app.extensions["jobs"]


def test_badge_batch_runs_as_a_job_with_progress_and_a_result_link(app, client, login_as, forum):
    registered(forum, 3)
    organiser = login_as("organiser")
    response = client.post(f"/forums/{forum.slug}/jobs", data={"kind": "badges_a6"})
    assert response.status_code == 302 and response.location.endswith(f"/forums/{forum.slug}/jobs")
    job = db.session.scalar(sa.select(Job).where(Job.forum_id == forum.id))
    assert (job.kind, job.status, job.done, job.total, job.attempts) == ("badges", DONE, 3, 3, 1)
    assert job.started_by_id == organiser.id and job.params == {"layout": "a6"}
    page = client.get(f"/forums/{forum.slug}/jobs").get_data(as_text=True)
    assert f"/jobs/{job.id}/result" in page and f"{forum.slug}-badges-a6.pdf" in page
    assert "data-refresh=" not in page  # nothing left running: no refresh
    pdf = client.get(f"/jobs/{job.id}/result")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf_page_count(pdf.data) == 3


def test_recommendation_batch_gives_a_csv(client, login_as, forum):
    login_as("organiser")
    client.post(f"/forums/{forum.slug}/jobs", data={"kind": "recommendations"})
    job = db.session.scalar(sa.select(Job).where(Job.forum_id == forum.id))
    assert job.status == DONE, job.error
    csv = client.get(f"/jobs/{job.id}/result")
    assert csv.mimetype == "text/csv"
    assert csv.data.decode("utf-8-sig").splitlines()[0].startswith("attendee_id,user_id,rank")


def test_only_organisers_start_and_see_jobs(client, login_as, forum):
    login_as("exhibitor")
    assert client.get("/jobs").status_code == 403
    assert client.post(f"/forums/{forum.slug}/jobs", data={"kind": "badges_a6"}).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0


def test_an_unknown_kind_is_refused_clearly(client, login_as, forum):
    login_as("organiser")
    response = client.post(f"/forums/{forum.slug}/jobs", data={"kind": "follow_ups"}, follow_redirects=True)
    assert response.status_code in (200, 400)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0


def test_a_failing_job_is_retried_with_backoff_then_listed_as_failed(app, client, login_as, forum):
    """A forum with no ticket yet: the badge job fails each time; delays double; after the last attempt
    it is listed as failed with its error, and "Try again" queues it once more."""
    login_as("organiser")
    client.post(f"/forums/{forum.slug}/jobs", data={"kind": "badges_a4"})  # runs now and fails once
    job = db.session.scalar(sa.select(Job).where(Job.forum_id == forum.id))
    assert (job.status, job.attempts) == (RETRYING, 1)
    assert "ValidationError" in job.error
    delay = app.config["JOBS_RETRY_DELAY"]
    assert abs((job.next_try_at - utcnow()).total_seconds() - delay) < 5
    assert [services.retry_delay(n) for n in (1, 2, 3)] == [delay, 2 * delay, 4 * delay]
    page = client.get(f"/forums/{forum.slug}/jobs").get_data(as_text=True)
    assert "data-refresh=" in page and "Failed, will retry" in page
    for _ in range(app.config["JOBS_MAX_ATTEMPTS"] - 1):  # what the queue does when each delay is over
        try:
            run_job(_jobs(app), job.id)
        except Exception:  # RetryTask: the queue schedules the next attempt
            pass
        db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert (job.status, job.attempts) == (FAILED, app.config["JOBS_MAX_ATTEMPTS"])
    page = client.get("/jobs").get_data(as_text=True)
    assert "Failed" in page and "No registered attendee has a ticket yet." in page and "Try again" in page
    registered(forum, 1)
    assert client.post(f"/jobs/{job.id}/retry").status_code == 302
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == DONE


def test_a_job_is_claimed_once(app, forum):
    job = services.start_system("badges", forum.id, layout="a6")
    db.session.flush()
    db.session.info.pop("tasks_after_commit", None)  # run it by hand below
    assert services.claim(job.id, "one") is not None
    assert services.claim(job.id, "two") is None  # a second message for the same job does nothing


def test_jobs_of_a_dead_worker_are_requeued(app, forum):
    now = utcnow()
    mine = Job(kind="badges", forum_id=forum.id, params={}, status=RUNNING, worker="me",
               lease_until=now + timedelta(minutes=5))
    silent = Job(kind="badges", forum_id=forum.id, params={}, status=RUNNING, worker="other",
                 lease_until=now - timedelta(seconds=1))
    alive = Job(kind="badges", forum_id=forum.id, params={}, status=RUNNING, worker="other",
                lease_until=now + timedelta(minutes=5))
    db.session.add_all([mine, silent, alive])
    db.session.flush()
    assert sorted(services.recover("me", now)) == sorted([mine.id, silent.id])
    db.session.info.pop("tasks_after_commit", None)
    db.session.expire_all()
    assert [db.session.get(Job, j.id).status for j in (mine, silent, alive)] == [QUEUED, QUEUED, RUNNING]


def test_the_jobs_page_runs_a_bounded_number_of_queries(app, client, login_as, forum, query_counter):
    login_as("organiser")
    for _ in range(5):
        job = services.start_system("badges", forum.id, layout="a6")
        db.session.add(JobResult(job_id=job.id, filename="x.pdf", mimetype="application/pdf", size=3,
                                 content=b"pdf"))
        job.status = DONE
    db.session.info.pop("tasks_after_commit", None)
    db.session.flush()
    client.get("/jobs")
    with query_counter() as counted:
        assert client.get("/jobs").status_code == 200
    assert counted.count <= 12

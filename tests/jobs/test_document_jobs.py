"""The catalogue and the pilot report are laid out by the worker: the page's button queues a job, the job's
page shows its progress and then the file to whoever started it; failures are retried and listed."""
import sqlalchemy as sa

from forum.exhibitors import documents
from forum.extensions import db
from forum.jobs import services
from forum.jobs.models import DONE, RETRYING, Job
from forum.jobs.tasks import run_job
from tests.support.documents import pdf_text


def _only_job(kind: str) -> Job:
    return db.session.scalars(sa.select(Job).where(Job.kind == kind)).one()


def test_the_directory_button_queues_the_catalogue_and_its_page_links_the_pdf(client, login_as, forum):
    ha = login_as("ha_staff")
    directory = client.get(f"/exhibitors/forums/{forum.slug}/directory").get_data(as_text=True)
    assert f'action="/exhibitors/forums/{forum.slug}/catalogue"' in directory
    started = client.post(f"/exhibitors/forums/{forum.slug}/catalogue")
    job = _only_job("catalogue")
    assert started.location.endswith(f"/jobs/{job.id}")
    assert (job.status, job.started_by_id, job.forum_id, job.done, job.total) == (DONE, ha.id, forum.id, 3, 3)
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert f"/jobs/{job.id}/result" in page and "data-refresh=" not in page
    assert "參展商名錄" in pdf_text(client.get(f"/jobs/{job.id}/result").data)


def test_document_jobs_report_each_step_as_it_ends(client, login_as, forum, monkeypatch):
    """The page's progress moves as the HTML is made and the pages are laid out, not only at the end."""
    reported = []
    progress = services.progress
    monkeypatch.setattr(services, "progress", lambda job_id, worker, done, total=None: (
        reported.append((done, total)), progress(job_id, worker, done, total)))
    login_as("organiser")
    client.post(f"/exhibitors/forums/{forum.slug}/catalogue")
    client.post("/pilots/dashboard/report", data={"lang": "en"})
    assert reported == [(0, 3), (1, 3), (2, 3)] * 2
    assert {(job.done, job.total) for job in db.session.scalars(sa.select(Job))} == {(3, 3)}


def test_a_job_and_its_file_belong_to_whoever_started_it_and_the_organisers(client, login_as, forum):
    login_as("ha_staff")
    client.post(f"/exhibitors/forums/{forum.slug}/catalogue")
    job = _only_job("catalogue")
    login_as("ha_staff")  # someone else
    assert client.get(f"/jobs/{job.id}").status_code == 403
    assert client.get(f"/jobs/{job.id}/result").status_code == 403
    assert client.get("/jobs").status_code == 403
    login_as("organiser")
    assert client.get(f"/jobs/{job.id}/result").status_code == 200
    assert f"{forum.slug}-catalogue.pdf" in client.get(f"/forums/{forum.slug}/jobs").get_data(as_text=True)


def test_a_failed_catalogue_is_retried_shown_to_its_starter_and_listed_for_organisers(
        app, client, login_as, forum, monkeypatch):
    def broken(_forum, progress=None):
        raise OSError("the font cache is unreadable")

    monkeypatch.setattr(documents, "catalogue", broken)
    login_as("ha_staff")
    started = client.post(f"/exhibitors/forums/{forum.slug}/catalogue")
    job = _only_job("catalogue")
    assert (job.status, job.attempts) == (RETRYING, 1) and "font cache" in job.error
    page = client.get(started.location).get_data(as_text=True)
    assert "Failed, will retry" in page and "data-refresh=" in page
    login_as("organiser")
    assert "the font cache is unreadable" in client.get("/jobs").get_data(as_text=True)
    monkeypatch.undo()
    run_job(app.extensions["jobs"], job.id)  # what the queue does when the delay is over
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == DONE


def test_the_pilot_report_is_a_job_for_the_series_too(client, login_as):
    login_as("partnership")
    assert "/pilots/dashboard/report" in client.get("/pilots/dashboard/").get_data(as_text=True)
    started = client.post("/pilots/dashboard/report", data={"lang": "zh"})
    job = _only_job("pilot_report")
    assert job.status == DONE and job.forum_id is None and job.params == {"lang": "zh"}
    assert "pilot-report-series-zh.pdf" in client.get(started.location).get_data(as_text=True)
    assert "試點報告" in pdf_text(client.get(f"/jobs/{job.id}/result").data)
    login_as("ha_staff")
    assert client.post("/pilots/dashboard/report", data={"lang": "en"}).status_code == 403

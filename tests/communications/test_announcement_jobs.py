"""Sending an announcement queues one job: the request answers at once, the job composes and queues each
mail with progress, a retried job mails nobody twice (a unique row per recipient), and delivery counts
(sent, waiting, failed) come from the mail service's word on each mail."""
import pytest
import sqlalchemy as sa

from forum.attendees.models import AttendeeStatus
from forum.communications import announcements
from forum.communications.models import AnnouncementRecipient
from forum.extensions import db
from forum.jobs.models import DONE, QUEUED, Job
from forum.jobs.tasks import deliver_mail, run_job
from tests.factories import AttendeeFactory

WORDS = {"subject_en": "Parking", "subject_zh": "泊車", "body_en": "Dear {name}, level 2.",
         "body_zh": "{name}您好：二樓。"}


@pytest.fixture
def waiting(forum):
    return [AttendeeFactory(forum=forum, status=AttendeeStatus.registered, email=f"p{n}@ha.example")
            for n in range(3)]


def _jobs(app):
    return app.extensions["jobs"]


def _held(announcement):
    """Send, but keep the job from running at the commit: the test runs it by hand."""
    db.session.info.pop("tasks_after_commit", None)
    db.session.commit()
    return db.session.get(Job, announcement.job_id)


def test_sending_queues_one_job_and_composes_nothing_in_the_request(app, forum, organiser, waiting, outbox):
    sent = announcements.send_announcement(organiser, forum, {**WORDS, "group": "registered_not_arrived"})
    job = db.session.get(Job, sent.job_id)
    assert (job.kind, job.status, job.params, job.forum_id) == ("announcement", QUEUED, {"announcement": sent.id},
                                                                forum.id)
    assert [name for name, _args in db.session.info["tasks_after_commit"]] == ["run_job"]  # one job, no mail
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AnnouncementRecipient)) == 0
    assert (sent.recipients, sent.queued) == (3, 0)
    db.session.commit()  # immediate mode: the job runs now, as the worker would
    db.session.expire_all()
    job = db.session.get(Job, sent.job_id)
    assert (job.status, job.done, job.total) == (DONE, 3, 3)
    assert sorted(m["To"] for m in outbox()) == [p.email for p in waiting]
    assert (sent.recipients, sent.queued) == (3, 3)
    assert announcements.delivery_counts([sent])[sent.id] == {"sent": 3, "failed": 0, "pending": 0}


def test_the_group_is_resolved_when_the_job_runs(app, forum, organiser, waiting, outbox):
    sent = announcements.send_announcement(organiser, forum, {**WORDS, "group": "registered_not_arrived"})
    job = _held(sent)
    late = AttendeeFactory(forum=forum, status=AttendeeStatus.registered, email="late@ha.example")
    db.session.commit()
    run_job(_jobs(app), job.id)
    assert late.email in {m["To"] for m in outbox()} and len(outbox()) == 4


def test_a_retried_job_mails_nobody_twice(app, forum, organiser, waiting, outbox):
    sent = announcements.send_announcement(organiser, forum, {**WORDS, "group": "registered_not_arrived"})
    job = _held(sent)

    def killed_after_the_first_batch(done, total):
        db.session.commit()
        if done >= 1:
            raise RuntimeError("worker killed")

    with pytest.raises(RuntimeError):
        announcements.deliver(organiser, forum, sent.id, killed_after_the_first_batch, batch=1)
    assert len(outbox()) == 1  # the first batch was committed, so its mail left
    run_job(_jobs(app), job.id)  # the queue runs the job again
    assert sorted(m["To"] for m in outbox()) == [p.email for p in waiting]  # each once
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == DONE and db.session.get(type(sent), sent.id).queued == 3
    run_job(_jobs(app), job.id)  # a message for a finished job does nothing
    assert len(outbox()) == 3


def test_the_database_refuses_a_second_row_for_the_same_recipient(app, forum, organiser, waiting):
    sent = announcements.send_announcement(organiser, forum, {**WORDS, "group": "registered_not_arrived"})
    _held(sent)
    db.session.add(AnnouncementRecipient(announcement_id=sent.id, address_hash="a" * 64))
    db.session.flush()
    with pytest.raises(sa.exc.IntegrityError):
        with db.session.begin_nested():
            db.session.add(AnnouncementRecipient(announcement_id=sent.id, address_hash="a" * 64))
            db.session.flush()


def test_a_mail_that_cannot_leave_waits_then_counts_as_failed(app, forum, organiser, waiting, outbox, monkeypatch):
    from forum.mail import Mail
    from tests.support.browser import free_port

    sent = announcements.send_announcement(organiser, forum, {**WORDS, "group": "registered_not_arrived"})
    job = _held(sent)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")  # nothing listens there: the server is away
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    run_job(_jobs(app), job.id)
    assert outbox() == [] and announcements.delivery_counts([sent])[sent.id] == {"sent": 0, "failed": 0, "pending": 3}
    row = db.session.scalars(sa.select(AnnouncementRecipient).order_by(AnnouncementRecipient.id)).first()
    with pytest.raises(OSError):  # the last try of one of them (no task: no retry left)
        deliver_mail(_jobs(app), Mail(to="p0@ha.example", subject="x", text="x", receipt=("announcement", row.id)))
    assert announcements.delivery_counts([sent])[sent.id] == {"sent": 0, "failed": 1, "pending": 2}


def test_the_pages_say_queued_show_progress_and_counts(app, client, login_as, forum, waiting, outbox):
    login_as("organiser")
    url = f"/forums/{forum.slug}/announcements/new"
    response = client.post(url, data={**WORDS, "group": "registered_not_arrived", "action": "send"})
    assert response.status_code == 302 and "/announcements/" in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert "The announcement is queued for 3 people" in page
    assert "3 of 3 messages composed and queued" in page and 'id="count-sent">3<' in page
    assert "data-refresh=" not in page  # the job is done
    jobs_page = client.get(f"/forums/{forum.slug}/jobs").get_data(as_text=True)
    assert "Announcement to a group" in jobs_page and response.location.split("localhost")[-1] in jobs_page
    index = client.get(f"/forums/{forum.slug}/mail/").get_data(as_text=True)
    assert response.location.split("localhost")[-1] in index


def test_the_jobs_page_cannot_start_an_announcement_without_one(client, login_as, forum):
    login_as("organiser")
    client.post(f"/forums/{forum.slug}/jobs", data={"kind": "announcement"})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0


def test_the_page_goes_on_updating_while_mail_waits_to_leave(app, client, login_as, forum, waiting, outbox,
                                                              monkeypatch):
    """The job is done once every mail is composed and queued; the delivery counts still change after
    that, so the page keeps updating them until no mail waits to leave."""
    from tests.support.browser import free_port

    organiser = login_as("organiser")
    sent = announcements.send_announcement(organiser, forum, {**WORDS, "group": "registered_not_arrived"})
    job = _held(sent)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")  # nothing listens there: the mail waits
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    run_job(_jobs(app), job.id)
    assert db.session.get(Job, job.id).status == DONE
    page = client.get(f"/forums/{forum.slug}/announcements/{sent.id}").get_data(as_text=True)
    assert 'id="count-pending">3<' in page and 'data-refresh="5"' in page
    db.session.execute(sa.update(AnnouncementRecipient).values(status="sent"))
    page = client.get(f"/forums/{forum.slug}/announcements/{sent.id}").get_data(as_text=True)
    assert 'id="count-sent">3<' in page and "data-refresh=" not in page

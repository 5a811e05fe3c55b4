"""Six months after a pilot is proposed its owners are asked how it went; the answer is kept and counted."""
import re
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from forum.db import HK
from forum.exhibitors.models import company_admin
from forum.extensions import db
from forum.pilots.dashboard import figures
from forum.pilots.models import FollowUp, FollowUpAnswer
from tests.factories import UserFactory


def _old_pilot(make_pilot, team, **data):
    pilot = make_pilot(team, **data)
    pilot.created_at = datetime(2024, 1, 10, 10, tzinfo=HK)
    pilot.company.contact_email = "hello@company.example"
    pilot.company.contact_name = "Ms Contact"
    return pilot


def test_cli_asks_the_owners_once_and_the_link_records_the_answer(app, client, runner, make_pilot, outbox):
    team = UserFactory(role="partnership")
    sponsor = UserFactory(role="ha_staff", email="sponsor@ha.example")
    pilot = _old_pilot(make_pilot, team, sponsor_user_id=sponsor.id)
    admin = UserFactory(role="exhibitor", email="admin@company.example", company_id=pilot.company_id)
    db.session.execute(sa.insert(company_admin).values(company_id=pilot.company_id, user_id=admin.id))
    young = make_pilot(team)  # proposed today: not due
    db.session.commit()

    dry = runner.invoke(args=["pilots", "follow-ups", "--today", "2024-07-09", "--dry-run"])
    assert "0 pilot(s) due" in dry.output  # 181 days: not yet
    result = runner.invoke(args=["pilots", "follow-ups", "--today", "2024-07-10"])
    assert result.exit_code == 0, result.output
    assert f"{pilot.id}\t{pilot.title}\tsponsor@ha.example, hello@company.example, admin@company.example" in result.output
    # Each asked pilot is a line starting with its id (a bare substring check would find "2\t" in "12\t").
    assert not re.search(rf"^{young.id}\t", result.output, re.MULTILINE)
    mails = outbox()
    assert sorted(m["To"] for m in mails) == ["admin@company.example", "hello@company.example", "sponsor@ha.example"]
    body = mails[0].get_body(("plain",)).get_content()
    assert "How did it go?" in body and "試點" in body
    link = re.search(r"(http\S+/pilots/follow-up/\S+)", body).group(1)
    again = runner.invoke(args=["pilots", "follow-ups", "--today", "2024-07-11"])
    assert "0 pilot(s) asked" in again.output and len(outbox()) == 3

    assert link.startswith("http://forum.test/pilots/follow-up/")
    path = link.removeprefix("http://forum.test")
    page = client.get(path)
    assert page.status_code == 200 and pilot.title in page.get_data(as_text=True)
    refused = client.post(path, data={"answer": "maybe"})
    assert refused.status_code == 400 and 'id="answer-error"' in refused.get_data(as_text=True)
    assert client.post(path, data={"answer": "agreement_reached", "note": "Signed in June"}).status_code == 302
    answered = db.session.scalars(sa.select(FollowUp).where(FollowUp.answer.is_not(None))).all()
    assert [(f.answer, f.note) for f in answered] == [(FollowUpAnswer.agreement_reached, "Signed in June")]
    assert figures(team).follow_ups["agreement_reached"] == 1
    assert client.get("/pilots/follow-up/not-a-token").status_code == 404


def test_history_shows_the_follow_up(client, login_as, make_pilot):
    from forum.pilots.followups import answer, send_due

    team = login_as("partnership", name_en="Grace Leung")
    pilot = _old_pilot(make_pilot, team)
    send_due(team, date(2024, 8, 1))
    follow_up = db.session.scalar(sa.select(FollowUp).where(FollowUp.pilot_id == pilot.id))
    answer(follow_up, "in_discussion", "Budget talks")
    text = client.get(f"/pilots/{pilot.id}").get_data(as_text=True)
    assert "asked the pilot&#39;s owners how it went" in text or "asked the pilot's owners how it went" in text
    assert re.search(r"Ms Contact</strong> answered the six-month follow-up: In discussion", text)
    assert date(2024, 8, 1) - timedelta(days=182) >= pilot.created_at.date()


def test_the_worker_sends_the_follow_ups_due_as_a_daily_job(app, make_pilot, outbox):
    from forum.jobs.models import DONE, Job
    from forum.jobs.tasks import follow_ups

    pilot = _old_pilot(make_pilot, UserFactory(role="partnership"))
    db.session.commit()
    follow_ups()  # the periodic task: a follow_ups job, run (here at once) after its commit
    job = db.session.scalar(sa.select(Job).where(Job.kind == "follow_ups"))
    assert (job.status, job.done, job.started_by_id) == (DONE, 1, None), job.error
    assert [m["To"] for m in outbox()] == ["hello@company.example"]
    assert db.session.scalar(sa.select(FollowUp.pilot_id)) == pilot.id

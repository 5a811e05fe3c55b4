"""Six months after a follow-up meeting its participants are asked how it went; answers count on the dashboard."""
import re
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from forum.db import HK
from forum.extensions import db
from forum.matchmaking import meeting_outcomes, meetings
from forum.permissions import SystemActor
from forum.pilots.dashboard import figures
from forum.pilots.followups import send_all_due
from forum.pilots.models import FollowUp, FollowUpAnswer
from tests.factories import AttendeeFactory, UserFactory
from tests.matchmaking.test_meetings import propose


@pytest.fixture
def people(forum, exhibitors):
    company = exhibitors[0].company
    ha = UserFactory(role="ha_staff", email="doctor@ha.example.org.hk", name_en="Dr Ho")
    booth = UserFactory(role="exhibitor", company_id=company.id, email="sales@startup.example")
    AttendeeFactory(forum=forum, user_id=ha.id, email=ha.email, email_key=ha.email)
    db.session.flush()
    return {"ha": ha, "booth": booth, "company": company, "solution": exhibitors[0].solutions[0]}


def _asked(mails):
    """The follow-up mails among the invitations of the set-up."""
    return [m for m in mails if m["Subject"].startswith("How did the meeting go?")]


def _held(forum, people, on: datetime):
    """A confirmed meeting moved back to `on` (proposals must be in the future)."""
    meeting = propose(forum, people)
    meetings.answer(people["booth"], meeting, accept=meeting.options[0].id)
    meeting.starts_at, meeting.ends_at = on, on + timedelta(minutes=45)
    db.session.flush()
    return meeting


def test_participants_are_asked_once_six_months_after_the_meeting(app, runner, forum, people, outbox):
    old = _held(forum, people, datetime(2024, 1, 10, 10, tzinfo=HK))
    no_show = _held(forum, people, datetime(2024, 1, 5, 10, tzinfo=HK))
    no_show.starts_at = datetime(2024, 1, 5, 10, tzinfo=HK)
    meeting_outcomes.record_outcome(people["ha"], no_show, kind="no_show")
    young = _held(forum, people, datetime(2024, 6, 1, 10, tzinfo=HK))
    db.session.commit()

    dry = send_all_due(SystemActor(), date(2024, 7, 10), dry_run=True)
    assert [(m.id, emails) for m, emails in dry["meetings"]] == [
        (old.id, ["doctor@ha.example.org.hk", "sales@startup.example"])]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FollowUp)) == 0
    result = runner.invoke(args=["pilots", "follow-ups", "--today", "2024-07-10"])
    assert result.exit_code == 0, result.output
    assert "1 meeting(s) asked" in result.output and f"meeting {old.id}\t" in result.output
    assert f"meeting {young.id}\t" not in result.output and f"meeting {no_show.id}\t" not in result.output
    rows = db.session.scalars(sa.select(FollowUp).order_by(FollowUp.id)).all()
    assert [(f.meeting_id, f.pilot_id, f.email) for f in rows] == [
        (old.id, None, "doctor@ha.example.org.hk"), (old.id, None, "sales@startup.example")]
    mails = _asked(outbox())
    assert sorted(m["To"] for m in mails) == ["doctor@ha.example.org.hk", "sales@startup.example"]
    body = mails[0].get_body(("plain",)).get_content()
    assert "How did it go?" in body and "/pilots/follow-up/" in body
    again = runner.invoke(args=["pilots", "follow-ups", "--today", "2024-07-11"])
    assert "0 meeting(s) asked" in again.output and len(_asked(outbox())) == 2


def test_a_follow_up_belongs_to_a_pilot_or_a_meeting_never_neither(forum, people):
    meeting = _held(forum, people, datetime(2024, 1, 10, 10, tzinfo=HK))
    with pytest.raises(sa.exc.IntegrityError):  # the check constraint: exactly one of pilot and meeting
        with db.session.begin_nested():
            db.session.add(FollowUp(email="a@b.example", token_hash="x" * 64, due_on=date(2024, 7, 10)))
            db.session.flush()
    db.session.add(FollowUp(meeting_id=meeting.id, email="a@b.example", token_hash="y" * 64, due_on=date(2024, 7, 10)))
    db.session.flush()


def test_the_answer_page_links_to_a_pilot_and_the_dashboard_counts_it(app, client, login_as, forum, people,
                                                                        outbox):
    meeting = _held(forum, people, datetime(2024, 1, 10, 10, tzinfo=HK))
    db.session.commit()
    send_all_due(SystemActor(), date(2024, 7, 10))
    db.session.commit()
    mail = next(m for m in _asked(outbox()) if m["To"] == "doctor@ha.example.org.hk")
    path = re.search(r"http\S+(/pilots/follow-up/\S+)", mail.get_body(("plain",)).get_content()).group(1)
    page = client.get(path).get_data(as_text=True)
    assert f"Meeting with {people['company'].name_en} on 10 Jan 2024" in page and 'id="next-pilot"' not in page
    assert client.post(path, data={"answer": "nothing"}).status_code == 400
    answered = client.post(path, data={"answer": "pilot_proposed", "note": "Ward trial agreed"})
    assert answered.status_code == 302
    page = client.get(path).get_data(as_text=True)
    assert "kept with the meeting" in page and 'id="next-pilot"' in page
    assert f"/meetings/{meeting.id}" in page and "/pilots/new" not in page  # not signed in: the meeting page
    team = login_as("partnership")
    page = client.get(path).get_data(as_text=True)
    assert "/pilots/new?" in page and f"meeting={meeting.id}" in page and "from=meeting" in page
    fig = figures(team, forum)
    assert fig.meeting_follow_ups["pilot_proposed"] == 1 and fig.follow_ups["pilot_proposed"] == 0
    assert figures(team).as_json()["meeting_follow_up_answers"]["pilot_proposed"] == 1
    board = client.get(f"/pilots/dashboard/?forum={forum.slug}").get_data(as_text=True)
    assert "Meeting participants" in board
    record = db.session.scalar(sa.select(FollowUp).where(FollowUp.answer.is_not(None)))
    assert (record.answer, record.note) == (FollowUpAnswer.pilot_proposed, "Ward trial agreed")


def test_a_meeting_follow_up_follows_each_participants_choice(app, forum, people, outbox):
    from forum.db import utcnow
    from forum.jobs import services as jobs

    people["ha"].locale, people["booth"].locale = "zh_Hant_HK", "en"
    _held(forum, people, utcnow() - timedelta(days=200))
    db.session.commit()
    before = len(outbox())
    jobs.start_system("follow_ups")  # the daily job
    db.session.commit()
    mails = {m["To"]: m for m in outbox()[before:]}
    chinese = mails["doctor@ha.example.org.hk"].get_body(("plain",)).get_content()
    english = mails["sales@startup.example"].get_body(("plain",)).get_content()
    assert mails["doctor@ha.example.org.hk"]["Subject"] == "會面之後進展如何？"
    assert "進展如何" in chinese and "How did it go?" not in chinese
    assert mails["sales@startup.example"]["Subject"] == "How did the meeting go?"
    assert "How did it go?" in english and "進展如何" not in english

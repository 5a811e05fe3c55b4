"""Follow-up meetings: proposing, answering, confirmation with .ics, expiry, consent, agenda."""
from datetime import timedelta

import pytest
from icalendar import Calendar

from forum.db import HK, utcnow
from forum.errors import Conflict, PermissionDenied, ValidationError
from forum.extensions import db
from forum.matchmaking import meetings
from forum.matchmaking.models import MeetingStatus
from tests.factories import AttendeeFactory, UserFactory


@pytest.fixture
def people(forum, exhibitors):
    company = exhibitors[0].company
    ha = UserFactory(role="ha_staff", email="doctor@ha.example.org.hk")
    colleague = UserFactory(role="ha_staff", email="nurse@ha.example.org.hk")
    booth = UserFactory(role="exhibitor", company_id=company.id, email="sales@startup.example")
    for user, shared in ((ha, False), (colleague, True)):
        AttendeeFactory(forum=forum, user_id=user.id, email=user.email, email_key=user.email, share_contact=shared)
    db.session.flush()
    return {"ha": ha, "colleague": colleague, "booth": booth, "company": company,
            "solution": exhibitors[0].solutions[0]}


def times(*days):
    base = (utcnow() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    return [(base + timedelta(days=d), base + timedelta(days=d, minutes=45)) for d in days]


def propose(forum, people, actor=None, **kw):
    values = dict(company_id=people["company"].id, ha_user_ids=[], options=times(0, 1),
                  place="Queen Mary Hospital, Block K", solution_id=people["solution"].id, origin="recommendation")
    values.update(kw)
    return meetings.propose(actor or people["ha"], forum, **values)


def test_accepted_by_everyone_invited_is_confirmed_and_mailed_with_an_ics(forum, people, outbox):
    meeting = propose(forum, people)
    assert meeting.status == MeetingStatus.pending and meeting.waiting == 1
    db.session.commit()
    assert outbox() == []
    second = meeting.options[1]
    meetings.answer(people["booth"], meeting, accept=second.id)
    db.session.commit()
    assert meeting.status == MeetingStatus.confirmed and meeting.starts_at == second.starts_at
    mails = {m["To"]: m for m in outbox()}
    assert set(mails) == {"doctor@ha.example.org.hk", "sales@startup.example"}
    ics = next(p for p in mails["sales@startup.example"].iter_attachments() if p.get_filename() == "invite.ics")
    cal = Calendar.from_ical(ics.get_content() if isinstance(ics.get_content(), (str, bytes)) else ics.get_payload())
    assert str(cal["method"]) == "REQUEST"
    [event] = cal.walk("VEVENT")
    assert event["sequence"] == 1 and event.decoded("dtstart") == second.starts_at
    uid = str(event["uid"])
    # An update and a cancellation keep the UID and raise the SEQUENCE.
    meetings.change_place(people["ha"], meeting, video_url="https://meet.example/abc")
    meetings.cancel(people["booth"], meeting)
    db.session.commit()
    events = []
    for m in outbox():
        for part in m.iter_attachments():
            cal = Calendar.from_ical(part.get_content())
            events.append((str(cal["method"]), int(cal.walk("VEVENT")[0]["sequence"]), str(cal.walk("VEVENT")[0]["uid"])))
    assert {e[2] for e in events} == {uid}
    assert sorted({(e[0], e[1]) for e in events}) == [("CANCEL", 3), ("REQUEST", 1), ("REQUEST", 2)]


def test_confirmed_meetings_appear_in_my_agenda_and_the_personal_feed(client, forum, people):
    from forum.matchmaking.meeting_views import agenda_items

    meeting = propose(forum, people)
    assert agenda_items(people["ha"], forum) == []
    meetings.answer(people["booth"], meeting, accept=meeting.options[0].id)
    db.session.flush()
    for user in (people["ha"], people["booth"]):
        [item] = agenda_items(user, forum)
        assert item["starts_at"] == meeting.starts_at.isoformat() and "Meeting" in item["title_en"]
    with client.session_transaction() as session:
        session["_user_id"] = people["booth"].get_id()
    db.session.commit()
    page = client.get(f"/forums/{forum.slug}/my-agenda")
    assert page.status_code == 200 and "Meeting: " in page.get_data(as_text=True)
    local = meeting.starts_at.astimezone(HK)
    # The date as well as the time (Hong Kong time): a follow-up meeting is on a day after the forum.
    assert f"{local.day} {local:%b %Y}, {local:%H:%M}–" in page.get_data(as_text=True)
    people["booth"].locale = "zh_Hant_HK"
    db.session.commit()
    chinese = client.get(f"/forums/{forum.slug}/my-agenda")
    assert f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}–" in chinese.get_data(as_text=True)


def test_bad_requests_have_clear_answers(forum, people):
    with pytest.raises(ValidationError) as error:
        propose(forum, people, actor=people["booth"])  # no HA participant
    assert error.value.field == "ha_user_ids"
    with pytest.raises(ValidationError) as error:
        propose(forum, people, options=[(utcnow() - timedelta(hours=2), utcnow() - timedelta(hours=1))] + times(1))
    assert "past" in error.value.message
    with pytest.raises(ValidationError):
        propose(forum, people, options=times(0))  # one time only
    with pytest.raises(ValidationError):
        propose(forum, people, place="", video_url="")
    with pytest.raises(ValidationError):
        propose(forum, people, ha_user_ids=[people["booth"].id])  # an exhibitor is not HA staff
    lonely = UserFactory(role="exhibitor", company_id=people["company"].id)
    with pytest.raises(ValidationError) as error:
        meetings.propose(lonely, forum, company_id=people["company"].id, ha_user_ids=[], options=times(0, 1),
                         place="Booth", company_user_ids=[lonely.id])
    assert error.value.field == "ha_user_ids"


def test_meeting_with_oneself_is_refused(forum, exhibitors):
    ha = UserFactory(role="ha_staff")
    other_company = exhibitors[1].company  # has nobody to meet
    with pytest.raises(ValidationError) as error:
        meetings.propose(ha, forum, company_id=other_company.id, ha_user_ids=[ha.id], options=times(0, 1), place="x")
    assert error.value.field == "company_id"


def test_an_answer_from_someone_not_invited_and_a_second_answer_are_refused(forum, people):
    meeting = propose(forum, people, ha_user_ids=[people["colleague"].id])
    stranger = UserFactory(role="ha_staff")
    with pytest.raises(PermissionDenied):
        meetings.answer(stranger, meeting, accept=meeting.options[0].id)
    meetings.answer(people["colleague"], meeting, accept=meeting.options[0].id)
    with pytest.raises(Conflict):
        meetings.answer(people["colleague"], meeting, accept=meeting.options[1].id)
    with pytest.raises(ValidationError):
        meetings.answer(people["booth"], meeting, accept=-5)
    assert meeting.status == MeetingStatus.pending and meeting.waiting == 1


def test_another_time_reopens_the_others_and_a_decline_of_every_company_person_declines(forum, people):
    meeting = propose(forum, people, ha_user_ids=[people["colleague"].id])
    meetings.answer(people["colleague"], meeting, accept=meeting.options[0].id)
    later = times(3)[0]
    meetings.answer(people["booth"], meeting, other_time=later)
    db.session.refresh(meeting)
    answers = {p.user_id: p.answer.value for p in meeting.participants}
    assert answers[people["colleague"].id] == "pending" and answers[people["booth"].id] == "accepted"
    assert len(meeting.options) == 3 and meeting.status == MeetingStatus.pending
    new = next(o for o in meeting.options if o.starts_at == later[0])
    meetings.answer(people["colleague"], meeting, accept=new.id)
    assert meeting.status == MeetingStatus.pending  # the proposer was asked again too
    meetings.answer(people["ha"], meeting, accept=new.id)
    assert meeting.status == MeetingStatus.confirmed and meeting.starts_at == later[0]

    other = propose(forum, people)
    meetings.answer(people["booth"], other, decline=True)
    assert other.status == MeetingStatus.declined


def test_pending_requests_expire(app, forum, people, runner):
    meeting = propose(forum, people)
    assert meeting.expires_at <= utcnow() + timedelta(hours=app.config["MEETING_EXPIRY_HOURS"])
    assert meetings.expire_overdue(utcnow()) == 0
    assert meetings.expire_overdue(meeting.expires_at + timedelta(seconds=1)) == 1
    db.session.refresh(meeting)
    assert meeting.status == MeetingStatus.expired
    with pytest.raises(Conflict):
        meetings.answer(people["booth"], meeting, accept=meeting.options[0].id)


def test_exhibitors_see_ha_contact_details_only_with_consent(forum, people):
    meeting = propose(forum, people, ha_user_ids=[people["colleague"].id])
    shown = {p["user_id"]: p for p in meetings.people_shown(people["booth"], meeting)}
    assert shown[people["ha"].id]["email"] is None and not shown[people["ha"].id]["contact_shared"]
    assert shown[people["colleague"].id]["email"] == "nurse@ha.example.org.hk"
    by_ha = {p["user_id"]: p for p in meetings.people_shown(people["ha"], meeting)}
    assert by_ha[people["colleague"].id]["email"] and by_ha[people["booth"].id]["email"] == "sales@startup.example"


def test_expiry_command(runner, forum, people):
    meeting = propose(forum, people)
    meeting.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    result = runner.invoke(args=["matchmaking", "expire-meetings"])
    assert "1 meeting request(s) expired." in result.output
    db.session.refresh(meeting)
    assert meeting.status == MeetingStatus.expired


def test_propose_links_on_recommendation_bookmark_and_exhibitor_pages(client, forum, people, exhibitors):
    from forum.matchmaking.bookmarks import add_bookmark

    add_bookmark(people["ha"], forum, solution_id=people["solution"].id)
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = people["ha"].get_id()
    assert "origin=bookmark" in client.get("/my/bookmarks").get_data(as_text=True)
    page = client.get(f"/exhibitors/forums/{forum.slug}/exhibitors/{people['company'].id}")
    assert "origin=exhibitor" in page.get_data(as_text=True)


def test_the_pilot_funnel_counts_companies_met_in_confirmed_meetings(forum, people):
    from forum.pilots.dashboard import figures

    team = UserFactory(role="partnership")
    steps = lambda: {s["step"]: s["companies"] for s in figures(team, forum).funnel}  # noqa: E731
    meeting = propose(forum, people)
    db.session.flush()
    assert "met" not in steps()  # pending only: no step, never a made-up 0
    meetings.answer(people["booth"], meeting, accept=meeting.options[0].id)
    db.session.flush()
    assert meeting.status == MeetingStatus.confirmed and steps()["met"] == 1

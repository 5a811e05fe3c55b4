"""The forum's wording for meeting invitations, agenda changes and six-month follow-ups; previews on real records."""
from datetime import date, datetime, timedelta

import pytest
from icalendar import Calendar

from forum.agenda import releases, sessions
from forum.communications import previews, templates
from forum.db import HK
from forum.extensions import db
from forum.matchmaking import meetings
from forum.permissions import SystemActor
from forum.pilots.followups import send_all_due
from tests.factories import ApplicationFactory, SolutionFactory, UserFactory


def _texts(key, marker):
    texts = templates.kind(key).defaults()
    return {**texts, "subject_en": f"{marker} " + texts["subject_en"], "body_en": f"{marker}\n" + texts["body_en"]}


@pytest.fixture
def meeting_people(app, forum):
    from forum.exhibitors.models import ApplicationStatus

    with app.test_request_context():
        application = ApplicationFactory(forum=forum, status=ApplicationStatus.approved)
        solution = SolutionFactory(company=application.company)
        application.solutions = [solution]
        ha = UserFactory(role="ha_staff", email="doctor@ha.example.org.hk", name_en="Dr Ho", locale="en")
        booth = UserFactory(role="exhibitor", company_id=application.company_id, email="sales@startup.example")
        from tests.factories import AttendeeFactory

        AttendeeFactory(forum=forum, user_id=ha.id, email=ha.email, email_key=ha.email)
        db.session.flush()
        yield {"ha": ha, "booth": booth, "company": application.company, "solution": solution}


def _meeting(forum, people):
    base = (datetime.now(HK) + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    meeting = meetings.propose(people["ha"], forum, company_id=people["company"].id, ha_user_ids=[],
                               options=[(base, base + timedelta(minutes=45)),
                                        (base + timedelta(days=1), base + timedelta(days=1, minutes=45))],
                               place="Block K",
                               solution_id=people["solution"].id, origin="recommendation")
    meetings.answer(people["booth"], meeting, accept=meeting.options[0].id)
    return meeting


def _ics(message):
    [part] = [p for p in message.iter_attachments() if p.get_filename() == "invite.ics"]
    cal = Calendar.from_ical(part.get_content())
    [event] = cal.walk("VEVENT")
    return str(cal["method"]), int(event["sequence"]), str(event["uid"]), event.decoded("dtstart")


def test_meeting_mails_use_the_forums_wording_and_keep_the_calendar_invitation(forum, organiser, meeting_people,
                                                                               outbox):
    templates.save(organiser, forum, "meeting_invitation", _texts("meeting_invitation", "WORDED"))
    templates.save(organiser, forum, "meeting_cancellation", _texts("meeting_cancellation", "GONE"))
    db.session.commit()
    meeting = _meeting(forum, meeting_people)
    db.session.commit()
    mails = {m["To"]: m for m in outbox()}
    doctor = mails["doctor@ha.example.org.hk"]
    assert doctor["Subject"] == f"WORDED Meeting confirmed: {meeting_people['company'].name_en}"  # chose English
    body = doctor.get_body(("plain",)).get_content()
    assert "Block K" in body and f"/meetings/{meeting.id}" in body and "會面" not in body
    method, sequence, uid, start = _ics(doctor)
    assert (method, sequence, start) == ("REQUEST", 1, meeting.starts_at)
    meetings.change_place(meeting_people["ha"], meeting, place="Block S")
    db.session.commit()
    updated = {m["To"]: m for m in outbox()[2:]}["doctor@ha.example.org.hk"]
    assert updated["Subject"].startswith("WORDED Meeting updated") and _ics(updated)[:3] == ("REQUEST", 2, uid)
    meetings.cancel(meeting_people["booth"], meeting)
    db.session.commit()
    cancelled = {m["To"]: m for m in outbox()[4:]}["doctor@ha.example.org.hk"]
    assert cancelled["Subject"].startswith("GONE Meeting cancelled") and _ics(cancelled)[:3] == ("CANCEL", 3, uid)


def test_without_a_wording_the_meeting_mail_is_the_built_in_one(forum, meeting_people, outbox):
    _meeting(forum, meeting_people)
    db.session.commit()
    [doctor] = [m for m in outbox() if m["To"] == "doctor@ha.example.org.hk"]
    # The built-in mail follows the doctor's choice (English) as a forum's own wording does.
    assert doctor["Subject"] == f"Meeting confirmed: {meeting_people['company'].name_en}"


def test_meeting_preview_is_made_on_the_forums_newest_meeting(app, forum, meeting_people):
    meeting = _meeting(forum, meeting_people)
    db.session.flush()
    with app.test_request_context():
        [(record, label)] = previews.records(forum, "meeting")
        assert record is meeting and meeting_people["company"].name_en in label
        shown = previews.preview(forum, "meeting_invitation", templates.kind("meeting_invitation").defaults(),
                                  record)
        assert shown["subject"] == f"Meeting confirmed: {meeting_people['company'].name_en}"
        assert "Block K" in shown["text"]
        follow = previews.preview(forum, "meeting_follow_up", templates.kind("meeting_follow_up").defaults(), record)
        assert "/pilots/follow-up/preview" in follow["text"] and "Six months ago" in follow["text"]
    assert "六個月前" not in follow["text"]  # the participant previewed on chose English


def test_editor_says_when_the_forum_has_no_record_to_preview_on(client, login_as, forum):
    login_as("organiser")
    for key in ("meeting_invitation", "agenda_changes", "pilot_follow_up"):
        page = client.get(f"/forums/{forum.slug}/mail/{key}").get_data(as_text=True)
        assert 'id="no-record"' in page


def test_agenda_changes_use_the_forums_wording_and_preview_on_the_latest_version(app, forum, organiser, outbox):
    actor = SystemActor()
    stage = sessions.add_room(actor, forum, "Main stage", "主舞台", capacity=200)
    talk = sessions.save_session(actor, forum, {
        "kind": "keynote", "title_en": "Opening", "title_zh": "開幕", "starts_at": forum.starts_at,
        "ends_at": forum.starts_at + timedelta(minutes=30), "room_id": stage.id,
        "speakers": [{"name_en": "Prof Wong", "email": "wong@example.org"}]})
    releases.publish(actor, forum)
    templates.save(organiser, forum, "agenda_changes", _texts("agenda_changes", "WORDED"))
    sessions.save_session(actor, forum, {"starts_at": talk.starts_at + timedelta(minutes=30),
                                         "ends_at": talk.ends_at + timedelta(minutes=30)}, talk)
    releases.publish(actor, forum, acknowledge_warnings=True)
    db.session.commit()
    [message] = outbox()
    assert message["To"] == "wong@example.org" and message["Subject"] == "WORDED Agenda changes, version 2 | 議程更新（第2版）"
    text = message.get_body(("plain",)).get_content()
    assert "- Opening: moved from" in text and "- 開幕：" not in text and "開幕: 由" in text
    with app.test_request_context():
        [(latest, label), _first] = previews.records(forum, "release")
        assert latest.number == 2 and label == "Version 2"
        shown = previews.preview(forum, "agenda_changes", templates.kind("agenda_changes").defaults(), latest)
        assert "Opening: moved from" in shown["text"] and "/agenda" in shown["text"]


def test_pilot_follow_up_uses_the_wording_of_its_forum_and_previews_on_its_pilot(app, forum, organiser, outbox):
    import sqlalchemy as sa

    from forum.pilots.services import create_pilot
    from forum.sites.models import Site

    solution = SolutionFactory()
    solution.company.contact_email = "hello@company.example"
    solution.company.contact_name = "Ms Contact"
    team = UserFactory(role="partnership")
    site = db.session.scalar(sa.select(Site.id).limit(1))
    pilot = create_pilot(team, {"company_id": solution.company_id, "solution_id": solution.id, "sites": [site],
                                "forums": [forum.id], "title": "Bed board"})
    pilot.created_at = datetime(2024, 1, 10, 10, tzinfo=HK)
    templates.save(organiser, forum, "pilot_follow_up", _texts("pilot_follow_up", "WORDED"))
    db.session.commit()
    send_all_due(SystemActor(), date(2024, 7, 10))
    db.session.commit()
    [message] = outbox()
    assert message["Subject"].startswith("WORDED How did it go? Bed board")
    text = message.get_body(("plain",)).get_content()
    assert "Dear Ms Contact" in text and "/pilots/follow-up/" in text and "/pilots/follow-up/preview" not in text
    with app.test_request_context():
        [(record, _label)] = previews.records(forum, "pilot")
        shown = previews.preview(forum, "pilot_follow_up", templates.kind("pilot_follow_up").defaults(), record)
        assert "Bed board" in shown["text"] and "/pilots/follow-up/preview" in shown["text"]


def test_introduction_requests_use_the_forums_wording_and_preview_on_the_latest_request(app, forum, organiser,
                                                                                      meeting_people, outbox):
    from forum.attendees.models import Attendee
    from forum.matchmaking import bookmarks, leads
    import sqlalchemy as sa

    partner = UserFactory(role="partnership", email="partner@hkstp.example", locale="zh_Hant_HK")
    ha = meeting_people["ha"]
    attendee = db.session.scalar(sa.select(Attendee).where(Attendee.user_id == ha.id))
    attendee.title, attendee.organisation = "Ward Manager", "Queen Mary Hospital"
    templates.save(organiser, forum, "connection_request", _texts("connection_request", "WORDED"))
    with app.test_request_context():
        bookmarks.add_bookmark(ha, forum, solution_id=meeting_people["solution"].id)
        leads.request_connection(meeting_people["booth"], forum, attendee.id)
    db.session.commit()
    [message] = outbox()
    company = meeting_people["company"]
    assert message["To"] == partner.email and message["Subject"] == f"引薦要求：{company.name_zh or company.name_en}"
    text = message.get_body(("plain",)).get_content()
    assert "Ward Manager，Queen Mary Hospital" in text and ha.email not in text and "/pairs" in text
    with app.test_request_context():
        [(lead, _label)] = previews.records(forum, "lead")
        shown = previews.preview(forum, "connection_request", templates.kind("connection_request").defaults(), lead)
        assert "asks the partnership team to introduce them to" in shown["text"] and "Ward Manager" in shown["text"]


@pytest.mark.parametrize("key", sorted(templates.KINDS))
def test_every_forum_mail_opens_in_the_editor(client, login_as, forum, key):
    login_as("organiser")
    assert client.get(f"/forums/{forum.slug}/mail/{key}").status_code == 200
    assert client.get(f"/forums/{forum.slug}/mail/password_reset").status_code == 404  # a site mail, not a forum's

"""Announcements reach exactly their group, skip people who unsubscribed, refuse an empty group; forged links fail."""
import re

import pytest

from forum.attendees.models import AttendeeKind, AttendeeStatus
from forum.checkin.models import CheckIn, ScanResult
from forum.communications import announcements, unsubscribe
from forum.communications.models import AnnouncementGroup
from forum.db import utcnow
from forum.errors import NotFound, PermissionDenied, ValidationError
from forum.exhibitors.models import ApplicationStaff, ApplicationStatus
from forum.extensions import db
from tests.factories import ApplicationFactory, AttendeeFactory, CompanyFactory, UserFactory

WORDS = {"subject_en": "Parking at {forum_venue}", "subject_zh": "{forum_venue}泊車安排",
         "body_en": "Dear {name}, park at level 2.", "body_zh": "{name}您好：請於二樓泊車。"}


def _arrive(attendee):
    db.session.add(CheckIn(forum_id=attendee.forum_id, attendee_id=attendee.id, result=ScanResult.ok,
                           first_entry=True, scanned_at=utcnow()))
    db.session.flush()


@pytest.fixture
def people(forum):
    registered = AttendeeFactory(forum=forum, status=AttendeeStatus.registered, email="waiting@ha.example")
    arrived = AttendeeFactory(forum=forum, status=AttendeeStatus.registered, email="here@ha.example")
    _arrive(arrived)
    invited = AttendeeFactory(forum=forum, email="invited@ha.example")
    AttendeeFactory(forum=forum, status=AttendeeStatus.declined, email="declined@ha.example")
    AttendeeFactory(forum=forum, kind=AttendeeKind.speaker, email="speaker@example.org")
    return registered, arrived, invited


def test_registered_but_not_arrived_is_exactly_that_group(forum, organiser, people, outbox):
    registered, _arrived, _invited = people
    assert announcements.count(forum, "registered_not_arrived") == {"recipients": 1, "will_receive": 1}
    sent = announcements.send_announcement(organiser, forum, {**WORDS, "group": "registered_not_arrived"})
    db.session.commit()
    assert (sent.recipients, sent.queued, sent.opted_out) == (1, 1, 0)
    [message] = outbox()
    assert message["To"] == registered.email
    text = message.get_body(("plain",)).get_content()
    assert "park at level 2" in text and "請於二樓泊車" in text and "/unsubscribe/" in text


def test_all_invited_ha_staff_leaves_out_declined_and_non_ha(forum, people):
    emails = {p.email for p in announcements.recipients(forum, "ha_invited")}
    assert emails == {"waiting@ha.example", "here@ha.example", "invited@ha.example"}


def test_approved_exhibitors_and_one_company_staff(forum):
    approved = ApplicationFactory(forum=forum, status=ApplicationStatus.approved)
    pending = ApplicationFactory(forum=forum, status=ApplicationStatus.submitted)
    member = UserFactory(role="exhibitor", company=approved.company, email="boss@company.example")
    UserFactory(role="exhibitor", company=pending.company, email="pending@company.example")
    db.session.add(ApplicationStaff(application_id=approved.id, name_en="Booth Helper", email="helper@company.example"))
    db.session.add(ApplicationStaff(application_id=approved.id, name_en="Same Person", email="BOSS@company.example"))
    db.session.flush()
    assert [p.email for p in announcements.recipients(forum, "approved_exhibitors")] == [member.email]
    staff = announcements.recipients(forum, "company_staff", company_id=approved.company_id)
    assert sorted(p.email for p in staff) == ["boss@company.example", "helper@company.example"]  # one per address
    with pytest.raises(ValidationError):
        announcements.recipients(forum, "company_staff", company_id=CompanyFactory().id)


def test_an_empty_group_says_so_and_sends_nothing(forum, organiser, outbox):
    with pytest.raises(ValidationError) as refused:
        announcements.send_announcement(organiser, forum, {**WORDS, "group": "registered_not_arrived"})
    assert "Nobody" in str(refused.value.message)
    assert announcements.history(forum) == [] and outbox() == []


def test_unknown_placeholders_and_missing_languages_are_refused(forum, organiser, people):
    with pytest.raises(ValidationError):
        announcements.send_announcement(organiser, forum, {**WORDS, "body_en": "{ticket_link}", "group": "ha_invited"})
    with pytest.raises(ValidationError):
        announcements.send_announcement(organiser, forum, {**WORDS, "subject_zh": "", "group": "ha_invited"})


def test_only_organisers_send(forum, people):
    with pytest.raises(PermissionDenied):
        announcements.send_announcement(UserFactory(role="ha_staff"), forum, {**WORDS, "group": "ha_invited"})


def test_unsubscribed_people_are_counted_and_skipped(forum, organiser, people, outbox):
    registered, _arrived, _invited = people
    unsubscribe.opt_out(unsubscribe.token_for("  WAITING@ha.example ", "announcements"))
    assert announcements.count(forum, "ha_invited") == {"recipients": 3, "will_receive": 2}
    sent = announcements.send_announcement(organiser, forum, {**WORDS, "group": "ha_invited"})
    db.session.commit()
    assert (sent.recipients, sent.queued, sent.opted_out) == (3, 2, 1)
    assert registered.email not in {m["To"] for m in outbox()}
    assert sent.group == AnnouncementGroup.ha_invited


def test_the_link_in_the_mail_unsubscribes_and_a_forged_one_is_refused(forum, organiser, people, outbox, client):
    announcements.send_announcement(organiser, forum, {**WORDS, "group": "registered_not_arrived"})
    db.session.commit()
    link = re.search(r"http\S+/unsubscribe/(\S+)", outbox()[0].get_body(("plain",)).get_content())
    token = link.group(1)
    assert client.get(f"/unsubscribe/{token}").status_code == 200
    kind, hashed, tag = token.split(".")
    forged = f"{kind}.{unsubscribe.address_hash('someone@else.example')}.{tag}"
    assert client.get(f"/unsubscribe/{forged}").status_code == 404
    assert client.get(f"/unsubscribe/{kind}.{hashed}.{'0' * 32}").status_code == 404
    with pytest.raises(NotFound):
        unsubscribe.read("announcements.x.y")
    assert "@" not in token  # no address in the link


def test_service_mail_has_no_unsubscribe_link(forum, organiser, outbox):
    from forum.attendees.services import send_invitation

    send_invitation(organiser, AttendeeFactory(forum=forum))
    db.session.commit()
    assert "/unsubscribe/" not in outbox()[0].get_body(("plain",)).get_content()


def test_announcements_carry_one_click_list_unsubscribe_headers_and_service_mail_does_not(forum, organiser,
                                                                                          people, outbox):
    from forum.attendees.services import send_invitation

    announcements.send_announcement(organiser, forum, {**WORDS, "group": "registered_not_arrived"})
    send_invitation(organiser, AttendeeFactory(forum=forum))
    db.session.commit()
    # The invitation leaves with the commit; the announcement's mail when its job has composed it.
    [announcement] = [m for m in outbox() if m["To"] == people[0].email]
    [invitation] = [m for m in outbox() if m["To"] != people[0].email]
    token = unsubscribe.token_for(announcement["To"], "announcements")
    assert announcement["List-Unsubscribe"] == f"<http://forum.test/unsubscribe/{token}>"
    assert announcement["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert invitation["List-Unsubscribe"] is None and invitation["List-Unsubscribe-Post"] is None


def test_the_one_click_post_unsubscribes_without_csrf_and_only_with_a_genuine_token(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # as in production
    token = unsubscribe.token_for("someone@ha.example", "announcements")
    one_click = {"List-Unsubscribe": "One-Click"}
    assert client.post(f"/unsubscribe/{token}", data={"anything": "1"}).status_code == 400  # the page's form
    kind, hashed, tag = token.split(".")
    forged = f"{kind}.{unsubscribe.address_hash('other@ha.example')}.{tag}"
    assert client.post(f"/unsubscribe/{forged}", data=one_click).status_code == 404
    assert unsubscribe.opted_out(["other@ha.example"], "announcements") == set()
    response = client.post(f"/unsubscribe/{token}", data=one_click)
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert client.post(f"/unsubscribe/{token}", data=one_click).status_code == 200  # twice: one row
    assert unsubscribe.opted_out(["someone@ha.example"], "announcements") == {"someone@ha.example"}

"""Pages: the editor's preview, test and reset; announcements counted then sent; unsubscribe; who may open what."""
import re

import pytest

from forum.attendees.models import AttendeeStatus
from forum.communications import templates
from forum.communications.models import Announcement
from forum.extensions import db
from tests.factories import AttendeeFactory

TEXTS = {"subject_en": "Come to {forum_title}", "subject_zh": "請蒞臨{forum_title}",
         "body_en": "Hello {name}: {respond_link}", "body_zh": "{name}您好，誠邀您出席：{respond_link}"}


@pytest.fixture
def person(forum):
    return AttendeeFactory(forum=forum, status=AttendeeStatus.registered, name_en="LEE Ka Yan", name_zh="李嘉欣")


def test_the_hub_links_to_mail_for_organisers_only(client, login_as, forum):
    login_as("organiser")
    assert f"/forums/{forum.slug}/mail/".encode() in client.get(f"/forums/{forum.slug}").data
    login_as("ha_staff")
    assert b"/mail/" not in client.get(f"/forums/{forum.slug}").data


@pytest.mark.parametrize("role,status", [("organiser", 200), ("admin", 200), ("exhibitor", 403), ("ha_staff", 403)])
def test_who_opens_the_editor(client, login_as, forum, role, status):
    login_as(role)
    assert client.get(f"/forums/{forum.slug}/mail/attendee_invitation").status_code == status


def test_preview_shows_the_real_person_and_a_bad_placeholder_in_words(client, login_as, forum, person):
    login_as("organiser")
    url = f"/forums/{forum.slug}/mail/attendee_invitation"
    page = client.post(url, data={**TEXTS, "person": person.id, "action": "preview"})
    assert "李嘉欣您好，誠邀您出席" in page.get_data(as_text=True)
    page = client.post(url, data={**TEXTS, "body_zh": "{name.__class__}", "person": person.id, "action": "preview"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "{name.__class__}" in text and "{respond_link}" in text
    assert 'id="preview"' not in text


def test_send_me_a_test_save_and_reset(client, login_as, forum, person, outbox):
    organiser = login_as("organiser")
    url = f"/forums/{forum.slug}/mail/attendee_invitation"
    client.post(url, data={**TEXTS, "person": person.id, "action": "test"})
    [message] = outbox()
    assert message["To"] == organiser.email and "李嘉欣您好" in message.get_body(("plain",)).get_content()
    assert templates.override(forum, "attendee_invitation") is None  # a test does not save
    assert client.post(url, data={**TEXTS, "person": person.id, "action": "save"}).status_code == 302
    assert templates.override(forum, "attendee_invitation").body_zh == TEXTS["body_zh"]
    assert "誠邀您出席" in client.get(url).get_data(as_text=True)
    client.post(url + "/reset")
    assert templates.override(forum, "attendee_invitation") is None
    assert client.get(f"/forums/{forum.slug}/mail/nothing").status_code == 404


def test_announce_counts_then_sends_and_is_kept(client, login_as, forum, person, outbox):
    login_as("organiser")
    url = f"/forums/{forum.slug}/announcements/new"
    data = {**TEXTS, "body_en": "Hello {name}", "body_zh": "{name}您好", "group": "registered_not_arrived"}
    counted = client.post(url, data={**data, "action": "count"}).get_data(as_text=True)
    assert re.search(r"1 people will receive it", counted) and outbox() == []
    assert client.post(url, data={**data, "action": "send"}).status_code == 302
    assert [m["To"] for m in outbox()] == [person.email]
    index = client.get(f"/forums/{forum.slug}/mail/").get_data(as_text=True)
    assert "Registered but not arrived" in index and db.session.query(Announcement).count() == 1
    empty = client.post(url, data={**data, "group": "approved_exhibitors", "action": "count"}).get_data(as_text=True)
    assert "Nobody is in this group: nothing would be sent." in empty
    empty = client.post(url, data={**data, "group": "approved_exhibitors", "action": "send"}).get_data(as_text=True)
    assert "Nobody is in this group: nothing was sent." in empty
    no_slot = client.post(url, data={**data, "group": "booth_demo", "action": "count"}).get_data(as_text=True)
    assert "Choose the booth demo." in no_slot
    assert len(outbox()) == 1 and db.session.query(Announcement).count() == 1


def test_unsubscribe_page_records_once(client, forum, person):
    from forum.communications import unsubscribe

    token = unsubscribe.token_for(person.email, "announcements")
    assert "Stop receiving" in client.get(f"/unsubscribe/{token}").get_data(as_text=True)
    assert client.post(f"/unsubscribe/{token}").status_code == 302
    assert client.post(f"/unsubscribe/{token}").status_code == 302
    assert "no more" in client.get(f"/unsubscribe/{token}").get_data(as_text=True)
    assert unsubscribe.opted_out([person.email], "announcements") == {person.email}


@pytest.mark.parametrize("role,status", [("admin", 200), ("organiser", 403)])
def test_wallet_settings_are_for_administrators(client, login_as, role, status):
    login_as(role)
    assert client.get("/admin/wallet").status_code == status


def test_editor_and_index_run_a_bounded_number_of_queries(client, login_as, forum, query_counter):
    login_as("organiser")
    AttendeeFactory.create_batch(3, forum=forum)
    with query_counter() as small:
        client.get(f"/forums/{forum.slug}/mail/attendee_invitation")
    AttendeeFactory.create_batch(20, forum=forum)
    with query_counter() as large:
        client.get(f"/forums/{forum.slug}/mail/attendee_invitation")
    assert large.count == small.count


def test_the_decision_mail_previews_on_an_application(client, login_as, forum):
    from forum.exhibitors.models import ApplicationStatus
    from tests.factories import ApplicationFactory

    application = ApplicationFactory(forum=forum, status=ApplicationStatus.waitlisted)
    login_as("organiser")
    url = f"/forums/{forum.slug}/mail/exhibitor_decision"
    assert application.company.name_en in client.get(url).get_data(as_text=True)
    page = client.post(url, data={**TEXTS, "body_en": "{name}: {decision}", "body_zh": "{decision}",
                                  "person": application.id, "action": "preview"}).get_data(as_text=True)
    assert f"{application.company.name_en}: Your application to exhibit" in page and "waiting list" in page

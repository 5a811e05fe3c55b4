"""From the invitation email to a ticket: the personal link, the answer, the ticket mail, cancelling."""
import re

import pytest
import sqlalchemy as sa

from forum.attendees import invitations, registration
from forum.secret_tokens import hash_token
from forum.attendees.models import Attendee, AttendeeStatus
from forum.attendees.tickets import code_for, current_ticket, lookup_for_scan
from forum.extensions import db
from tests.factories import PASSWORD, AttendeeFactory, UserFactory
from tests.support.documents import decode_qr


def _link(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"http://forum\.test(/rsvp/[\w-]+)", body).group(1)


def _invite(organiser, forum, outbox, **fields):
    attendee = AttendeeFactory(forum=forum, **fields)
    invitations.send_invitation(organiser, attendee)
    db.session.commit()
    mails = outbox()
    assert len(mails) == 1
    return attendee, mails[0]


def test_invitation_is_bilingual_with_a_personal_link_stored_hashed(organiser, forum, outbox):
    attendee, message = _invite(organiser, forum, outbox)
    assert message["To"] == attendee.email
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "You are invited to" in body and "誠邀" in body
    token = _link(message).rsplit("/", 1)[1]
    assert attendee.invitation_token_hash == hash_token(token)
    assert token not in (attendee.invitation_token_hash or "")
    assert attendee.invited_at is not None


def test_register_with_themes_and_consent_issues_and_mails_a_ticket(client, organiser, forum, outbox):
    attendee, message = _invite(organiser, forum, outbox)
    link = _link(message)
    page = client.get(link)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Personal Data (Privacy) Ordinance" in html and "exhibitors whose solutions I bookmark" in html
    assert 'name="share_contact"' in html and 'name="share_contact" type="checkbox" value="y">' in html  # unticked
    response = client.post(link, data={"answer": "register", "themes": ["data_ai", "infection_control", "bogus"],
                                       "dietary_needs": "Vegetarian", "access_needs": ""})
    assert response.status_code == 302 and response.headers["Location"].endswith(link + "/ticket")
    db.session.refresh(attendee)
    assert attendee.status == AttendeeStatus.registered
    assert attendee.themes == ["data_ai", "infection_control"] and attendee.dietary_needs == "Vegetarian"
    assert attendee.share_contact is False  # default is no
    ticket = current_ticket(attendee)
    code = code_for(ticket)
    # The ticket mail: QR as PNG, an .ics for the forum, a link to the ticket page.
    ticket_mail = outbox()[-1]
    assert "Your ticket" in ticket_mail["Subject"]
    parts = {p.get_filename(): p for p in ticket_mail.iter_attachments()}
    assert decode_qr(parts["ticket-qr.png"].get_content()) == [code]
    html = ticket_mail.get_body(preferencelist=("html",)).get_content()
    assert html.count("data:image/png;base64,") == 1
    ics = parts["forum.ics"].get_content()
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert "BEGIN:VEVENT" in ics and "DTSTART" in ics and forum.title_en[:20] in ics.replace("\r\n ", "")
    from icalendar import Calendar

    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    assert event.decoded("dtstart") == forum.starts_at
    # The ticket page shows the QR for the door.
    ticket_page = client.get(link + "/ticket").get_data(as_text=True)
    assert code in ticket_page and "<svg" in ticket_page


def test_registering_twice_keeps_the_same_ticket(client, organiser, forum, outbox):
    attendee, message = _invite(organiser, forum, outbox)
    link = _link(message)
    client.post(link, data={"answer": "register", "themes": ["data_ai"]})
    first = code_for(current_ticket(attendee))
    client.post(link, data={"answer": "register", "themes": ["resilience"], "share_contact": "y"})
    db.session.refresh(attendee)
    assert attendee.themes == ["resilience"] and attendee.share_contact is True
    assert code_for(current_ticket(attendee)) == first


def test_decline_then_change_mind(client, organiser, forum, outbox):
    attendee, message = _invite(organiser, forum, outbox)
    link = _link(message)
    assert client.post(link, data={"answer": "decline"}).status_code == 302
    db.session.refresh(attendee)
    assert attendee.status == AttendeeStatus.declined and current_ticket(attendee) is None
    client.post(link, data={"answer": "register", "themes": ["data_ai"]})
    db.session.refresh(attendee)
    assert attendee.status == AttendeeStatus.registered


def test_cancel_later_revokes_the_ticket(client, organiser, forum, outbox):
    attendee, message = _invite(organiser, forum, outbox)
    link = _link(message)
    client.post(link, data={"answer": "register"})
    code = code_for(current_ticket(attendee))
    assert client.post(link, data={"answer": "cancel"}).status_code == 302
    db.session.refresh(attendee)
    assert attendee.status == AttendeeStatus.cancelled
    assert lookup_for_scan(code, forum.id)[0] == "revoked"
    assert "no valid ticket" in client.get(link + "/ticket").get_data(as_text=True)


def test_a_new_invitation_replaces_the_old_link(client, organiser, forum, outbox):
    attendee, message = _invite(organiser, forum, outbox)
    old = _link(message)
    invitations.send_invitation(organiser, attendee)
    db.session.commit()
    assert client.get(old).status_code == 404
    assert client.get(_link(outbox()[-1])).status_code == 200


@pytest.mark.parametrize("token", ["x", "A" * 32, "../../etc", "x" * 500])
def test_unknown_links_are_404(client, token):
    assert client.get(f"/rsvp/{token}").status_code == 404
    assert client.post(f"/rsvp/{token}", data={"answer": "register"}).status_code == 404


def test_full_forum_refuses_new_registrations(client, organiser, forum, outbox):
    forum.attendee_capacity = 1
    AttendeeFactory(forum=forum, status=AttendeeStatus.registered)
    attendee, message = _invite(organiser, forum, outbox)
    html = client.post(_link(message), data={"answer": "register"}).get_data(as_text=True)
    assert "The forum is full" in html
    db.session.refresh(attendee)
    assert attendee.status == AttendeeStatus.invited


def test_signed_in_staff_find_their_invitation_and_ticket(client, forum, outbox):
    user = UserFactory(role="ha_staff", email="raymond.chan@ha.example.org.hk")
    attendee = AttendeeFactory(forum=forum, email=user.email)
    # Signing in links the invitation addressed to the account's confirmed email.
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    response = client.get(f"/my-ticket?forum={forum.slug}")
    assert response.status_code == 302 and "/my-invitation" in response.headers["Location"]
    response = client.post(f"/my-invitation?forum={forum.slug}", data={"answer": "register", "themes": ["data_ai"]})
    assert response.status_code == 302
    db.session.refresh(attendee)
    assert attendee.user_id == user.id and attendee.status == AttendeeStatus.registered
    html = client.get(f"/my-ticket?forum={forum.slug}").get_data(as_text=True)
    assert code_for(current_ticket(attendee)) in html


def test_my_ticket_for_someone_not_invited_is_404(client, login_as, forum):
    login_as("ha_staff")
    assert client.get(f"/my-ticket?forum={forum.slug}").status_code == 404


def test_walk_in_is_registered_with_a_ticket(client, login_as, forum, outbox):
    login_as("organiser")
    response = client.post(f"/forums/{forum.slug}/attendees/new",
                           data={"name_en": "Walk In", "name_zh": "即場", "email": "walk.in@ha.example.org.hk",
                                 "kind": "ha", "site_id": "", "walk_in": "y"})
    assert response.status_code == 302
    attendee = db.session.scalar(sa.select(Attendee).where(Attendee.email_key == "walk.in@ha.example.org.hk"))
    assert attendee.status == AttendeeStatus.registered and current_ticket(attendee) is not None
    assert "Your ticket" in outbox()[-1]["Subject"]


def test_organiser_adds_one_person_and_duplicates_are_refused(client, login_as, forum, outbox):
    login_as("organiser")
    data = {"name_en": "One By One", "email": "one@ha.example.org.hk", "kind": "speaker", "site_id": "", "invite": "y"}
    assert client.post(f"/forums/{forum.slug}/attendees/new", data=data).status_code == 302
    attendee = db.session.scalar(sa.select(Attendee).where(Attendee.email_key == "one@ha.example.org.hk"))
    assert attendee.status == AttendeeStatus.invited and attendee.invited_at is not None
    assert "Invitation" in outbox()[-1]["Subject"]
    html = client.post(f"/forums/{forum.slug}/attendees/new",
                       data={**data, "email": " ONE@ha.example.org.hk "}).get_data(as_text=True)
    assert "already on the forum" in html


def test_send_pending_invitations_from_the_cli(app, forum, outbox):
    AttendeeFactory(forum=forum)
    AttendeeFactory(forum=forum)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["attendees", "invite", forum.slug])
    assert result.exit_code == 0 and "sent 2 invitation(s)" in result.output
    assert len(outbox()) == 2
    result = app.test_cli_runner().invoke(args=["attendees", "invite", forum.slug])
    assert "sent 0 invitation(s)" in result.output


def test_a_linked_invitation_answered_by_someone_else(client, login_as, forum, outbox):
    from forum.errors import PermissionDenied

    owner = UserFactory(role="ha_staff")
    attendee = AttendeeFactory(forum=forum, user_id=owner.id)
    with pytest.raises(PermissionDenied):
        registration.register(attendee, {}, actor=UserFactory(role="ha_staff"))
    registration.answer_for(UserFactory(role="organiser"), attendee, "register")
    assert attendee.status == AttendeeStatus.registered and attendee.user_id == owner.id

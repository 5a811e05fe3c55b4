"""Sign-up proves the address before anything personal opens (issue: account takeover through sign-up)."""
import re

import sqlalchemy as sa

from forum.accounts.models import Invitation, User
from forum.attendees.models import Attendee, AttendeeKind, AttendeeStatus
from forum.attendees.account_links import link_account, own_attendee
from forum.extensions import db
from tests.factories import PASSWORD, ForumFactory, UserFactory

SIGNUP = {"name_en": "Stranger Limited", "name_zh": "陌生人有限公司", "sector": "ai_robotics",
          "contact_name": "A Stranger", "password": "a long password"}


def _links(message) -> list[str]:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.findall(r"https?://\S+", body)


def _ha_invitee(forum, email="chief.exec@ha.example"):
    attendee = Attendee(forum_id=forum.id, email=email, email_key=email, kind=AttendeeKind.ha,
                        status=AttendeeStatus.invited, name_en="Chief Executive", access_needs="wheelchair",
                        themes=[])
    db.session.add(attendee)
    db.session.flush()
    return attendee


def test_sign_up_does_not_sign_in_and_mails_a_single_use_link(client, outbox):
    response = client.post("/exhibitors/signup", data={**SIGNUP, "contact_email": "new@stranger.example"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    # Not signed in, and the account cannot sign in before the address is confirmed.
    assert client.get("/exhibitors/company").status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "new@stranger.example"))
    assert user.email_verified is False
    client.post("/login", data={"email": "new@stranger.example", "password": "a long password"})
    assert client.get("/exhibitors/company").status_code == 302
    [first, again] = outbox()  # the sign-up mail, and a fresh link from the refused sign-in
    link = _links(again)[0]
    assert link.startswith("http://forum.test/")  # BASE_URL, not the request's host
    path = link.removeprefix("http://forum.test")
    assert client.get(path).status_code == 302
    assert client.get("/exhibitors/company").status_code == 200
    db.session.refresh(user)
    assert user.email_verified is True
    # Single use: the link does not sign anybody in a second time.
    client.post("/logout")
    client.get(path)
    assert client.get("/exhibitors/company").status_code == 302


def test_a_tampered_or_expired_verification_link_is_refused(app, client):
    from forum.accounts import services

    user = UserFactory(email="late@stranger.example", role="exhibitor", email_verified=False)
    token = services.email_verification_token(user)
    assert client.get(f"/verify/{token}x").status_code == 302
    db.session.refresh(user)
    assert user.email_verified is False
    app.config["EMAIL_VERIFY_MAX_AGE"] = -1
    try:
        client.get(f"/verify/{token}")
    finally:
        app.config["EMAIL_VERIFY_MAX_AGE"] = 48 * 3600
    db.session.refresh(user)
    assert user.email_verified is False


def test_unverified_accounts_can_do_nothing_personal():
    from forum.permissions import can

    user = UserFactory(role="exhibitor", email_verified=False)
    assert not can(user, "home.view") and not can(user, "account.edit_own")


def test_sign_up_with_an_ha_address_never_opens_that_persons_invitation(client, outbox):
    forum = ForumFactory()
    invitee = _ha_invitee(forum)
    client.post("/exhibitors/signup", data={**SIGNUP, "contact_email": "Chief.Exec@HA.example"})
    user = db.session.scalar(sa.select(User).where(User.email == "chief.exec@ha.example"))
    # Unverified: no link to the attendee record.
    assert link_account(user) == 0 and own_attendee(user, forum) is None
    # Even verified, an exhibitor account never takes over an HA attendee record.
    user.email_verified = True
    db.session.flush()
    assert link_account(user) == 0 and own_attendee(user, forum) is None
    db.session.refresh(invitee)
    assert invitee.user_id is None


def test_a_verified_ha_account_is_linked_to_its_invitation_at_sign_in(client):
    forum = ForumFactory()
    invitee = _ha_invitee(forum, "doctor@ha.example")
    user = UserFactory(email="doctor@ha.example", role="ha_staff")
    assert own_attendee(user, forum) is None  # reading never links
    client.post("/login", data={"email": "Doctor@HA.example", "password": PASSWORD})
    db.session.refresh(invitee)
    assert own_attendee(user, forum) == invitee and invitee.user_id == user.id


def test_a_record_added_for_a_confirmed_account_is_linked_at_once(client, login_as):
    from forum.attendees import people

    user = UserFactory(email="nurse@ha.example", role="ha_staff")
    organiser = UserFactory(role="organiser")
    forum = ForumFactory()
    attendee = people.add_attendee(organiser, forum, {"email": "nurse@ha.example", "name_en": "A Nurse"})
    assert attendee.user_id == user.id


def test_my_ticket_writes_nothing(client, login_as):
    forum = ForumFactory()
    invitee = _ha_invitee(forum, "reader@ha.example")
    login_as("ha_staff", email="reader@ha.example")
    # Not linked (the account never signed in through the form): the page says so and links nothing.
    assert client.get(f"/my-ticket?forum={forum.slug}").status_code == 404
    db.session.refresh(invitee)
    assert invitee.user_id is None


def test_sign_up_cannot_claim_a_pending_invitation_and_does_not_say_so(client, outbox):
    organiser = UserFactory(role="organiser")
    db.session.add(Invitation(email="invited@ha.example", role="ha_staff", token_hash="h" * 64,
                              invited_by_id=organiser.id))
    UserFactory(email="existing@ha.example")
    db.session.flush()
    answers = []
    for email in ("invited@ha.example", "existing@ha.example", "brand.new@stranger.example"):
        response = client.post("/exhibitors/signup", data={**SIGNUP, "name_en": f"Co {email}", "name_zh": "",
                                                           "contact_email": email}, follow_redirects=True)
        # CSRF tokens carry the second they were made; everything else must be identical.
        page = re.sub(r'name="csrf[-_]token" (content|value)="[^"]*"', "", response.get_data(as_text=True))
        answers.append((response.status_code, page.replace(email, "EMAIL")))
    import difflib
    for other in answers[1:]:
        assert answers[0] == other, "\n".join(difflib.unified_diff(
            answers[0][1].splitlines(), other[1].splitlines(), lineterm="", n=0))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
        User.email == "invited@ha.example")) == 0
    assert db.session.scalar(sa.select(User.role).where(User.email == "existing@ha.example")) == "ha_staff"
    # The owners of the taken addresses hear about it by mail; nobody else learns anything.
    assert sorted(m["To"] for m in outbox()) == ["brand.new@stranger.example", "existing@ha.example",
                                                 "invited@ha.example"]


def test_sign_up_is_rate_limited(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_SIGNUP", "2 per year")
    codes = [client.post("/exhibitors/signup", data={**SIGNUP, "name_en": f"Co {n}", "name_zh": "",
                                                     "contact_email": f"n{n}@stranger.example"}).status_code
             for n in range(3)]
    assert codes == [302, 302, 429]


def test_an_unconfirmed_sign_up_does_not_block_the_real_owners_invitation(client, outbox):
    from forum.accounts import services

    client.post("/exhibitors/signup", data={**SIGNUP, "contact_email": "squatted@ha.example"})
    squatter = db.session.scalar(sa.select(User).where(User.email == "squatted@ha.example"))
    invitation = services.invite(UserFactory(role="organiser"), "squatted@ha.example", "ha_staff")
    token = invitation.link.rsplit("/", 1)[1]
    user = services.accept_invitation(token, password="the owner's password", name_en="Real Owner", name_zh="")
    db.session.flush()
    assert user.id != squatter.id and user.role == "ha_staff" and user.email_verified
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
        User.email == "squatted@ha.example")) == 1


def test_a_password_reset_proves_the_address():
    from forum.accounts import services

    user = UserFactory(email="forgot@stranger.example", role="exhibitor", email_verified=False)
    token = services._serializer("password-reset").dumps({"u": user.id, "v": user.session_version})
    services.reset_password(token, "a brand new password")
    assert user.email_verified is True

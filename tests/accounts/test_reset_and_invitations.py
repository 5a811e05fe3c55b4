import re

import pytest

from forum.accounts import services
from forum.accounts.models import User
from forum.errors import Conflict, PermissionDenied, ValidationError
from forum.extensions import db
from tests.factories import CompanyFactory, UserFactory


def _link(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://[^/\s]+(/\S+)", body).group(1)


def test_password_reset_mails_a_single_use_link(client, outbox):
    user = UserFactory(email="reset@ha.example")
    client.post("/password/forgot", data={"email": "reset@ha.example"})
    [message] = outbox()
    assert message["To"] == "reset@ha.example"
    assert "Reset your password" in message["Subject"] and "重設密碼" in message["Subject"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Someone asked to reset" in body and "有人要求重設" in body
    link = _link(message)
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": "fresh password 1", "confirm": "fresh password 1"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.check_password("fresh password 1")
    # Used once: the same link no longer works.
    assert client.get(link).headers["Location"].endswith("/password/forgot")


def test_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, outbox):
    response = client.post("/password/forgot", data={"email": "nobody@ha.example"}, follow_redirects=True)
    assert "If an account exists" in response.get_data(as_text=True)
    assert outbox() == []


def test_a_tampered_reset_link_is_refused(client):
    response = client.get("/password/reset/not-a-real-token")
    assert response.status_code == 302


def test_expired_reset_link_is_refused(app):
    user = UserFactory()
    token = services._serializer("password-reset").dumps({"u": user.id, "v": user.session_version})
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    try:
        with pytest.raises(ValidationError, match="expired"):
            services.user_for_reset_token(token)
    finally:
        app.config["PASSWORD_RESET_MAX_AGE"] = 7200


def test_no_mail_leaves_when_the_change_is_rolled_back(outbox):
    UserFactory(email="rollback@ha.example")
    services.request_password_reset("rollback@ha.example")
    db.session.rollback()
    assert outbox() == []


def test_invitation_lets_a_person_join_with_role_and_company(client, login_as, outbox):
    organiser = login_as("organiser")
    company = CompanyFactory(name_en="CareFlow Robotics Limited")
    response = client.post("/invitations/new", data={
        "email": "joyce@careflow.example", "role": "exhibitor", "name_en": "Joyce Wong", "name_zh": "黃卓儀",
        "company_id": str(company.id)})
    assert response.status_code == 200
    [message] = outbox()
    link = _link(message)
    client.post("/logout")
    assert "Joyce Wong" in client.get(link).get_data(as_text=True)
    response = client.post(link, data={"name_en": "Joyce Wong", "name_zh": "黃卓儀",
                                       "password": "joyce password", "confirm": "joyce password"})
    assert response.status_code == 302
    joined = db.session.query(User).filter_by(email="joyce@careflow.example").one()
    assert (joined.role, joined.company_id, joined.name_zh) == ("exhibitor", company.id, "黃卓儀")
    assert "Exhibitor home" in client.get("/").get_data(as_text=True)
    # The link is spent.
    client.post("/logout")
    assert client.get(link).status_code == 302
    assert organiser.id != joined.id


def test_invitation_form_keeps_input_and_explains_missing_company(client, login_as):
    login_as("organiser")
    text = client.post("/invitations/new", data={"email": "someone@park.example", "role": "exhibitor",
                                                 "name_zh": "陳小明"}).get_data(as_text=True)
    assert "Choose the company this person joins." in text
    assert 'value="someone@park.example"' in text and 'value="陳小明"' in text


def test_organisers_cannot_invite_administrators():
    organiser = UserFactory(role="organiser")
    with pytest.raises(ValidationError):
        services.invite(organiser, "boss@hkstp.example", "admin")


def test_only_organisers_and_admins_invite():
    with pytest.raises(PermissionDenied):
        services.invite(UserFactory(role="ha_staff"), "x@ha.example", "ha_staff")


def test_duplicate_accounts_are_caught_across_case_and_full_width():
    UserFactory(email="dup@ha.example")
    with pytest.raises(Conflict):
        services.create_user("ＤＵＰ@ha.example", "ha_staff", password="long enough pw")

import pytest

from forum.accounts.models import ApiToken
from forum.config import Config
from forum.secret_tokens import hash_token
from forum.extensions import db
from tests.factories import PASSWORD, UserFactory


def test_sign_in_with_the_right_password_goes_home(client):
    user = UserFactory(role="organiser", email="winnie@hkstp.example")
    response = client.post("/login", data={"email": "Winnie@HKSTP.example ", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Organiser home" in client.get("/").get_data(as_text=True)
    assert user.last_login_at is not None


def test_wrong_password_keeps_the_email_and_says_why(client):
    UserFactory(email="raymond@ha.example")
    response = client.post("/login", data={"email": "raymond@ha.example", "password": "nope nope nope"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Wrong email or password." in text
    assert 'value="raymond@ha.example"' in text


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(client):
    text = client.post("/login", data={"email": "nobody@ha.example", "password": "whatever123"}).get_data(as_text=True)
    assert "Wrong email or password." in text


def test_passwords_are_stored_with_a_salted_kdf(app, monkeypatch, tmp_path):
    # scrypt wherever people use the app; only the tests' own accounts take a cheap PBKDF2
    assert app.config["PASSWORD_HASH_METHOD"] == "pbkdf2:sha256:1000"
    for env in ({"FORUM_ENV": "development"}, {"FORUM_ENV": "production", "SECRET_KEY": "s" * 32,
                                                "REDIS_URL": "redis://127.0.0.1:6379/0"}):
        assert Config(str(tmp_path), env).PASSWORD_HASH_METHOD == "scrypt"
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", "scrypt")
    user = UserFactory()
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash
    assert UserFactory(password=PASSWORD).password_hash != user.password_hash  # salted
    assert user.check_password(PASSWORD) and not user.check_password(PASSWORD + "x")


@pytest.mark.parametrize("target,expected", [
    ("/forums/", "/forums/"),
    ("https://evil.example/", "/"),
    ("//evil.example/x", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_next_only_follows_same_site_paths(client, target, expected):
    UserFactory(email="next@ha.example", role="organiser")
    response = client.post("/login", data={"email": "next@ha.example", "password": PASSWORD, "next": target})
    assert response.headers["Location"] == expected


def test_pages_send_anonymous_visitors_to_sign_in_and_back(client):
    response = client.get("/forums/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/forums/"


def test_sign_out_needs_post_and_ends_the_session(client, login_as):
    login_as("organiser")
    assert client.get("/logout").status_code == 405
    client.post("/logout")
    assert client.get("/forums/").status_code == 302


def test_a_deactivated_account_cannot_sign_in(client):
    UserFactory(email="gone@ha.example", active=False)
    text = client.post("/login", data={"email": "gone@ha.example", "password": PASSWORD}).get_data(as_text=True)
    assert "Wrong email or password." in text


def test_sign_in_is_rate_limited(app, client):
    app.config["RATELIMIT_LOGIN"] = "3 per year"
    try:
        codes = [client.post("/login", data={"email": "x@ha.example", "password": "wrong wrong"}).status_code
                 for _ in range(5)]
    finally:
        app.config["RATELIMIT_LOGIN"] = "1000 per minute"
    assert codes[:3] == [200, 200, 200]
    assert codes[3:] == [429, 429]


def test_changing_the_password_signs_out_other_sessions(client, app):
    user = UserFactory(email="two@ha.example")
    other = app.test_client()
    for c in (client, other):
        c.post("/login", data={"email": "two@ha.example", "password": PASSWORD})
    response = client.post("/account/password", data={
        "pw-current_password": PASSWORD, "pw-password": "a brand new secret", "pw-confirm": "a brand new secret"})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200  # this browser stays signed in
    assert other.get("/account").status_code == 302  # the other one is signed out
    assert user.check_password("a brand new secret")


def test_wrong_current_password_is_refused_next_to_the_field(client, login_as):
    login_as("ha_staff")
    response = client.post("/account/password", data={
        "pw-current_password": "not it at all", "pw-password": "a brand new secret", "pw-confirm": "a brand new secret"})
    assert response.status_code == 400
    assert "The current password is not right." in response.get_data(as_text=True)


def test_personal_token_is_shown_once_and_stored_hashed(client, login_as):
    user = login_as("scanner")
    response = client.post("/account/tokens", data={"label": "door tablet 1"})
    text = response.get_data(as_text=True)
    token = text.split('id="new-token">')[1].split("<")[0]
    assert token.startswith("hkf_")
    row = db.session.query(ApiToken).filter_by(user_id=user.id).one()
    assert row.token_hash == hash_token(token) and token not in (row.token_hash, row.prefix)
    assert token not in client.get("/account").get_data(as_text=True)


def test_a_token_signs_in_a_persistent_user_whose_other_columns_load_on_first_read_and_nothing_to_write(app):
    from forum.accounts.models import User
    from forum.accounts.tokens import SIGNED_IN_USER_FIELDS, issue_token, user_for_token

    user = UserFactory(role="scanner", name_zh="陳大文", company=None)
    token = issue_token(user, "door")
    db.session.flush()
    expected = {attr.key: getattr(user, attr.key) for attr in db.inspect(User).column_attrs}
    db.session.expunge_all()  # the sign-in must build the User from its own row

    signed_in = user_for_token(token)
    state = db.inspect(signed_in)
    assert signed_in is not user and state.persistent and not state.modified
    # What permissions need is loaded; the rest (password hash, names, address) is expired, not missing.
    assert not state.unloaded & set(SIGNED_IN_USER_FIELDS)
    assert state.unloaded & set(expected) == state.expired_attributes & set(expected) == (
        set(expected) - set(SIGNED_IN_USER_FIELDS))
    assert {key: getattr(signed_in, key) for key in expected} == expected
    assert signed_in.company is None  # relationships still load
    assert user_for_token(token) is signed_in  # the session's one User for that row
    assert not db.session.dirty and not db.session.new

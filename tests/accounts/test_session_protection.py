"""Session protection (Flask-Login's "basic") is checked for requests that carry a session, and only for them."""
from __future__ import annotations

import pytest

from forum.extensions import db, login_manager
from tests.factories import ForumFactory


@pytest.fixture
def identifiers(monkeypatch):
    """Each time Flask-Login works out a request's identifier (a hash of its address and browser)."""
    made = []
    real = login_manager._session_identifier_generator

    def counted():
        made.append(1)
        return real()

    monkeypatch.setattr(login_manager, "_session_identifier_generator", counted)
    return made


def test_a_scanner_s_bearer_request_is_not_hashed_for_session_protection(app, api_token, identifiers):
    forum = ForumFactory()
    _, token = api_token("organiser")
    db.session.flush()
    answer = app.test_client().get(f"/api/v1/forums/{forum.slug}/checkins/stats",
                                   headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert identifiers == []


def test_a_visitor_not_signed_in_is_not_hashed_for_session_protection(client, identifiers):
    from flask_login import user_accessed

    asked = []

    def note(_app, **_fields):
        asked.append(1)

    user_accessed.connect(note)
    try:
        assert client.get("/login").status_code == 200
    finally:
        user_accessed.disconnect(note)
    assert asked  # the page asked who is signed in
    assert identifiers == []


def test_a_signed_in_browser_s_session_is_still_checked(client, login_as, identifiers):
    login_as("organiser")
    assert client.get("/").status_code == 200
    assert identifiers
    with client.session_transaction() as session:
        # The fixture's session carries no identifier: "basic" protection takes its freshness away.
        assert session["_fresh"] is False


def test_a_script_s_request_signs_in_without_reading_cookies_and_sends_flask_login_s_signals(app, api_token):
    from flask import request
    from flask_login import current_user, user_accessed, user_loaded_from_request

    user, token = api_token("scanner")
    db.session.flush()
    sent = []

    def note(signal):
        return lambda _app, **fields: sent.append((signal, fields.get("user")))

    on_access, on_load = note("accessed"), note("loaded")
    user_accessed.connect(on_access)
    user_loaded_from_request.connect(on_load)
    try:
        with app.test_request_context("/api/v1/forums", headers={"Authorization": f"Bearer {token}"}):
            assert current_user.id == user.id
            assert "cookies" not in request.__dict__  # Flask-Login parses them on its long way round
    finally:
        user_accessed.disconnect(on_access)
        user_loaded_from_request.disconnect(on_load)
    assert sent == [("accessed", None), ("loaded", user)]


def test_a_request_with_a_cookie_and_a_token_still_goes_flask_login_s_way(client, login_as, api_token):
    # Flask-Login reads the browser's session first: the account seen is the signed-in one's.
    login_as("organiser", email="browser@hkstp.example")
    _, token = api_token("scanner", email="scanner@hkstp.example")
    db.session.flush()
    answer = client.get("/account/my-data.json", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert answer.json["account"]["email"] == "browser@hkstp.example"

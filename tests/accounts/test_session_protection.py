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


def test_a_signed_in_browser_s_session_is_still_checked(client, login_as, identifiers):
    login_as("organiser")
    assert client.get("/").status_code == 200
    assert identifiers
    with client.session_transaction() as session:
        # The fixture's session carries no identifier: "basic" protection takes its freshness away.
        assert session["_fresh"] is False

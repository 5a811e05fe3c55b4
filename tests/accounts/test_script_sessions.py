"""Requests signed in by a Bearer token and carrying no cookie (scanners, scripts) get no session cookie back."""
from forum.extensions import db
from tests.factories import ForumFactory


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_a_script_gets_no_cookie_and_no_vary_cookie(client, api_token):
    forum = ForumFactory()
    _, token = api_token("organiser")
    db.session.flush()
    answer = client.get(f"/api/v1/forums/{forum.slug}/checkins/stats", headers=bearer(token))
    assert answer.status_code == 200
    assert "Set-Cookie" not in answer.headers
    assert "Cookie" not in answer.headers.get("Vary", "")


def test_a_script_whose_request_writes_the_session_still_gets_it(client, api_token):
    # With no forum open, the door's start page flashes a message (kept in the session) and redirects.
    _, token = api_token("scanner")
    db.session.flush()
    answer = client.get("/checkin/", headers=bearer(token))
    assert answer.status_code == 302
    assert answer.headers.get("Set-Cookie", "").startswith("session=")
    assert "No forum is open yet." in client.get(answer.location, headers=bearer(token)).text


def test_a_request_with_a_cookie_keeps_its_session_beside_a_token(client, login_as, api_token):
    login_as("organiser")
    _, token = api_token("organiser")
    db.session.flush()
    answer = client.get("/", headers=bearer(token))
    assert answer.status_code == 200
    assert "Cookie" in answer.headers.get("Vary", "")

"""The attendees API: organisers only, JSON errors for bad input, ticket codes as in the QR."""
from forum.attendees.models import AttendeeStatus
from forum.attendees.tickets import code_for, issue_ticket
from tests.factories import AttendeeFactory


def _auth(token):
    from forum.extensions import db

    db.session.flush()  # issue_token adds the row without flushing; the request's session must see it
    return {"Authorization": f"Bearer {token}"}


def test_list_with_ticket_codes_and_filters(client, api_token, forum):
    _user, token = api_token("organiser")
    chan = AttendeeFactory(forum=forum, name_zh="陳大文", status=AttendeeStatus.registered)
    code = code_for(issue_ticket(chan))
    AttendeeFactory(forum=forum)
    body = client.get(f"/api/v1/forums/{forum.slug}/attendees", headers=_auth(token)).json
    assert body["total"] == 2
    assert {a["email"]: a["ticket_code"] for a in body["attendees"]}[chan.email] == code
    body = client.get(f"/api/v1/forums/{forum.id}/attendees?status=registered&q=大文", headers=_auth(token)).json
    assert [a["id"] for a in body["attendees"]] == [chan.id]


def test_wrong_roles_and_bad_bodies_get_json_errors(client, api_token, forum):
    _user, staff = api_token("ha_staff")
    assert client.get(f"/api/v1/forums/{forum.slug}/attendees", headers=_auth(staff)).status_code == 403
    _user, token = api_token("organiser")
    url = f"/api/v1/forums/{forum.slug}/attendees"
    for payload in ({}, {"email": 5}, {"email": "not an email", "name_en": "X"}, {"email": "a@b.example"},
                    {"email": "a@b.example", "name_en": ["x"]}, {"email": "a@b.example", "name_en": "A", "kind": "vip"},
                    {"email": "a@b.example", "name_en": "A", "site_id": "QMH"}):
        response = client.post(url, json=payload, headers=_auth(token))
        assert response.status_code == 400 and "error" in response.json, payload
    assert client.post(url, data="nope", headers=_auth(token)).status_code == 400
    assert client.get("/api/v1/forums/no-such-forum/attendees", headers=_auth(token)).status_code == 404


def test_walk_in_by_api_gets_a_ticket(client, api_token, forum, outbox):
    _user, token = api_token("organiser")
    url = f"/api/v1/forums/{forum.slug}/attendees"
    response = client.post(url, json={"email": "walk@ha.example.org.hk", "name_en": "Walk In", "walk_in": True},
                           headers=_auth(token))
    assert response.status_code == 201
    assert response.json["status"] == "registered" and response.json["ticket_code"].startswith("HKF2")
    again = client.post(url, json={"email": "WALK@ha.example.org.hk", "name_en": "Walk In"}, headers=_auth(token))
    assert again.status_code == 409 and again.json["error"]["code"] == "conflict"

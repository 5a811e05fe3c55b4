import json

from forum.extensions import db
from forum.forums.models import Forum, ForumStatus
from tests.factories import ForumFactory


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_forums_list_shape(client, api_token):
    ForumFactory(slug="innovation-forum-2026-12", title_zh="創新論壇", venue_en="HA Building")
    _user, token = api_token("ha_staff")
    response = client.get("/api/v1/forums", headers=_auth(token))
    assert response.status_code == 200
    [forum] = response.json["forums"]
    assert set(forum) >= {"id", "slug", "title_en", "title_zh", "starts_at", "ends_at", "venue"}
    assert forum["starts_at"].endswith("+08:00") and forum["venue"] == "HA Building"


def test_drafts_only_for_organisers(client, api_token):
    ForumFactory(status=ForumStatus.draft)
    _u, staff = api_token("ha_staff")
    _o, organiser = api_token("organiser")
    assert client.get("/api/v1/forums", headers=_auth(staff)).json["forums"] == []
    assert len(client.get("/api/v1/forums", headers=_auth(organiser)).json["forums"]) == 1


def test_missing_or_bad_token_is_401_json(client):
    for headers in ({}, {"Authorization": "Bearer hkf_not-a-token"}, {"Authorization": "Bearer "}):
        response = client.get("/api/v1/forums", headers=headers)
        assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"


def test_revoked_token_stops_working(client, api_token):
    from forum.accounts.models import ApiToken
    from forum.accounts.tokens import revoke_token

    user, token = api_token("organiser")
    assert client.get("/api/v1/forums", headers=_auth(token)).status_code == 200
    row = db.session.query(ApiToken).filter_by(user_id=user.id).one()
    revoke_token(user, row.id)
    db.session.flush()
    assert client.get("/api/v1/forums", headers=_auth(token)).status_code == 401


def test_wrong_role_is_403_json(client, api_token):
    _u, token = api_token("ha_staff")
    response = client.post("/api/v1/forums", headers=_auth(token), json={"starts_at": "2027-01-01T09:00",
                                                                         "ends_at": "2027-01-01T12:00"})
    assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"


def test_create_forum_through_the_api(client, api_token):
    _u, token = api_token("organiser")
    response = client.post("/api/v1/forums", headers=_auth(token), json={
        "title_en": "Data Lab Day", "title_zh": "數據實驗室日", "starts_at": "2027-05-04T10:00",
        "ends_at": "2027-05-04T16:00+08:00", "booth_capacity": 12})
    assert response.status_code == 201
    assert response.json["starts_at"] == "2027-05-04T10:00:00+08:00"
    assert db.session.query(Forum).filter_by(title_zh="數據實驗室日").one().booth_capacity == 12


def test_bad_bodies_get_400_with_a_reason(client, api_token):
    _u, token = api_token("organiser")
    cases = [
        dict(data="not json", content_type="text/plain"),
        dict(data="{broken", content_type="application/json"),
        dict(data=json.dumps([1, 2]), content_type="application/json"),
        dict(json={"title_en": "x"}),
        dict(json={"starts_at": "yesterday", "ends_at": "2027-01-01T10:00"}),
        dict(json={"starts_at": "2027-01-01T09:00", "ends_at": "2027-01-01T10:00", "booth_capacity": "many"}),
        dict(json={"starts_at": "2027-01-01T09:00", "ends_at": "2027-01-01T08:00", "title_en": "x"}),
    ]
    for case in cases:
        response = client.post("/api/v1/forums", headers=_auth(token), **case)
        assert response.status_code == 400, case
        assert response.json["error"]["message"], case


def test_patch_unknown_forum_is_404(client, api_token):
    _u, token = api_token("organiser")
    response = client.patch("/api/v1/forums/nope", headers=_auth(token), json={"title_en": "x"})
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_session_api_calls_need_the_csrf_token(database_url, tmp_path, api_token):
    """A browser session (cookie) must send X-CSRFToken on writes; a Bearer token need not."""
    from tests.support.databases import make_test_app
    from tests.factories import UserFactory

    app = make_test_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    organiser = UserFactory(role="organiser")
    with client.session_transaction() as session:
        session["_user_id"] = organiser.get_id()
    body = {"starts_at": "2027-01-01T09:00", "ends_at": "2027-01-01T10:00", "title_en": "x"}
    response = client.post("/api/v1/forums", json=body)
    assert response.status_code == 400 and response.json["error"]["code"] == "csrf"
    _u, token = api_token("organiser")
    assert client.post("/api/v1/forums", json=body, headers=_auth(token)).status_code == 201


def test_openapi_describes_every_api_route(app, client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") or rule.rule == "/healthz":
            path = rule.rule.replace("<", "{").replace(">", "}")
            path = "/".join(p.split(":")[-1] if p.startswith("{") else p for p in path.split("/"))
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (path, method.lower()) in documented, (path, method)
    assert "/api/v1/forums/{forum}" in spec["paths"]

"""The pilots API: same rules and messages as the pages, 409 on a stale version, never 500 on bad input."""
from forum.extensions import db
from tests.factories import ForumFactory, SolutionFactory
from tests.pilots.conftest import sites


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_create_list_patch_and_conflict(client, api_token):
    user, token = api_token("partnership")
    forum = ForumFactory()
    solution = SolutionFactory()
    a, b = sites(2)
    created = client.post("/api/v1/pilots", headers=_auth(token), json={
        "company_id": solution.company_id, "solution_id": solution.id, "sites": [a.id, b.id],
        "forums": [forum.slug], "title": "Falls sensor", "planned_start": "2024-01-01"})
    assert created.status_code == 201, created.json
    pilot = created.json
    assert pilot["stage"] == "proposed" and pilot["version"] == 1 and pilot["forums"] == [forum.slug]
    assert [s["site_id"] for s in pilot["sites"]] == [a.id, b.id]

    listed = client.get(f"/api/v1/pilots?forum={forum.id}", headers=_auth(token)).json
    assert [p["id"] for p in listed["pilots"]] == [pilot["id"]] and listed["total"] == 1
    assert client.get(f"/api/v1/pilots?forum={forum.slug}", headers=_auth(token)).json["total"] == 1
    assert client.get("/api/v1/pilots?forum=no-such-forum", headers=_auth(token)).status_code == 404

    moved = client.patch(f"/api/v1/pilots/{pilot['id']}", headers=_auth(token),
                         json={"version": 1, "stage": "under_assessment", "budget": "HK$200k"})
    assert moved.status_code == 200 and moved.json["stage"] == "under_assessment"
    assert moved.json["budget"] == "HK$200k" and moved.json["version"] == 3

    stale = client.patch(f"/api/v1/pilots/{pilot['id']}", headers=_auth(token), json={"version": 1, "notes": "x"})
    assert stale.status_code == 409 and stale.json["error"]["code"] == "conflict"
    assert "since you opened it" in stale.json["error"]["message"]


def test_refusals_name_the_field(client, api_token):
    _user, token = api_token("partnership")
    solution = SolutionFactory()
    site = sites(1)[0]
    bad_site = client.post("/api/v1/pilots", headers=_auth(token),
                           json={"company_id": solution.company_id, "sites": [987654]})
    assert bad_site.status_code == 400 and "sites" in bad_site.json["error"]["fields"]
    pid = client.post("/api/v1/pilots", headers=_auth(token),
                      json={"company_id": solution.company_id, "sites": [site.id], "title": "T"}).json["id"]
    cases = [
        ({"stage": "running"}, 400, "stage"),
        ({"version": 1, "stage": "running"}, 400, "stage"),
        ({"version": 1, "stage": "discontinued"}, 400, "stage"),
        ({"version": 1, "stage": "nope"}, 400, "stage"),
        ({"version": 1, "stage": "withdrawn", "site": 987654}, 400, "site"),
        ({"version": 1, "planned_start": "2024-05-01", "planned_end": "2024-01-01"}, 400, "planned_end"),
        ({"version": 1, "planned_start": "May"}, 400, "planned_start"),
        ({"version": "1", "notes": "x"}, 400, "version"),
    ]
    for body, status, field in cases:
        if "version" not in body:
            body = {**body}
        response = client.patch(f"/api/v1/pilots/{pid}", headers=_auth(token), json=body)
        assert response.status_code == status, (body, response.json)
        if body.get("version") is None or body.get("version") == "1":
            assert response.json["error"]["fields"] == {"version": response.json["error"]["message"]}
        else:
            assert field in response.json["error"]["fields"], (body, response.json)
    assert "Allowed from here: Under assessment, Withdrawn" in client.patch(
        f"/api/v1/pilots/{pid}", headers=_auth(token), json={"version": 1, "stage": "running"}).json["error"]["message"]
    assert client.patch(f"/api/v1/pilots/{pid}", headers=_auth(token), data="x").status_code == 400


def test_exhibitor_token_sees_own_company_only_and_cannot_patch(client, api_token, make_pilot):
    from tests.factories import UserFactory

    team = UserFactory(role="partnership")
    mine, theirs = make_pilot(team), make_pilot(team)
    _user, token = api_token("exhibitor", company_id=mine.company_id)
    listed = client.get("/api/v1/pilots", headers=_auth(token)).json
    assert [p["id"] for p in listed["pilots"]] == [mine.id]
    assert client.get(f"/api/v1/pilots/{theirs.id}", headers=_auth(token)).status_code == 403
    assert client.patch(f"/api/v1/pilots/{mine.id}", headers=_auth(token),
                        json={"version": 1, "stage": "withdrawn"}).status_code == 403


def test_dashboard_json_and_openapi(client, api_token, make_pilot):
    user, token = api_token("partnership")
    forum = ForumFactory()
    make_pilot(user, forum=forum)
    data = client.get(f"/api/v1/pilots/dashboard?forum={forum.slug}", headers=_auth(token)).json
    assert data["forum"] == forum.slug
    assert {s["step"] for s in data["funnel"]} == {"exhibitors", "proposed", "running", "adopted"}
    assert data["funnel"][1]["pilot_sites"] == 3
    spec = client.get("/api/v1/openapi.json").json
    assert {"get", "post"} <= set(spec["paths"]["/api/v1/pilots"])
    patch = spec["paths"]["/api/v1/pilots/{pilot_id}"]["patch"]
    body = patch["requestBody"]["content"]["application/json"]["schema"]
    body = spec["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]] if "$ref" in body else body
    assert "409" in patch["responses"] and "version" in body["required"]
    assert "/api/v1/pilots/dashboard" in spec["paths"]
    db.session.rollback()

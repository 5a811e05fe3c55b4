"""What the schemathesis run found, pinned: each answered 500 or broke the document before."""
from tests.factories import ForumFactory


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_odd_forum_references_are_404_everywhere(client, api_token, runner):
    _u, token = api_token("organiser")
    assert client.get("/api/v1/forums/%C2%B2", headers=_auth(token)).status_code == 404
    big = "999999999999999999999999999999"
    response = client.post(f"/api/v1/forums/{big}/checkins", headers=_auth(token), json={"code": "HKF2X"})
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    assert client.get(f"/api/v1/forums/{big}", headers=_auth(token)).status_code == 404
    assert client.get("/api/v1/pilots/99999999999999999999", headers=_auth(token)).status_code == 404


def test_forum_dates_in_a_sane_range_and_answered_with_hk_offsets(client, api_token):
    _u, token = api_token("organiser")
    old = client.post("/api/v1/forums", headers=_auth(token), json={
        "title_en": "Old", "starts_at": "0866-01-01T09:00:00", "ends_at": "0866-01-01T12:00:00"})
    assert old.status_code == 400 and "starts_at" in old.json["error"]["fields"]
    made = client.post("/api/v1/forums", headers=_auth(token), json={
        "title_en": "New", "starts_at": "2027-01-01T01:00:00Z", "ends_at": "2027-01-01T12:00:00"})
    assert made.status_code == 201
    assert made.json["starts_at"] == "2027-01-01T09:00:00+08:00" and made.json["ends_at"].endswith("+08:00")


def test_slug_of_control_characters_is_refused(client, api_token):
    _u, token = api_token("organiser")
    for slug in ("\x1c\x1d\x1e\x1f", "forum\n", "\x00"):
        response = client.post("/api/v1/forums", headers=_auth(token), json={
            "title_en": "T", "slug": slug, "starts_at": "2027-01-01T09:00", "ends_at": "2027-01-01T12:00"})
        assert response.status_code == 400, slug


def test_wrong_types_name_the_field(client, api_token):
    _u, token = api_token("organiser")
    response = client.post("/api/v1/forums", headers=_auth(token), json={
        "starts_at": "2027-01-01T09:00", "ends_at": "2027-01-01T12:00", "booth_capacity": True, "title_en": 5})
    assert response.status_code == 400
    assert set(response.json["error"]["fields"]) == {"booth_capacity", "title_en"}


def test_batch_error_result_is_documented(client, api_token):
    forum = ForumFactory()
    _u, token = api_token("organiser")
    response = client.post(f"/api/v1/forums/{forum.slug}/checkins/batch", headers=_auth(token),
                           json={"scans": [{"code": ""}, 5]})
    assert response.status_code == 200  # the test client checks the answer against the document
    assert [r["result"] for r in response.json["results"]] == ["error", "error"]


def test_superscript_digits_are_not_numbers_anywhere(client, api_token):
    forum = ForumFactory()
    _u, token = api_token("organiser")
    for body in ({"code": "HKF²AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}, {"code": "HKF2X", "point": "²"}):
        response = client.post(f"/api/v1/forums/{forum.slug}/checkins", headers=_auth(token), json=body)
        assert response.status_code in (200, 400), response.json
    assert client.get("/api/v1/pilots?forum=%C2%B2&site=%C2%B2", headers=_auth(token)).status_code == 404


def test_a_nul_character_anywhere_in_a_request_is_a_400_not_a_500(client, api_token):
    """PostgreSQL refuses NUL in text ("text fields cannot contain NUL (0x00) bytes"): found by the
    random seed on PostgreSQL. A NUL in a path reference, a query parameter or a body field is bad input."""
    _u, token = api_token("organiser")
    forum = ForumFactory()
    assert client.get("/api/v1/forums/a%00b", headers=_auth(token)).status_code in (400, 404)
    listing = client.get(f"/api/v1/forums/{forum.slug}/attendees", query_string={"q": "a\x00b"}, headers=_auth(token))
    assert listing.status_code == 400
    made = client.post("/api/v1/forums", headers=_auth(token), json={
        "title_en": "Nul\x00title", "starts_at": "2027-01-01T09:00:00", "ends_at": "2027-01-01T12:00:00"})
    assert made.status_code == 400 and "title_en" in made.json["error"]["fields"]
    added = client.post(f"/api/v1/forums/{forum.slug}/attendees", headers=_auth(token),
                        json={"email": "nul@ha.example", "name_en": "A\x00B"})
    assert added.status_code == 400 and "name_en" in added.json["error"]["fields"]

"""The check-in API: wiring, permissions, status codes, answers as in CONTRACT.md."""
import time

import pytest
import sqlalchemy as sa

from forum.attendees.models import AttendeeStatus
from forum.attendees.tickets import code_for, issue_ticket
from forum.checkin.models import CheckIn, CheckInPoint
from forum.extensions import db, limiter
from tests.factories import AttendeeFactory, CheckInPointFactory, ForumFactory, TicketFactory


@pytest.fixture
def forum():
    forum = ForumFactory()
    CheckInPointFactory(forum_id=forum.id, key="main-entrance", position=1)
    CheckInPointFactory(forum_id=forum.id, key="demo-theatre", position=2)
    return forum


@pytest.fixture
def api_token(api_token):
    """The shared fixture, flushed so that the request (its own session on the same connection) sees the token."""
    def make(role):
        pair = api_token(role)
        db.session.flush()
        return pair

    return make


def url(forum, tail=""):
    return f"/api/v1/forums/{forum.slug}/checkins{tail}"


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_scan_answers_as_the_contract_says(client, api_token, forum):
    _user, token = api_token("scanner")
    ticket = TicketFactory(attendee=AttendeeFactory(forum=forum, name_en="Dr Lee", name_zh="李醫生",
                                                    organisation="Prince of Wales Hospital"))
    response = client.post(url(forum), json={"code": code_for(ticket), "point": "demo-theatre"}, headers=bearer(token))
    assert response.status_code == 200
    body = response.json
    assert set(body) >= {"result", "attendee", "checked_in_at", "point"}
    assert body["result"] == "ok" and body["point"] == "demo-theatre"
    assert {k: body["attendee"][k] for k in ("name_en", "name_zh", "organisation")} == {
        "name_en": "Dr Lee", "name_zh": "李醫生", "organisation": "Prince of Wales Hospital"}
    again = client.post(url(forum), json={"code": code_for(ticket)}, headers=bearer(token)).json
    assert again["result"] == "already_checked_in"
    assert again["checked_in_at"] == body["checked_in_at"] and again["point"] == "demo-theatre"
    bad = client.post(url(forum), json={"code": code_for(ticket)[:-3]}, headers=bearer(token))
    assert bad.status_code == 200 and bad.json == {"result": "invalid", "attendee": None, "checked_in_at": None,
                                                   "point": None}


def test_repeated_nonce_over_http(client, api_token, forum):
    _user, token = api_token("organiser")
    ticket = TicketFactory(attendee=AttendeeFactory(forum=forum))
    body = {"code": code_for(ticket), "nonce": "phone-7-000001"}
    first = client.post(url(forum), json=body, headers=bearer(token)).json
    count = db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn))
    assert client.post(url(forum), json=body, headers=bearer(token)).json == first
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == count


@pytest.mark.parametrize("other", ["scanner", "device"])
def test_a_nonce_replayed_by_another_scanner_or_device_learns_nothing(client, api_token, forum, other):
    _user, token = api_token("scanner")
    first_ticket = TicketFactory(attendee=AttendeeFactory(forum=forum, name_en="Chan Tai Man"))
    body = {"code": code_for(first_ticket), "nonce": "phone-7-000001", "device_id": "phone-7"}
    assert client.post(url(forum), json=body, headers=bearer(token)).json["result"] == "ok"
    if other == "scanner":
        _other_user, token = api_token("scanner")
    else:
        body["device_id"] = "phone-8"
    count = db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn))
    replay = client.post(url(forum), json={**body, "code": code_for(TicketFactory(attendee=AttendeeFactory(forum=forum)))},
                         headers=bearer(token))
    assert "Chan Tai Man" not in replay.get_data(as_text=True)
    assert replay.status_code == 400  # the nonce is taken: nothing recorded, nothing told
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == count


@pytest.mark.parametrize("body,content_type", [
    ("not json", "application/json"), ('["list"]', "application/json"), ("{}", "application/json"),
    ('{"code": 12}', "application/json"), ('{"code": "x", "point": "roof"}', "application/json"),
    ('{"code": "x", "scanned_at": "soon"}', "application/json"), ('{"code": "x"}', "text/plain"),
])
def test_malformed_bodies_get_400(client, api_token, forum, body, content_type):
    _user, token = api_token("scanner")
    response = client.post(url(forum), data=body, content_type=content_type, headers=bearer(token))
    assert response.status_code == 400
    assert response.json["error"]["code"]


def test_auth_and_roles(client, api_token, forum):
    ticket = TicketFactory(attendee=AttendeeFactory(forum=forum))
    body = {"code": code_for(ticket)}
    assert client.post(url(forum), json=body).status_code == 401
    assert client.post(url(forum), json=body, headers=bearer("fk_not_a_token")).status_code == 401
    for role in ("ha_staff", "exhibitor", "partnership"):
        _u, token = api_token(role)
        response = client.post(url(forum), json=body, headers=bearer(token))
        assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"
        assert client.get(url(forum, "/stats"), headers=bearer(token)).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 0
    _u, token = api_token("admin")
    assert client.post(url(forum), json=body, headers=bearer(token)).json["result"] == "ok"


def test_unknown_forum_is_404(client, api_token):
    _u, token = api_token("scanner")
    assert client.post("/api/v1/forums/nope/checkins", json={"code": "x"}, headers=bearer(token)).status_code == 404


@pytest.mark.parametrize("named,expected", [
    (None, "main-entrance"),            # none named: the forum's first open point
    ("Demo-Theatre", "demo-theatre"),   # by key, any case
    ("id-of-demo-theatre", "demo-theatre"),
    ("roof", 400), ("closed-door", 400), ("id-of-elsewhere", 400),  # unknown, closed, another forum's
])
@pytest.mark.parametrize("forum_named_by", ["slug", "id"])
def test_the_point_a_scan_names(client, api_token, forum, named, expected, forum_named_by):
    _u, token = api_token("scanner")
    CheckInPointFactory(forum_id=forum.id, key="closed-door", position=0, active=False)
    theatre = db.session.scalar(sa.select(CheckInPoint).where(CheckInPoint.key == "demo-theatre"))
    elsewhere = CheckInPointFactory(forum_id=ForumFactory().id, key="elsewhere")
    named = {"id-of-demo-theatre": str(theatre.id), "id-of-elsewhere": str(elsewhere.id)}.get(named, named)
    ticket = TicketFactory(attendee=AttendeeFactory(forum=forum))
    ref = forum.slug if forum_named_by == "slug" else str(forum.id)
    response = client.post(f"/api/v1/forums/{ref}/checkins", json={"code": code_for(ticket), "point": named},
                           headers=bearer(token))
    if expected == 400:
        assert response.status_code == 400 and set(response.json["error"]["fields"]) == {"point"}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 0
    else:
        assert response.status_code == 200 and response.json["point"] == expected


@pytest.mark.parametrize("case", ["invalid", "wrong_forum", "revoked", "cancelled"])
@pytest.mark.parametrize("forum_named_by", ["slug", "id"])
def test_tickets_the_door_refuses(client, api_token, forum, case, forum_named_by):
    _u, token = api_token("scanner")
    holder = AttendeeFactory(forum=ForumFactory() if case == "wrong_forum" else forum, name_en="Dr Ho")
    ticket = TicketFactory(attendee=holder)
    code = code_for(ticket)
    if case == "invalid":
        code = code[:-2] + ("AB" if code[-2:] != "AB" else "CD")
    elif case == "revoked":
        issue_ticket(holder)
    elif case == "cancelled":
        holder.status = AttendeeStatus.cancelled
    db.session.flush()
    ref = forum.slug if forum_named_by == "slug" else str(forum.id)
    answer = client.post(f"/api/v1/forums/{ref}/checkins", json={"code": code}, headers=bearer(token)).json
    expected = {"cancelled": "revoked"}.get(case, case)
    assert answer["result"] == expected
    assert (answer["attendee"] or {}).get("name_en") == ("Dr Ho" if expected == "revoked" else None)


def test_a_forum_without_points_checks_in_without_one(client, api_token):
    _u, token = api_token("scanner")
    forum = ForumFactory()
    ticket = TicketFactory(attendee=AttendeeFactory(forum=forum))
    answer = client.post(url(forum), json={"code": code_for(ticket)}, headers=bearer(token)).json
    assert answer["result"] == "ok" and answer["point"] is None


def test_batch_judges_each_scan_in_order(client, api_token, forum):
    _u, token = api_token("scanner")
    a = TicketFactory(attendee=AttendeeFactory(forum=forum))
    b = TicketFactory(attendee=AttendeeFactory(forum=forum))
    scans = [{"code": code_for(a), "nonce": "n-000000001", "scanned_at": "2026-11-01T09:00:00+08:00"},
             {"code": "HKF1" + "B" * 32, "nonce": "n-000000002"},
             {"code": code_for(a), "nonce": "n-000000003", "point": "demo-theatre"},
             {"code": code_for(b), "nonce": "n-000000004"},
             {"code": 7},
             {"code": code_for(a), "nonce": "n-000000001", "scanned_at": "2026-11-01T09:00:00+08:00"}]
    response = client.post(url(forum, "/batch"), json={"scans": scans}, headers=bearer(token))
    assert response.status_code == 200
    results = response.json["results"]
    assert [r["result"] for r in results] == ["ok", "invalid", "already_checked_in", "ok", "error", "ok"]
    assert results[0]["checked_in_at"] == "2026-11-01T09:00:00+08:00"
    assert results[2]["checked_in_at"] == "2026-11-01T09:00:00+08:00" and results[2]["point"] == "main-entrance"
    assert results[5] == results[0]
    # sending the whole batch again (the device never saw the answer) records nothing new
    count = db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn))
    again = client.post(url(forum, "/batch"), json={"scans": scans}, headers=bearer(token)).json["results"]
    assert [r["result"] for r in again] == ["ok", "invalid", "already_checked_in", "ok", "error", "ok"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == count
    assert client.post(url(forum, "/batch"), json={"scan": []}, headers=bearer(token)).status_code == 400


def test_stats(client, api_token, forum):
    _u, token = api_token("scanner")
    tickets = [TicketFactory(attendee=AttendeeFactory(forum=forum, status=AttendeeStatus.registered))
               for _ in range(3)]
    for t in tickets[:2]:
        client.post(url(forum), json={"code": code_for(t)}, headers=bearer(token))
    response = client.get(url(forum, "/stats"), headers=bearer(token))
    assert response.status_code == 200
    assert response.json == {"invited": 3, "registered": 3, "checked_in": 2,
                             "by_point": {"main-entrance": 2, "demo-theatre": 0}}


def test_stats_query_count_does_not_grow(client, api_token, forum, query_counter):
    _u, token = api_token("organiser")
    counts = []
    for size in (2, 30):
        for _ in range(size):
            t = TicketFactory(attendee=AttendeeFactory(forum=forum))
            client.post(url(forum), json={"code": code_for(t)}, headers=bearer(token))
        target = url(forum, "/stats")
        with query_counter() as q:
            assert client.get(target, headers=bearer(token)).status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1] <= 8


def test_scans_are_rate_limited_per_token(app, client, api_token, forum):
    ticket = TicketFactory(attendee=AttendeeFactory(forum=forum))
    _u, token = api_token("scanner")
    _u2, other = api_token("scanner")
    app.config["RATELIMIT_SCAN"] = "5 per year"
    try:
        codes = [client.post(url(forum), json={"code": code_for(ticket)}, headers=bearer(token)).status_code
                 for _ in range(7)]
        assert codes == [200] * 5 + [429] * 2
        limited = client.post(url(forum), json={"code": "x"}, headers=bearer(token))
        assert limited.is_json and limited.json["error"]["code"] == "too_many_requests"
        # another scanner's token is not slowed by the first one
        assert client.post(url(forum), json={"code": code_for(ticket)}, headers=bearer(other)).status_code == 200
        # a batch costs one per scan
        batch = client.post(url(forum, "/batch"), json={"scans": [{"code": "x"}] * 6}, headers=bearer(other))
        assert batch.status_code == 429
    finally:
        app.config["RATELIMIT_SCAN"] = "100000 per minute"


def test_scan_answers_tell_the_scanner_its_rate_limit(app, client, api_token, forum):
    """The headers Flask-Limiter sends, on the answers and on the 429 alike."""
    ticket = TicketFactory(attendee=AttendeeFactory(forum=forum))
    _u, token = api_token("scanner")
    app.config["RATELIMIT_SCAN"] = "2 per 10 seconds;100 per year"
    try:
        answers = [client.post(url(forum), json={"code": code_for(ticket)}, headers=bearer(token)) for _ in range(3)]
        now = time.time()
        assert [a.status_code for a in answers] == [200, 200, 429]
        assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["1", "0", "0"]
        for answer in answers:
            assert answer.headers.getlist("X-RateLimit-Limit") == ["2"]  # the shortest window, told once
            assert now < int(answer.headers["X-RateLimit-Reset"]) <= now + 11
            assert 0 <= int(answer.headers["Retry-After"]) <= 10
        assert answers[2].json == {"error": {"code": "too_many_requests", "message": "2 per 10 second"}}
        # a batch's answer tells of its own count: one per scan
        batch = client.post(url(forum, "/batch"), json={"scans": [{"code": "x"}]}, headers=bearer(token))
        assert batch.status_code == 200 and batch.headers["X-RateLimit-Remaining"] == "1"
    finally:
        app.config["RATELIMIT_SCAN"] = "100000 per minute"


def test_a_scan_is_counted_in_one_pass(app, client, api_token, forum, monkeypatch):
    """Each limit is hit once per scan (a batch's once, costing its scans), and Flask-Limiter's own
    pass resolves no limits for it: the check is not done twice."""
    ticket = TicketFactory(attendee=AttendeeFactory(forum=forum))
    _u, token = api_token("scanner")
    app.config["RATELIMIT_SCAN"] = "60 per 10 seconds;1200 per minute"
    strategy, hits, resolved = limiter.limiter, [], []
    hit, resolve = strategy.hit, limiter.limit_manager.resolve_limits
    monkeypatch.setattr(strategy, "hit", lambda item, *key, cost=1: hits.append((str(item), key[-1], cost))
                        or hit(item, *key, cost=cost))
    monkeypatch.setattr(limiter.limit_manager, "resolve_limits", lambda *a, **k: resolved.append(a) or resolve(*a, **k))
    try:
        assert client.post(url(forum), json={"code": code_for(ticket)}, headers=bearer(token)).status_code == 200
        scans = {"scans": [{"code": code_for(ticket)}] * 3}
        assert client.post(url(forum, "/batch"), json=scans, headers=bearer(token)).status_code == 200
    finally:
        app.config["RATELIMIT_SCAN"] = "100000 per minute"
    assert hits == [("60 per 10 second", "api.checkin_api", 1), ("1200 per 1 minute", "api.checkin_api", 1),
                    ("60 per 10 second", "api.checkin_batch_api", 3), ("1200 per 1 minute", "api.checkin_batch_api", 3)]
    assert resolved == []


def test_flask_limiters_own_hooks_leave_scans_alone(client, api_token, forum, monkeypatch):
    """Its before-request pass, headers and clean-up do not run for a scan; they still do for other requests."""
    ticket = TicketFactory(attendee=AttendeeFactory(forum=forum))
    _u, token = api_token("scanner")
    looked = []
    identify = limiter.identify_request
    monkeypatch.setattr(limiter, "identify_request", lambda: looked.append(1) or identify())
    assert client.post(url(forum), json={"code": code_for(ticket)}, headers=bearer(token)).status_code == 200
    assert looked == []
    assert client.get("/login").status_code == 200
    assert looked


def test_openapi_documents_the_checkin_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "post" in paths["/api/v1/forums/{forum}/checkins"]
    assert "post" in paths["/api/v1/forums/{forum}/checkins/batch"]
    assert "get" in paths["/api/v1/forums/{forum}/checkins/stats"]


def test_a_forum_door_does_not_scan_out(client, login_as, forum):
    """Scanning out is for points that have it (the data lab's): a forum door refuses it, recording nothing."""
    ticket = TicketFactory(attendee=AttendeeFactory(forum=forum))
    login_as("scanner")
    response = client.post(f"/api/v1/forums/{forum.slug}/checkins", json={"code": code_for(ticket),
                                                                          "direction": "out"})
    assert response.status_code == 400 and "direction" in response.json["error"]["fields"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 0

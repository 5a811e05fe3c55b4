"""Faults on the day: the database going away and coming back, Redis going away mid-forum."""
from __future__ import annotations

import os
import time

import pytest
import sqlalchemy as sa

from forum.accounts.tokens import TOKEN_PREFIX, issue_token
from forum.attendees.tickets import code_for
from forum.extensions import db
from tests.factories import AttendeeFactory, CheckInPointFactory, ForumFactory, TicketFactory, UserFactory
from tests.support.servers import Gate, RedisServer

ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


def _door(n_tickets: int = 3):
    forum = ForumFactory()
    CheckInPointFactory(forum_id=forum.id, key="main-entrance")
    codes = [code_for(TicketFactory(attendee=AttendeeFactory(forum=forum))) for _ in range(n_tickets)]
    organiser = UserFactory(role="organiser", email="door-organiser@hkstp.example")
    token = issue_token(UserFactory(role="scanner"), "door")
    db.session.commit()
    return forum.slug, codes, token, organiser.email


def _app(url: str, tmp_path, **config):
    from tests.support.databases import make_test_app

    return make_test_app(url, tmp_path / "instance", **config)


@pytest.mark.committed  # its own app and database: the suite's per-test session is not used
def test_an_unreachable_database_answers_503_json_and_a_503_page(tmp_path):
    app = _app(f"sqlite:///{tmp_path / 'missing-folder' / 'forum.db'}", tmp_path)
    client = app.test_client()
    bearer = {"Authorization": "Bearer " + TOKEN_PREFIX + "x" * 40}
    api = client.post("/api/v1/forums/x/checkins", json={"code": "HKF2"}, headers=bearer)
    assert api.status_code == 503 and api.headers["Retry-After"] == "5"
    assert api.json["error"]["code"] == "database_unavailable"
    with client.session_transaction() as session:  # a signed-in organiser's browser
        session["_user_id"] = "1:1"
    page = client.get("/forums/", headers={"Accept": "text/html"})
    assert page.status_code == 503 and "Service unavailable" in page.get_data(as_text=True)
    assert client.get("/healthz").status_code == 503
    zh = client.get("/forums/", headers={"Accept": "text/html", "Accept-Language": "zh-HK"})
    assert zh.status_code == 503 and "服務暫時無法使用" in zh.get_data(as_text=True)


@pytest.mark.skipif(not ON_POSTGRES, reason="a database server that goes away: PostgreSQL (TEST_DATABASE_URL)")
@pytest.mark.committed
def test_the_database_going_away_gives_503_and_the_app_recovers_when_it_returns(app, committed, database_url,
                                                                               tmp_path):
    slug, codes, token, organiser_email = _door()
    real = sa.engine.make_url(database_url)
    gate = Gate(real.host or "127.0.0.1", real.port or 5432).open()
    other = _app(real.set(host="127.0.0.1", port=gate.port).render_as_string(hide_password=False), tmp_path,
                 SECRET_KEY=app.config["SECRET_KEY"],
                 SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"application_name": "fault-app"}})
    bearer = {"Authorization": f"Bearer {token}"}
    try:
        client = other.test_client()
        assert client.post("/login", data={"email": organiser_email, "password": "correct horse battery"}
                           ).status_code == 302
        assert client.post(f"/api/v1/forums/{slug}/checkins", json={"code": codes[0]}, headers=bearer
                           ).json["result"] == "ok"
        gate.shut()  # every connection dropped, new ones refused
        scan = client.post(f"/api/v1/forums/{slug}/checkins", json={"code": codes[1]}, headers=bearer)
        assert scan.status_code == 503 and scan.json["error"]["code"] == "database_unavailable"
        page = client.get(f"/forums/{slug}", headers={"Accept": "text/html"})
        assert page.status_code == 503 and "Service unavailable" in page.get_data(as_text=True)
        assert client.get("/healthz").status_code == 503
        gate.open()  # the database is back: no restart, the next requests succeed
        assert client.get("/healthz").json["status"] == "ok"
        assert client.post(f"/api/v1/forums/{slug}/checkins", json={"code": codes[1]}, headers=bearer
                           ).json["result"] == "ok"
        assert client.get(f"/forums/{slug}").status_code == 200  # still signed in
        # Backends terminated by the server (a restart, a failover): the pool replaces them.
        assert _terminate_backends("fault-app") >= 1
        gate.wait_until_unused()  # the goodbyes passed through the gate to the app's sockets
        assert client.post(f"/api/v1/forums/{slug}/checkins", json={"code": codes[2]}, headers=bearer
                           ).json["result"] == "ok"
    finally:
        gate.shut()
        with other.app_context():
            db.engine.dispose()


def _terminate_backends(application_name: str) -> int:
    """pg_terminate_backend() on each of the app's connections, and wait until they have ended (it
    only signals them), as after a restart or a failover: the server has said goodbye on each."""
    with db.engine.connect() as conn:
        pids = conn.scalars(sa.text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"),
                            {"name": application_name}).all()
        for pid in pids:
            conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        conn.commit()
        deadline = time.monotonic() + 10
        while conn.scalar(sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(:pids)"), {"pids": pids}):
            conn.commit()  # pg_stat_activity is read once per transaction
            assert time.monotonic() < deadline, "the terminated backends did not end"
            time.sleep(0.01)
    return len(pids)


@pytest.mark.skipif(not ON_POSTGRES, reason="server-side connections: PostgreSQL (TEST_DATABASE_URL)")
@pytest.mark.committed
def test_only_pooled_connections_in_doubt_are_pinged(app, committed, database_url, tmp_path, monkeypatch):
    other = _app(database_url, tmp_path, DATABASE_PING_AFTER_IDLE_SECONDS=1.5,
                 SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "connect_args": {"application_name": "doubt-app"}})
    with other.app_context():
        engine, pings = db.engine, []
        ping = engine.dialect.do_ping
        monkeypatch.setattr(engine.dialect, "do_ping", lambda connection: pings.append(1) or ping(connection))

        def backend() -> int:
            with engine.connect() as conn:
                return conn.scalar(sa.text("SELECT pg_backend_pid()"))

        try:
            first = backend()
            assert backend() == first and pings == []  # just back in the pool: trusted, no round trip
            time.sleep(1.6)
            assert backend() == first and len(pings) == 1  # idle for longer than the setting: pinged
            with app.app_context():
                assert _terminate_backends("doubt-app") == 1
            replaced = backend()  # the server's goodbye is waiting on the socket: pinged, replaced, no error
            assert replaced != first and len(pings) == 2
        finally:
            engine.dispose()


@pytest.mark.committed
def test_redis_going_away_mid_forum_does_not_stop_the_door(app, committed, database_url, tmp_path):
    slug, codes, token, _email = _door(6)
    redis_server = RedisServer().start()
    other = _app(database_url, tmp_path, SECRET_KEY=app.config["SECRET_KEY"], REDIS_URL=redis_server.url,
                 RATELIMIT_LOGIN="3 per year",
                 RATELIMIT_KEY_PREFIX=f"faults-{redis_server.port}")
    bearer = {"Authorization": f"Bearer {token}"}
    try:
        client = other.test_client()

        def scan(code):
            response = client.post(f"/api/v1/forums/{slug}/checkins", json={"code": code}, headers=bearer)
            assert response.status_code == 200, response.get_data(as_text=True)
            return response.json["result"]

        assert scan(codes[0]) == "ok"
        import redis

        assert redis.Redis(port=redis_server.port).dbsize() > 0  # the scan was counted in Redis
        redis_server.kill()
        assert [scan(c) for c in codes[1:4]] == ["ok", "ok", "ok"]
        assert scan(codes[0]) == "already_checked_in"
        # Sign-in stays limited meanwhile: each process counts on its own until Redis is back.
        logins = [client.post("/login", data={"email": "someone@ha.example", "password": "wrong password"}
                              ).status_code for _ in range(4)]
        assert logins == [200, 200, 200, 429]
        redis_server.start()
        assert [scan(c) for c in codes[4:]] == ["ok", "ok"]
    finally:
        redis_server.kill()
        with other.app_context():
            db.engine.dispose()


@pytest.mark.committed
def test_scans_count_in_the_process_while_redis_is_away_and_in_redis_again_once_back(
        app, committed, database_url, tmp_path, monkeypatch):
    from forum import ratelimit

    monkeypatch.setattr(ratelimit, "RETRY_SECONDS", 0.3)
    slug, codes, token, _email = _door(1)
    redis_server = RedisServer().start()
    other = _app(database_url, tmp_path, SECRET_KEY=app.config["SECRET_KEY"], REDIS_URL=redis_server.url,
                 RATELIMIT_SCAN="3 per year", RATELIMIT_KEY_PREFIX=f"lean-{redis_server.port}")
    try:
        import redis

        client, shared = other.test_client(), redis.Redis(port=redis_server.port)

        def scan():
            response = client.post(f"/api/v1/forums/{slug}/checkins", json={"code": codes[0]},
                                   headers={"Authorization": f"Bearer {token}"})
            return response.status_code, response.headers["X-RateLimit-Remaining"]

        def counted_in_redis():
            return [int(shared.get(key)) for key in shared.keys(f"LIMITS:LIMITER/lean-{redis_server.port}/token:*/api.checkin_api/3/1/year")]

        assert scan() == (200, "2") and counted_in_redis() == [1]
        redis_server.kill()
        # This process counts on its own from zero, and the limit still holds.
        assert [scan() for _ in range(4)] == [(200, "2"), (200, "1"), (200, "0"), (429, "0")]
        redis_server.start()
        time.sleep(0.3)
        assert scan() == (200, "2") and counted_in_redis() == [1]  # Redis came back empty: counted there again
    finally:
        redis_server.kill()
        with other.app_context():
            db.engine.dispose()

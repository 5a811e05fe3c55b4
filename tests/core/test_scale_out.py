"""Two gunicorn instances on one PostgreSQL database and one Redis serve one forum as one app:
rate limits and the kiosk lock hold across them (docs/deploy.md)."""
from __future__ import annotations

import os
import secrets

import pytest

from forum.accounts.tokens import issue_token
from forum.attendees.tickets import code_for
from forum.extensions import db
from tests.factories import PASSWORD, AttendeeFactory, CheckInPointFactory, ForumFactory, TicketFactory, UserFactory
from tests.support.servers import Client, Gunicorn, RedisServer

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                                reason="scale-out runs on PostgreSQL with Redis (TEST_DATABASE_URL)")


@pytest.mark.committed
def test_two_instances_share_rate_limits_and_the_kiosk_lock(app, committed, database_url, tmp_path):
    forum = ForumFactory()
    CheckInPointFactory(forum_id=forum.id, key="main-entrance")
    codes = [code_for(TicketFactory(attendee=AttendeeFactory(forum=forum))) for _ in range(7)]
    organiser = UserFactory(role="organiser", email="kiosk-organiser@hkstp.example")
    token = issue_token(UserFactory(role="scanner"), "door")
    db.session.commit()
    slug, email = forum.slug, organiser.email

    redis_server = RedisServer().start()
    prefix = f"scale-{secrets.token_hex(4)}"
    env = dict(os.environ, FORUM_ENV="testing", SECRET_KEY=app.config["SECRET_KEY"], DATABASE_URL=database_url,
               REDIS_URL=redis_server.url, RATELIMIT_SCAN="5 per year", RATELIMIT_LOGIN="3 per year",
               FORUM_INSTANCE_PATH=str(tmp_path))
    factory = f'forum:create_app({{"WTF_CSRF_ENABLED": False, "RATELIMIT_KEY_PREFIX": "{prefix}"}})'
    # Served as in production (sync workers), two processes each: a request may land on any of four.
    servers = [Gunicorn(env, tmp_path / f"server{n}.log", app=factory, workers=2, production=True) for n in range(2)]
    try:
        a, b = (server.wait_ready() for server in servers)
        kiosk = f"/forums/{slug}/checkin/kiosk"

        # An organiser starts kiosk mode through instance A; the tablet is locked on instance B too.
        tablet = Client()
        assert tablet.request("POST", a.url + "/login", form={"email": email, "password": PASSWORD})[0] == 302
        status, headers, _ = tablet.request("POST", a.url + kiosk, form={"point": "main-entrance", "pin": "482913"})
        assert status == 302 and headers["Location"].endswith(kiosk)
        status, headers, _ = tablet.request("GET", b.url + f"/forums/{slug}")
        assert status == 302 and headers["Location"].endswith(kiosk)
        status, _h, body = tablet.request("POST", b.url + kiosk + "/scan", json_body={"code": codes[6]})
        assert status == 200 and b'"result":"ok"' in body.replace(b" ", b"")
        # Wrong PINs are counted once for both instances: the fourth, wherever it lands, is refused.
        answers = [tablet.request("POST", s.url + kiosk + "/exit", form={"pin": "000000"})[0] for s in (a, b, a, b)]
        assert answers == [302, 302, 302, 429]
        assert tablet.request("GET", a.url + "/forums/")[1]["Location"].endswith(kiosk)  # still locked

        # A scanner's token has one budget across instances (RATELIMIT_SCAN 5 per year).
        scanner = Client()
        results = [scanner.request("POST", s.url + f"/api/v1/forums/{slug}/checkins", json_body={"code": code},
                                   headers={"Authorization": f"Bearer {token}"})[0]
                   for s, code in zip((a, b, a, b, a, b), codes)]
        assert results == [200, 200, 200, 200, 200, 429]
    finally:
        for server in servers:
            server.stop()
        redis_server.kill()

"""kill -9 in the middle of the door's rush: every check-in a scanner saw acknowledged is in the database.

A gunicorn server (master and worker) is killed with SIGKILL while eight scanners send scans; a new
server is started on the same database. Every code answered `ok` before the kill is then
`already_checked_in`, with exactly one first entry in the database; codes whose answer never came
can simply be sent again. SQLite (WAL), served as `make run` serves it (threads), and PostgreSQL
(TEST_DATABASE_URL), served as production serves it (sync workers, deploy/gunicorn.conf.py).
"""
from __future__ import annotations

import http.client
import os
import threading

import pytest
import sqlalchemy as sa

from forum.accounts.tokens import issue_token
from forum.attendees.tickets import code_for
from forum.checkin.models import CheckIn
from forum.extensions import db
from tests.factories import AttendeeFactory, CheckInPointFactory, ForumFactory, TicketFactory, UserFactory
from tests.support.servers import Client, Gunicorn, wait_until

SCANNERS = 8
TICKETS = 200


@pytest.mark.committed
def test_a_server_killed_mid_rush_loses_no_acknowledged_check_in(app, committed, database_url, tmp_path):
    forum = ForumFactory()
    CheckInPointFactory(forum_id=forum.id, key="main-entrance")
    tickets = [TicketFactory(attendee=AttendeeFactory(forum=forum)) for _ in range(TICKETS)]
    token = issue_token(UserFactory(role="scanner"), "door")
    db.session.commit()
    codes = [code_for(t) for t in tickets]
    attendee_of = {code_for(t): t.attendee_id for t in tickets}
    slug, forum_id = forum.slug, forum.id

    env = dict(os.environ, FORUM_ENV="testing", SECRET_KEY=app.config["SECRET_KEY"], DATABASE_URL=database_url,
               RATELIMIT_SCAN="100000 per minute", FORUM_INSTANCE_PATH=str(tmp_path))
    env.pop("REDIS_URL", None)
    production = database_url.startswith("postgresql")
    server = Gunicorn(env, tmp_path / "first.log", workers=2 if production else 1, production=production).wait_ready()
    acknowledged, lock, stop = [], threading.Lock(), threading.Event()
    queue = list(reversed(codes))

    def scanner():
        client = Client()
        while not stop.is_set():
            with lock:
                if not queue:
                    return
                code = queue.pop()
            try:
                status, _h, body = client.request("POST", server.url + f"/api/v1/forums/{slug}/checkins",
                                                  json_body={"code": code},
                                                  headers={"Authorization": f"Bearer {token}"})
            except (OSError, http.client.HTTPException):
                return  # the server is gone: this answer never came
            if status == 200 and b'"ok"' in body:
                with lock:
                    acknowledged.append(code)

    threads = [threading.Thread(target=scanner) for _ in range(SCANNERS)]
    for t in threads:
        t.start()
    try:
        wait_until(lambda: len(acknowledged) >= 40, 60, "40 acknowledged check-ins")
        server.kill()  # SIGKILL to master and worker, mid-request
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
        server.stop()
    seen = list(acknowledged)
    assert 40 <= len(seen) < TICKETS  # killed in the middle of the rush

    # The database holds every acknowledged entry, exactly once.
    db.session.remove()
    rows = db.session.execute(sa.select(CheckIn.attendee_id, sa.func.count()).where(
        CheckIn.forum_id == forum_id, CheckIn.first_entry.is_(True)).group_by(CheckIn.attendee_id)).all()
    firsts = dict(rows)
    assert all(firsts.get(attendee_of[c]) == 1 for c in seen)

    # A new server on the same database says so, and takes the rest of the queue.
    second = Gunicorn(env, tmp_path / "second.log", workers=2 if production else 1, production=production).wait_ready()
    try:
        client = Client()

        def scan(code):
            status, _h, body = client.request("POST", second.url + f"/api/v1/forums/{slug}/checkins",
                                              json_body={"code": code}, headers={"Authorization": f"Bearer {token}"})
            assert status == 200, body
            return body

        assert all(b"already_checked_in" in scan(c) for c in seen[:20] + seen[-20:])
        rest = [c for c in codes if attendee_of[c] not in firsts][:20]
        assert all(b'"ok"' in scan(c) for c in rest)
    finally:
        second.stop()

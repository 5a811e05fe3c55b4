"""Exactly once: concurrent scans of one ticket give one `ok` and the rest `already_checked_in`.

Run against the suite's database (SQLite, or PostgreSQL with TEST_DATABASE_URL): once with threads
in this process, once against TWO gunicorn server processes sharing one fresh database.
"""
from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from forum.accounts.tokens import issue_token
from forum.attendees.tickets import code_for
from forum.checkin.models import CheckIn
from forum.extensions import db
from tests.factories import AttendeeFactory, CheckInPointFactory, ForumFactory, TicketFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]


def _fire(send, jobs: list, threads: int) -> list:
    """Run send(job) for every job from `threads` threads released together; results in job order."""
    results = [None] * len(jobs)
    barrier = threading.Barrier(threads)
    lock = threading.Lock()
    pending = list(enumerate(jobs))

    def worker():
        barrier.wait()
        while True:
            with lock:
                if not pending:
                    return
                index, job = pending.pop()
            results[index] = send(job)

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    return results


@pytest.mark.committed
def test_concurrent_scans_in_one_process(app, committed):
    forum = ForumFactory()
    CheckInPointFactory(forum_id=forum.id, key="main-entrance")
    tickets = [TicketFactory(attendee=AttendeeFactory(forum=forum)) for _ in range(3)]
    user = UserFactory(role="scanner")
    token = issue_token(user, "race")
    db.session.commit()
    codes = [code_for(t) for t in tickets]
    slug = forum.slug

    def send(code):
        response = app.test_client().post(f"/api/v1/forums/{slug}/checkins", json={"code": code},
                                          headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.get_data(as_text=True)
        return code, response.json["result"]

    results = _fire(send, [c for c in codes for _ in range(8)], threads=12)
    for code in codes:
        assert Counter(r for c, r in results if c == code) == {"ok": 1, "already_checked_in": 7}
    db.session.rollback()  # end this thread's read snapshot, taken before the scans
    firsts = db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn).where(CheckIn.first_entry.is_(True)))
    assert firsts == 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 24


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def shared_database(tmp_path):
    """A fresh, migrated database of the suite's kind (SQLite file or new PostgreSQL database)."""
    wanted = os.environ.get("TEST_DATABASE_URL", "")
    dropper = None
    if wanted.startswith("postgresql"):
        from tests.support.databases import throwaway_postgres

        url, dropper = throwaway_postgres(wanted)
    else:
        url = f"sqlite:///{tmp_path / 'shared.db'}"
    yield url
    if dropper:
        dropper()


@pytest.mark.committed
def test_concurrent_scans_across_two_server_processes(shared_database, tmp_path):
    from flask_migrate import upgrade

    from tests.support.databases import make_test_app

    secret = secrets.token_hex(16)
    instance = tmp_path / "instance"
    instance.mkdir()
    seed_app = make_test_app(shared_database, instance, SECRET_KEY=secret)
    with seed_app.app_context():
        upgrade()
        forum = ForumFactory()
        CheckInPointFactory(forum_id=forum.id, key="main-entrance")
        tickets = [TicketFactory(attendee=AttendeeFactory(forum=forum)) for _ in range(4)]
        token = issue_token(UserFactory(role="scanner"), "race")
        db.session.commit()
        codes = [code_for(t) for t in tickets]
        slug = forum.slug
        db.session.remove()
        db.engine.dispose()

    env = dict(os.environ, FORUM_ENV="testing", FORUM_INSTANCE_PATH=str(instance), SECRET_KEY=secret,
               DATABASE_URL=shared_database, RATELIMIT_SCAN="100000 per minute")
    servers = []
    try:
        for n in range(2):
            port = _free_port()
            log = (tmp_path / f"server{n}.log").open("w")
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "8",
                 "wsgi:app"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            servers.append((f"http://127.0.0.1:{port}", process, log))
        for url, process, _log in servers:
            deadline = time.time() + 30
            while True:
                try:
                    with urllib.request.urlopen(url + "/healthz", timeout=1):
                        break
                except OSError:
                    if time.time() > deadline or process.poll() is not None:
                        raise RuntimeError("server did not start:\n" + (tmp_path / "server0.log").read_text())
                    time.sleep(0.2)

        def send(job):
            base, code, n = job
            body = json.dumps({"code": code, "nonce": f"race-{n:06d}-{secrets.token_hex(4)}"}).encode()
            request = urllib.request.Request(f"{base}/api/v1/forums/{slug}/checkins", data=body, method="POST",
                                             headers={"Content-Type": "application/json",
                                                      "Authorization": f"Bearer {token}"})
            with urllib.request.urlopen(request, timeout=30) as response:
                return code, base, json.loads(response.read())["result"]

        jobs = [(servers[n % 2][0], code, n) for n, code in enumerate(c for c in codes for _ in range(10))]
        results = _fire(send, jobs, threads=16)
        for code in codes:
            mine = [(base, r) for c, base, r in results if c == code]
            assert Counter(r for _b, r in mine) == {"ok": 1, "already_checked_in": 9}
            assert {b for b, _r in mine} == {servers[0][0], servers[1][0]}  # both processes took part
        engine = sa.create_engine(shared_database)
        with engine.connect() as conn:
            firsts = conn.execute(sa.text("SELECT attendee_id, count(*) FROM checkin WHERE first_entry "
                                          "GROUP BY attendee_id")).all()
            total = conn.execute(sa.text("SELECT count(*) FROM checkin")).scalar()
        engine.dispose()
        assert sorted(n for _a, n in firsts) == [1, 1, 1, 1] and total == 40
    finally:
        for _url, process, log in servers:
            process.terminate()
            process.wait(timeout=10)
            log.close()

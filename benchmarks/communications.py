"""Announcements: count and send to a group of 2,000 registered attendees, 10% of them unsubscribed.

    .venv/bin/python benchmarks/communications.py [--people 2000]
    .venv/bin/python benchmarks/communications.py --database postgresql     # PG_URL, default postgres@127.0.0.1:5432

Builds a fresh database, one forum and `people` registered HA attendees, opts a tenth of them out of
announcements, then times announcements.count() (what "Count recipients" runs), send_announcement()
(each mail composed in the person's language with its signed unsubscribe link and queued) and the
commit, after which the mail service writes the .eml files (the outbox: no MAIL_SERVER). The last
figure is the mail service's, not this package's. Goal: composing and queueing stays under 5 ms a person.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from checkin import fresh_database  # noqa: E402  (the same fresh SQLite file or PostgreSQL database)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="forum-bench-"))
    url, drop = fresh_database(args.database, folder)
    os.environ["FORUM_INSTANCE_PATH"] = str(folder)
    from datetime import datetime

    import sqlalchemy as sa
    from flask_migrate import upgrade

    from forum import create_app
    from forum.attendees.models import Attendee, AttendeeKind, AttendeeStatus
    from forum.cli import SystemActor
    from forum.communications import announcements, unsubscribe
    from forum.db import HK
    from forum.extensions import db
    from forum.forums.models import Forum, ForumStatus

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "MAIL_SERVER": None,
                      "MAIL_OUTBOX": str(folder / "outbox"), "BASE_URL": "https://forum.example"})
    try:
        with app.app_context():
            upgrade()
            forum = Forum(slug="bench", title_en="Bench Forum", title_zh="測試論壇", venue_en="HA Building",
                          venue_zh="醫管局大樓", starts_at=datetime(2026, 12, 8, 9, tzinfo=HK),
                          ends_at=datetime(2026, 12, 8, 13, tzinfo=HK), status=ForumStatus.live)
            db.session.add(forum)
            db.session.flush()
            db.session.execute(sa.insert(Attendee), [dict(
                forum_id=forum.id, kind=AttendeeKind.ha, status=AttendeeStatus.registered, name_en=f"Person {i}",
                name_zh=f"測試{i}", email=f"p{i}@ha.example", email_key=f"p{i}@ha.example", title="", department="",
                organisation="QMH", access_needs="", dietary_needs="", share_contact=False)
                for i in range(args.people)])
            for i in range(0, args.people, 10):
                unsubscribe.opt_out(unsubscribe.token_for(f"p{i}@ha.example", "announcements"))
            db.session.commit()
            words = {"subject_en": "Parking at {forum_venue}", "subject_zh": "{forum_venue}泊車",
                     "body_en": "Dear {name}, park at level 2.", "body_zh": "{name}您好：請於二樓泊車。"}
            start = time.perf_counter()
            counted = announcements.count(forum, "registered_not_arrived")
            count_ms = (time.perf_counter() - start) * 1000
            start = time.perf_counter()
            sent = announcements.send_announcement(SystemActor(), forum, {**words, "group": "registered_not_arrived"})
            queue_s = time.perf_counter() - start
            start = time.perf_counter()
            db.session.commit()
            deliver_s = time.perf_counter() - start
            print(f"{args.database}: {counted['recipients']} in the group, {counted['will_receive']} to receive")
            print(f"count: {count_ms:.0f} ms")
            each = queue_s / sent.queued * 1000
            print(f"compose and queue {sent.queued} mails: {queue_s:.2f} s ({each:.2f} ms a person)")
            print(f"commit, then the mail service writes the outbox: {deliver_s:.2f} s")
    finally:
        drop()


if __name__ == "__main__":
    main()

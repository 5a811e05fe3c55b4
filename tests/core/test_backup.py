"""`forum backup` and `forum restore` on a forum's data: back up, change, restore, compare (SQLite and PostgreSQL)."""
from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from forum.extensions import db

TABLES = ("forum", "user", "company", "attendee", "ticket", "checkin", "bookmark", "lead", "audit_event", "site")


def _seed() -> None:
    """A forum with attendees, tickets, check-ins, bookmarks and leads, through the app's own services."""
    from forum.accounts.services import create_user
    from forum.attendees.tickets import code_for
    from forum.checkin.services import check_in, parse_scan
    from forum.matchmaking.models import Bookmark, Lead
    from forum.permissions import SystemActor
    from tests.factories import AttendeeFactory, CheckInPointFactory, CompanyFactory, ForumFactory, TicketFactory

    forum = ForumFactory()
    CheckInPointFactory(forum_id=forum.id, key="main-entrance")
    scanner = create_user("door@hkstp.example", "scanner", password="door-password-1", actor=SystemActor())
    company = CompanyFactory()
    for n in range(12):
        ticket = TicketFactory(attendee=AttendeeFactory(forum=forum, name_zh=f"陳大文{n}"))
        if n % 2:
            check_in(scanner, forum, parse_scan({"code": code_for(ticket)}, device_id="test"))
        db.session.add(Lead(forum_id=forum.id, company_id=company.id, attendee_id=ticket.attendee_id, note="備註"))
        db.session.add(Bookmark(forum_id=forum.id, user_id=scanner.id, company_id=CompanyFactory().id, note=f"#{n}"))
    db.session.commit()


def _counts(conn) -> dict:
    return {t: conn.execute(sa.text(f'SELECT count(*) FROM "{t}"')).scalar() for t in TABLES}


@pytest.fixture
def fresh_app(tmp_path):
    from tests.support.databases import make_test_app, throwaway_postgres

    wanted = os.environ.get("TEST_DATABASE_URL", "")
    url, drop = (throwaway_postgres(wanted) if wanted.startswith("postgresql")
                 else (f"sqlite:///{tmp_path / 'live.db'}", None))
    previous = os.environ.get("FORUM_INSTANCE_PATH")
    app = make_test_app(url, tmp_path / "instance")
    try:
        with app.app_context():
            upgrade()
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        if previous is not None:
            os.environ["FORUM_INSTANCE_PATH"] = previous
        if drop:
            drop()


@pytest.mark.committed  # its own database: the suite's rolled-back session is not used
def test_backup_then_restore_brings_back_the_data(fresh_app, tmp_path):
    runner = fresh_app.test_cli_runner()
    _seed()
    with db.engine.connect() as conn:
        before = _counts(conn)
        names = conn.execute(sa.text("SELECT email, name_zh FROM attendee ORDER BY id")).all()
    assert before["attendee"] > 0 and before["checkin"] == 6 and before["bookmark"] == 12

    copy = tmp_path / "backups" / "forum.backup"
    result = runner.invoke(args=["forum", "backup", "-o", str(copy)])
    assert result.exit_code == 0, result.output
    assert copy.is_file() and copy.stat().st_size > 0

    # The day goes on after the backup: rows are deleted and added.
    with db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM bookmark"))
        conn.execute(sa.text("UPDATE attendee SET name_zh = 'changed'"))
        conn.execute(sa.text(
            "INSERT INTO forum (slug, title_en, title_zh, description_en, description_zh, venue_en, venue_zh,"
            " starts_at, ends_at, status, attendee_capacity, booth_capacity, staff_per_booth, demo_slot_count,"
            " door_shows_access_needs, retention_months, created_at, updated_at) VALUES ('after', 'After', '後', '',"
            " '', '', '', :t, :e, 'draft', 1, 1, 1, 0, false, 12, :t, :t)"),
            {"t": "2027-01-01 01:00:00+00:00", "e": "2027-01-01 09:00:00+00:00"})
    db.session.remove()

    result = runner.invoke(args=["forum", "restore", str(copy), "--yes"])
    assert result.exit_code == 0, result.output
    with db.engine.connect() as conn:
        assert _counts(conn) == before
        assert conn.execute(sa.text("SELECT email, name_zh FROM attendee ORDER BY id")).all() == names
        assert conn.execute(sa.text("SELECT count(*) FROM forum WHERE slug = 'after'")).scalar() == 0
    # The app serves from the restored database straight away.
    assert fresh_app.test_client().get("/healthz").json == {"status": "ok"}


@pytest.mark.committed
def test_restore_refuses_a_file_that_is_not_a_backup(fresh_app, tmp_path):
    bogus = tmp_path / "not-a-backup.db"
    bogus.write_bytes(b"hello")
    result = fresh_app.test_cli_runner().invoke(args=["forum", "restore", str(bogus), "--yes"])
    assert result.exit_code != 0
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar() == 1  # untouched
    missing = fresh_app.test_cli_runner().invoke(args=["forum", "backup"])
    assert missing.exit_code != 0 and "-o FILE" in missing.output

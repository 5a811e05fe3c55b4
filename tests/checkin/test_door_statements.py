"""What a scan costs the database: two statements, each its own transaction, on SQLite and PostgreSQL.

The sign-in with the read of the forum, the point and the ticket riding in its statement, and the
INSERT; no BEGIN and no COMMIT travel to the database. The unique indexes, not a transaction, keep entry exactly-once
(test_concurrency). These tests need real commits: the rollback harness binds the session to a
connection already in a transaction.
"""
from __future__ import annotations

import os
from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum.accounts.models import ApiToken
from forum.accounts.tokens import issue_token
from forum.attendees.tickets import code_for
from forum.checkin.models import CheckIn, CheckInPoint, ScanResult, counts_as_arrival
from forum.db import utcnow
from forum.extensions import db
from tests.factories import AttendeeFactory, CheckInPointFactory, ForumFactory, TicketFactory, UserFactory
from tests.support.databases import in_transaction


@pytest.fixture
def door(app, committed):
    forum = ForumFactory()
    CheckInPointFactory(forum_id=forum.id, key="main-entrance")
    ticket = TicketFactory(attendee=AttendeeFactory(forum=forum))
    user = UserFactory(role="scanner")
    token = issue_token(user, "door")
    db.session.flush()
    db.session.execute(sa.update(ApiToken).values(last_used_at=utcnow()))  # no last-used write in the way
    db.session.commit()
    return forum.slug, code_for(ticket), token


def _scan(app, slug, code, token):
    return app.test_client().post(f"/api/v1/forums/{slug}/checkins", json={"code": code, "point": "main-entrance"},
                                  headers={"Authorization": f"Bearer {token}"})


@pytest.mark.committed
def test_a_scan_sends_no_begin_and_no_commit(app, door):
    slug, code, token = door
    seen = []

    def before(conn, _cursor, statement, _params, _context, _many):
        seen.append((statement.split()[0], in_transaction(conn.connection.dbapi_connection)))

    sa.event.listen(db.engine, "before_cursor_execute", before)
    try:
        response = _scan(app, slug, code, token)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before)
    assert response.status_code == 200 and response.json["result"] == "ok"
    assert [kind for kind, _ in seen] == ["SELECT", "INSERT"]
    assert [inside for _, inside in seen] == [False] * len(seen)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 1


@pytest.mark.committed
def test_a_scan_still_notes_when_the_token_was_last_used(app, door):
    slug, code, token = door
    an_hour_ago = utcnow() - timedelta(hours=1)
    db.session.execute(sa.update(ApiToken).values(last_used_at=an_hour_ago))
    db.session.commit()
    response = _scan(app, slug, code, token)
    assert response.status_code == 200 and response.json["result"] == "ok"
    db.session.rollback()
    assert db.session.scalar(sa.select(ApiToken.last_used_at)) > an_hour_ago + timedelta(minutes=30)


@pytest.mark.committed
def test_a_scan_leaves_its_connection_s_mode_alone(app, door, monkeypatch):
    slug, code, token = door
    db.session.remove()
    db.engine.dispose()
    db.engine.connect().close()  # one connection in the pool, set up as every new one: the scan's
    switched, dialect = [], db.engine.dialect
    set_isolation_level = dialect.set_isolation_level
    monkeypatch.setattr(dialect, "set_isolation_level", lambda dbapi_connection, level: (
        switched.append(level), set_isolation_level(dbapi_connection, level)))
    assert _scan(app, slug, code, token).status_code == 200
    assert switched == []  # the drivers stay in autocommit mode: nothing to switch to and back
    with db.engine.connect() as conn:  # the one the scan used, for code that runs in a transaction
        conn.execute(sa.text("SELECT 1"))
        assert in_transaction(conn.connection.dbapi_connection)


def _statements(app, slug, token, body, texts=None):
    seen, texts = [], texts if texts is not None else []

    def before(_conn, _cursor, statement, *_args):
        seen.append(statement.split()[0])
        texts.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", before)
    try:
        response = app.test_client().post(f"/api/v1/forums/{slug}/checkins", json=body,
                                          headers={"Authorization": f"Bearer {token}"})
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before)
    return response, seen


@pytest.mark.committed
def test_a_scan_the_sign_in_could_not_read_for_reads_for_itself(app, door):
    slug, code, token = door
    point = db.session.scalar(sa.select(CheckInPoint.id))
    response, seen = _statements(app, slug, token, {"code": f"  {code} ", "point": point})  # as typed, as a number
    assert response.status_code == 200 and response.json["result"] == "ok"
    assert response.json["point"] == "main-entrance"
    assert seen == ["SELECT", "SELECT", "INSERT"]


@pytest.mark.committed
def test_a_scan_at_a_forum_that_does_not_exist_is_404_after_one_statement(app, door):
    _slug, code, token = door
    response, seen = _statements(app, "no-such-forum", token, {"code": code, "point": "main-entrance"})
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    assert seen == ["SELECT"]


@pytest.mark.committed
def test_a_scan_with_a_nonce_is_two_statements_and_its_resend_one(app, door):
    slug, code, token = door
    body = {"code": code, "point": "main-entrance", "nonce": "phone-1-000001", "device_id": "phone-1"}
    first, seen = _statements(app, slug, token, body)
    assert first.status_code == 200 and first.json["result"] == "ok"
    assert seen == ["SELECT", "INSERT"]
    again, seen = _statements(app, slug, token, body)
    assert again.json == first.json
    assert seen == ["SELECT"]  # the stored answer came with the sign-in's read
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 1


@pytest.mark.committed
def test_only_a_scan_with_a_nonce_looks_up_scans_by_nonce(app, door):
    # A plan PostgreSQL made while the scans table was empty reads all of it: no scan pays for a
    # lookup it does not need. Every scan looks for its holder's first entry (a unique index's probe).
    slug, code, token = door
    texts = []
    assert _statements(app, slug, token, {"code": code, "point": "main-entrance"}, texts)[0].status_code == 200
    assert "JOIN checkin ON" not in texts[0] and "JOIN checkin AS first_entry ON" in texts[0]
    texts.clear()
    assert _statements(app, slug, token, {"code": code, "nonce": "phone-1-000002"}, texts)[0].status_code == 200
    assert "JOIN checkin ON" in texts[0]


@pytest.mark.committed
def test_a_scan_of_someone_already_in_is_two_statements_and_writes_no_refused_row(app, door):
    # The door's read brings the attendee's live first entry: a second scan records its
    # already_checked_in row at once, instead of a refused INSERT, a read and another INSERT.
    slug, code, token = door
    first = _scan(app, slug, code, token)
    assert first.json["result"] == "ok"
    again, seen = _statements(app, slug, token, {"code": code, "point": "main-entrance"})
    assert again.status_code == 200 and again.json["result"] == "already_checked_in"
    assert again.json["checked_in_at"] == first.json["checked_in_at"] and again.json["point"] == "main-entrance"
    assert again.json["attendee"] == first.json["attendee"]
    assert seen == ["SELECT", "INSERT"]
    with_nonce, seen = _statements(app, slug, token, {"code": code, "point": "main-entrance",
                                                      "nonce": "phone-1-000003", "device_id": "phone-1"})
    assert with_nonce.json["result"] == "already_checked_in" and seen == ["SELECT", "INSERT"]
    db.session.rollback()
    assert db.session.execute(sa.select(CheckIn.result, CheckIn.first_entry).order_by(CheckIn.id)).all() == [
        (ScanResult.ok, True), (ScanResult.already_checked_in, False), (ScanResult.already_checked_in, False)]


@pytest.mark.committed
def test_the_scan_s_row_reads_back_as_the_scan_wrote_it(app, door):
    # The INSERT goes to the driver with each column's own conversion: times in UTC, the enum's
    # value, the answer as JSON, the device and the nonce as sent.
    slug, code, token = door
    before = utcnow()
    answer = app.test_client().post(f"/api/v1/forums/{slug}/checkins", headers={"Authorization": f"Bearer {token}"},
                                    json={"code": code, "point": "main-entrance", "nonce": "phone-1-000001",
                                          "device_id": "phone-1", "scanned_at": "2026-11-28T09:30:00+08:00"})
    assert answer.status_code == 200 and answer.json["result"] == "ok"
    db.session.rollback()
    row = db.session.scalars(sa.select(CheckIn)).one()
    assert (row.result, row.first_entry, row.nonce, row.device_id) == (ScanResult.ok, True, "phone-1-000001", "phone-1")
    assert row.scanned_at.isoformat() == "2026-11-28T01:30:00+00:00"
    assert row.received_at.utcoffset() == timedelta(0) and before <= row.received_at <= utcnow()
    assert row.answer == answer.json and row.answer["attendee"]["name_zh"]
    assert (row.annulled_at, row.annul_reason) == (None, "")


@pytest.mark.committed
def test_after_the_first_entry_is_annulled_the_next_scan_is_the_first_again(app, door):
    slug, code, token = door
    assert _scan(app, slug, code, token).json["result"] == "ok"
    db.session.rollback()  # a fresh transaction: the scan wrote after this session last read
    db.session.execute(sa.update(CheckIn).values(annulled_at=utcnow(), annul_reason="scanned the wrong badge"))
    db.session.commit()
    again, seen = _statements(app, slug, token, {"code": code, "point": "main-entrance"})
    assert again.json["result"] == "ok" and seen == ["SELECT", "INSERT"]
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn).where(counts_as_arrival())) == 1


@pytest.mark.committed
def test_a_first_entry_made_after_the_door_read_still_wins_alone(app, door, monkeypatch):
    # Another scanner admits the person between this scan's read and its INSERT: the unique index
    # refuses this one's first entry, and it answers already_checked_in with the winner's time.
    from forum.checkin import services

    slug, code, token = door
    real_insert, raced = services._try_insert, []

    def insert_after_a_rival(values):
        if values["first_entry"] and not raced:
            raced.append(True)
            assert real_insert(dict(values, nonce="rival-scan", device_id="rival"))
        return real_insert(values)

    monkeypatch.setattr(services, "_try_insert", insert_after_a_rival)
    response = _scan(app, slug, code, token)
    assert response.json["result"] == "already_checked_in"
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn).where(counts_as_arrival())) == 1


def _plan(sql: str) -> str:
    """SQLite's plan for a compiled statement (its parameters as 1: the plan does not depend on them)."""
    raw = db.session.connection().connection.dbapi_connection
    return "\n".join(row[3] for row in raw.execute("EXPLAIN QUERY PLAN " + sql.replace("?", "1")))


def test_the_first_entry_lookups_probe_the_unique_index_not_every_arrival(app):
    # With `first_entry IS 1` SQLite could not use the partial index uq_checkin_first_entry and read
    # every arrival of the forum through ix_checkin_forum_first on each scan of someone already in.
    from forum.checkin import door, services

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's planner (PostgreSQL's plan for the door's read is in docs/checkin.md)")
    for statement in (door._DOOR[True, False], door._DOOR[False, True], services._LIVE_FIRST_ENTRY):
        plan = _plan(str(statement.compile(db.engine)))
        assert "first_entry USING INDEX uq_checkin_first_entry (forum_id=? AND attendee_id=?)" in plan \
            or "checkin USING INDEX uq_checkin_first_entry (forum_id=? AND attendee_id=?)" in plan, plan


@pytest.mark.committed
@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="psycopg's description of a result: PostgreSQL (TEST_DATABASE_URL)")
def test_a_scan_describes_no_column_of_its_results(app, door, monkeypatch):
    # psycopg made a Column object for each of the sign-in row's 31 columns on every scan, which
    # SQLAlchemy does not read for a statement it has run before (forum/pg_cursor.py).
    from psycopg._column import Column

    slug, code, token = door
    assert _scan(app, slug, code, token).json["result"] == "ok"  # every statement run once
    described, real_init = [], Column.__init__

    def counted(self, cursor, index):
        described.append(index)
        real_init(self, cursor, index)

    monkeypatch.setattr(Column, "__init__", counted)
    again, seen = _statements(app, slug, token, {"code": code, "point": "main-entrance"})
    assert again.json["result"] == "already_checked_in" and again.json["attendee"]["name_en"]
    assert seen == ["SELECT", "INSERT"] and described == []

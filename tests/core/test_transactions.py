"""Transactions on SQLite and PostgreSQL: the drivers stay in autocommit mode and the app sends BEGIN
itself (forum.db.begin_transactions). Code outside the door still runs in real transactions, and the
app's engine has no listener that SQLAlchemy would dispatch around every statement."""
from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from forum.db import write_transactions
from forum.extensions import db
from tests.support.databases import in_transaction, make_test_app


@pytest.mark.committed
@pytest.mark.parametrize("writing", [True, False])
def test_code_outside_the_door_runs_in_a_transaction_that_rolls_back(app, committed, writing):
    with write_transactions(writing), db.engine.connect() as conn:
        conn.execute(sa.text("CREATE TABLE rollback_probe (n integer)"))
        assert in_transaction(conn.connection.dbapi_connection)
        conn.execute(sa.text("INSERT INTO rollback_probe VALUES (1)"))
        conn.rollback()
        assert not in_transaction(conn.connection.dbapi_connection)
        assert not sa.inspect(conn).has_table("rollback_probe")


@pytest.mark.committed
def test_a_commit_reaches_the_database(app, committed):
    with db.engine.connect() as conn:
        conn.execute(sa.text("CREATE TABLE commit_probe (n integer)"))
        conn.execute(sa.text("INSERT INTO commit_probe VALUES (1)"))
        conn.commit()
    try:
        with db.engine.connect() as other:
            assert other.scalar(sa.text("SELECT n FROM commit_probe")) == 1
    finally:
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE commit_probe"))


def test_the_app_s_engine_dispatches_no_event_around_its_statements(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("FORUM_INSTANCE_PATH", str(tmp_path))  # make_test_app sets it; put back after
    fresh = make_test_app(database_url, tmp_path)
    with fresh.app_context():
        try:
            # Any engine listener (a "begin" one included) has SQLAlchemy dispatch events around each
            # statement of every connection: 4% of a door scan.
            assert not db.engine._has_events
        finally:
            db.engine.dispose()


@pytest.mark.committed
def test_a_connection_given_another_isolation_level_runs_one_transaction_then_comes_back(app, committed, caplog):
    caplog.set_level(logging.INFO, logger="sqlalchemy.dialects.postgresql")  # where psycopg's notices go
    with db.engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE level_probe (n integer)"))
    try:
        with db.engine.connect().execution_options(isolation_level="SERIALIZABLE") as conn:
            conn.execute(sa.text("INSERT INTO level_probe VALUES (1)"))  # the driver begins by itself
            assert in_transaction(conn.connection.dbapi_connection)
            conn.rollback()
        # PostgreSQL warns of a BEGIN sent inside a transaction: the app sent none of its own.
        assert "already a transaction in progress" not in caplog.text
        with db.engine.connect() as conn:  # the same connection, back in the pool's usual mode
            assert conn.scalar(sa.text("SELECT count(*) FROM level_probe")) == 0
            assert in_transaction(conn.connection.dbapi_connection)  # begun by the app
            driver = conn.connection.dbapi_connection
            assert getattr(driver, "autocommit", None) is True or getattr(driver, "isolation_level", "") is None
    finally:
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE level_probe"))

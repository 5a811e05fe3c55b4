"""PostgreSQL cursors describe their columns on first read (forum/pg_cursor.py), as psycopg would."""
from __future__ import annotations

import os

import psycopg
import pytest

from forum.extensions import db
from forum.pg_cursor import Description, DescribedOnDemand

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                                reason="psycopg cursors: PostgreSQL (TEST_DATABASE_URL)")

QUERY = "SELECT 1 AS number, 'tsang'::text AS name, now() AS at"


@pytest.fixture
def connection(app):
    """A psycopg connection from the app's pool, as SQLAlchemy hands them out."""
    raw = db.engine.raw_connection()
    yield raw.driver_connection
    raw.close()


def _described(cursor) -> list[tuple]:
    return [(column.name, column.type_code, column.internal_size) for column in cursor.description]


def test_the_app_s_connections_describe_a_result_as_psycopg_does(connection):
    cursor = connection.cursor()
    assert type(cursor) is DescribedOnDemand
    cursor.execute(QUERY)
    ours = cursor.description
    plain = psycopg.Cursor(connection)
    plain.execute(QUERY)
    assert isinstance(ours, Description) and len(ours) == 3
    assert _described(cursor) == _described(plain) == [("number", 23, 4), ("name", 25, None), ("at", 1184, 8)]
    assert ours[-1].name == "at" and [column.name for column in ours[1:]] == ["name", "at"]
    assert cursor.fetchone()[:2] == (1, "tsang")


def test_a_description_read_after_the_cursor_moved_on_still_tells_its_own_result(connection):
    cursor = connection.cursor()
    cursor.execute(QUERY)
    taken = cursor.description  # kept, not read yet
    cursor.execute("SELECT 'x' AS other")
    assert [column.name for column in taken] == ["number", "name", "at"]
    assert [column.name for column in cursor.description] == ["other"]


def test_a_statement_without_rows_has_no_description_and_one_with_no_columns_an_empty_one(connection):
    cursor = connection.cursor()
    cursor.execute("CREATE TEMPORARY TABLE scratch (id integer)")
    assert cursor.description is None
    cursor.execute("SELECT")
    assert cursor.description is not None and len(cursor.description) == 0 and list(cursor.description) == []

"""A psycopg cursor that describes its columns only when someone reads the description.

psycopg builds a Column object for every column of every result, whether or not it is read. SQLAlchemy
asks for the description after each statement but, for a statement it has compiled and run before
(every statement the app runs more than once), keeps the result's columns from the first time and
reads the new description only for its length. The door's sign-in reads 31 columns in one statement,
and describing them took 7% of a scan's CPU; without it a scan costs 5% less (docs/benchmarks.md,
ninth session). Here the description is a sequence that builds those Column objects from the result
it was taken from, on first access. It builds them with psycopg's own Column(cursor, index), from the
psycopg pinned in requirements.txt; tests/core/test_pg_cursor.py compares the two descriptions.
"""
from __future__ import annotations

from collections.abc import Sequence

import psycopg
from psycopg import pq
from psycopg._column import Column
from sqlalchemy import event
from sqlalchemy.engine import Engine

_HAS_COLUMNS = (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.SINGLE_TUPLE, pq.ExecStatus.TUPLES_CHUNK)


class _ResultShape:
    """What Column() reads from a cursor, fixed to one result: the description stays true to the
    statement it was taken after, even if it is read after the cursor ran another one."""

    __slots__ = ("pgresult", "_encoding", "adapters")

    def __init__(self, cursor: psycopg.Cursor):
        self.pgresult, self._encoding, self.adapters = cursor.pgresult, cursor._encoding, cursor.adapters


class Description(Sequence):
    """The cursor's description as psycopg gives it (a sequence of Column), built on first read."""

    __slots__ = ("_shape", "_count", "_columns")

    def __init__(self, cursor: psycopg.Cursor, count: int):
        self._shape, self._count, self._columns = _ResultShape(cursor), count, None

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        if self._columns is None:
            self._columns = [Column(self._shape, i) for i in range(self._count)]
        return self._columns[index]


class DescribedOnDemand(psycopg.Cursor):
    @property
    def description(self) -> Description | None:
        result = self.pgresult
        # As psycopg: columns when the result has fields, or when it says it holds rows ("SELECT ;").
        if result and (result.nfields or result.status in _HAS_COLUMNS):
            return Description(self, result.nfields)
        return None


def configure_postgresql(engine: Engine) -> None:
    """Every PostgreSQL connection of `engine` makes DescribedOnDemand cursors."""
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.cursor_factory = DescribedOnDemand

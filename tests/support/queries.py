"""Counting the SQL statements a block runs, for the bounded-queries tests."""
from __future__ import annotations

from contextlib import contextmanager

import sqlalchemy as sa

from forum.extensions import db


@contextmanager
def counted_queries():
    """Count the SQL statements run inside the block: `with counted_queries() as q: ...; q.count`."""
    class Counter:
        count = 0
        statements: list[str] = []

    counter = Counter()
    counter.statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN")):
            counter.count += 1
            counter.statements.append(statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)

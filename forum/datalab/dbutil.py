"""INSERT ... ON CONFLICT DO NOTHING RETURNING id, on SQLite and PostgreSQL.

A row a unique index refuses is simply not inserted (None comes back): the database decides who
wins, without a SAVEPOINT and without an exception.
"""
from __future__ import annotations

from ..extensions import db


def insert_unless_taken(model, **values) -> int | None:
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = model.__table__
    stmt = insert(table).values(**values).on_conflict_do_nothing().returning(table.c.id)
    session.flush()
    return session.execute(stmt).scalar()

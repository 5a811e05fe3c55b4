"""Every migration from the first revision to the head, on a database that holds data all the way.

After each revision is applied it is also taken back one step and applied again (its downgrade works
on a database with rows in it); then every table that is new at that revision gets rows, and every
row put in so far is read back unchanged. At the head, the last revision goes down and up once more
with every table full. SQLite and PostgreSQL (TEST_DATABASE_URL).
"""
from __future__ import annotations

import json
import os
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from forum.extensions import db

REFERENCE = {"alembic_version", "cluster", "site", "theme"}  # loaded by the migrations themselves
# Values that satisfy the check constraints of the few columns that have one.
CHOSEN = {("user", "role"): "ha_staff", ("meeting_participant", "side"): "ha", ("pilot_document", "kind"): "agreement",
          ("forum_survey", "audience"): "attendees", ("site", "kind"): "hospital"}
T0 = datetime(2026, 12, 8, 1, 0, tzinfo=timezone.utc)


def _value(table: sa.Table, column: sa.Column, k: int, ids: dict):
    name = column.name
    later = "end" in name or "until" in name
    kind = column.type
    if (table.name, name) in CHOSEN:
        return CHOSEN[(table.name, name)]
    if isinstance(kind, sa.DateTime):
        return T0 + timedelta(hours=k + (2 if later else 0))
    if isinstance(kind, sa.Date):
        return date(2026, 12, 1 + k + (5 if later else 0))
    if isinstance(kind, sa.Boolean):
        return bool(k)
    if isinstance(kind, sa.Integer):
        return 1
    if isinstance(kind, (sa.Float, sa.Numeric)):
        return 1
    if isinstance(kind, sa.LargeBinary):
        return f"{table.name}:{name}:{k}".encode()[-10:]
    if isinstance(kind, sa.JSON):
        return []
    if isinstance(kind, (sa.String, sa.Text)):
        text = f"{name[:6]}{k}·{table.name[:8]}陳"
        length = getattr(kind, "length", None)
        return text[-length:] if length else text
    raise AssertionError(f"no sample value for {table.name}.{name} ({kind!r})")


def _target(column: sa.Column) -> str:
    return next(iter(column.foreign_keys)).target_fullname.split(".")[0]


def _row(table: sa.Table, k: int, ids: dict) -> dict | None:
    row, used = {}, {}
    for column in table.columns:
        if (column.primary_key and len(table.primary_key.columns) == 1 and not column.foreign_keys
                and isinstance(column.type, sa.Integer)):
            continue  # autoincrement
        if column.nullable or column.server_default is not None:
            continue
        if column.foreign_keys:
            target = _target(column)
            choices = ids.get(target) or []
            n = used.get(target, 0)
            used[target] = n + 1
            if len(choices) <= n:
                return None
            row[column.name] = choices[(k + n) % len(choices)]
        else:
            row[column.name] = _value(table, column, k, ids)
    return row


def _new_tables(conn, seeded: set) -> list[sa.Table]:
    """The tables this revision added, parents before children (reflected alone: reflection is slow)."""
    names = set(sa.inspect(conn).get_table_names()) - seeded
    meta = sa.MetaData()
    meta.reflect(bind=conn, only=sorted(names), resolve_fks=False)
    ordered, pending = [], dict(meta.tables)
    while pending:
        ready = [t for t in pending.values()
                 if not any(_target(c) in pending and _target(c) != t.name for c in t.columns if c.foreign_keys)]
        assert ready, f"foreign key cycle among {sorted(pending)}"
        for table in sorted(ready, key=lambda t: t.name):
            ordered.append(pending.pop(table.name))
    return ordered


def _seed(conn, tables: list[sa.Table], ids: dict, rows: dict) -> None:
    for table in tables:
        pk = list(table.primary_key.columns)
        for k in range(2):
            values = _row(table, k, ids)
            if values is None:
                continue
            try:
                with conn.begin_nested():
                    key = tuple(conn.execute(table.insert().values(**values).returning(*pk)).one())
            except sa.exc.IntegrityError:
                continue  # e.g. the second row of a pair that must be unique or ordered
            rows.setdefault(table.name, []).append((dict(zip([c.name for c in pk], key)), values))
            if len(pk) == 1:
                ids.setdefault(table.name, []).append(key[0])


def _same(found, given) -> bool:
    """Raw column values (text on SQLite) against what was inserted."""
    if isinstance(given, datetime):
        found = datetime.fromisoformat(found) if isinstance(found, str) else found
        return found.replace(tzinfo=found.tzinfo or timezone.utc) == given
    if isinstance(given, date):
        return (date.fromisoformat(found) if isinstance(found, str) else found) == given
    if isinstance(given, bool):
        return bool(found) == given
    if isinstance(given, bytes):
        return bytes(found) == given
    if isinstance(given, list):
        return (json.loads(found) if isinstance(found, str) else found) == given
    return found == given


def _check(conn, rows: dict, skip: set = frozenset()) -> int:
    """Every row put in is there with the values it was given (columns a later revision dropped aside)."""
    checked = 0
    for name, entries in rows.items():
        if name in skip:
            continue
        result = conn.execute(sa.text(f'SELECT * FROM "{name}"')).mappings().all()
        pk = list(entries[0][0])
        found = {tuple(r[k] for k in pk): r for r in result}
        for key, values in entries:
            row = found[tuple(key[k] for k in pk)]
            for column, value in values.items():
                if column in row:
                    assert _same(row[column], value), (name, column, row[column], value)
            checked += 1
    return checked


@pytest.mark.committed  # its own database, migrated step by step
def test_every_revision_up_and_one_down_keeps_the_data(tmp_path):
    from tests.support.databases import make_test_app, throwaway_postgres

    wanted = os.environ.get("TEST_DATABASE_URL", "")
    url, drop = (throwaway_postgres(wanted) if wanted.startswith("postgresql")
                 else (f"sqlite:///{tmp_path / 'path.db'}", None))
    previous = os.environ.get("FORUM_INSTANCE_PATH")
    app = make_test_app(url, tmp_path / "instance")
    try:
        with app.app_context():
            script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
            order = [r.revision for r in reversed(list(script.walk_revisions()))]
            assert len(order) >= 14 and script.get_current_head() == order[-1]
            ids: dict = {}
            rows: dict = {}
            seeded: set = set(REFERENCE)
            for n, revision in enumerate(order):
                upgrade(revision=revision)
                downgrade(revision=order[n - 1] if n else "base")
                upgrade(revision=revision)
                with db.engine.begin() as conn:
                    _check(conn, rows)  # what earlier revisions held survived this one, down and up
                    present = set(sa.inspect(conn).get_table_names())
                    for name in REFERENCE & present - {"alembic_version"}:
                        ids[name] = list(conn.execute(sa.text(f'SELECT id FROM "{name}" ORDER BY id')).scalars())
                    new = _new_tables(conn, seeded)
                    _seed(conn, new, ids, rows)
                    seeded |= {t.name for t in new}
                    last_new = {t.name for t in new}
            # Every table of the head holds rows (the filler reached it), and they all survive.
            from forum import models  # noqa: F401

            empty = {t.name for t in db.metadata.sorted_tables} - set(rows) - REFERENCE
            assert not empty, f"tables never filled: {sorted(empty)}"
            with db.engine.connect() as conn:
                total = _check(conn, rows)
            downgrade(revision=order[-2])
            with db.engine.connect() as conn:
                kept = _check(conn, rows, skip=last_new)  # only the last revision's tables went
            upgrade()
            with db.engine.connect() as conn:
                assert _check(conn, rows, skip=last_new) == kept
            assert total - kept == sum(len(rows[name]) for name in last_new)
            db.engine.dispose()
    finally:
        if previous is not None:
            os.environ["FORUM_INSTANCE_PATH"] = previous
        if drop:
            drop()

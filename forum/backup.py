"""Consistent copies of the database, and putting one back.

SQLite: the online backup API copies the live file page by page inside one read transaction, so
the copy is consistent while the app keeps serving (a plain `cp` of a WAL database is not).
Restoring copies the backup into the live database with the same API, under SQLite's write lock.
PostgreSQL: pg_dump and pg_restore do this (custom format; pg_dump reads one snapshot). They are run
when installed (the PostgreSQL client package), otherwise `pg_commands()` gives the command lines.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa


class BackupError(Exception):
    pass


def sqlite_path(url: str) -> str | None:
    """The database file of a SQLite URL (None for other databases or an in-memory one)."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return parsed.database


def pg_commands(url: str, path: str) -> tuple[str, str]:
    """The pg_dump and pg_restore command lines for this PostgreSQL URL (libpq spells it postgresql://)."""
    plain = sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=True)
    return (f"pg_dump --format=custom --no-owner --file {path} '{plain}'",
            f"pg_restore --clean --if-exists --no-owner --single-transaction --dbname '{plain}' {path}")


def _libpq(url: str) -> tuple[str, dict]:
    """The URL as libpq reads it, without the password (which goes in PGPASSWORD, not on a command line)."""
    parsed = sa.engine.make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    return parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def run_pg(tool: str, url: str, path: str | Path) -> None:
    """pg_dump to, or pg_restore from, `path`; BackupError with the command line when the tool is absent."""
    dump, restore = pg_commands(url, str(path))
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed (apt-get install postgresql-client); run:\n  "
                          + (dump if tool == "pg_dump" else restore))
    dbname, env = _libpq(url)
    if tool == "pg_dump":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        args = ["pg_dump", "--format=custom", "--no-owner", "--file", str(path), "--dbname", dbname]
    else:
        if not Path(path).is_file():
            raise BackupError(f"no backup at {path}")
        args = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                "--exit-on-error", "--dbname", dbname, str(path)]
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip()[-2000:]}")


def _check(connection: sqlite3.Connection, what: str) -> int:
    """Integrity check, and that it is this app's database; returns its table count."""
    if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
        raise BackupError(f"{what} fails SQLite's integrity check")
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "alembic_version" not in tables or "forum" not in tables:
        raise BackupError(f"{what} is not a database of this app")
    return len(tables)


def backup_sqlite(url: str, destination: str | Path) -> int:
    """Copy the live database to `destination` (replaced if it exists); returns the number of tables."""
    source_path = sqlite_path(url)
    if source_path is None:
        raise BackupError("not a SQLite database file")
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    target = sqlite3.connect(partial)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        tables = _check(target, "the copy")
    finally:
        target.close()
        source.close()
    partial.replace(destination)  # a half-written copy never has the final name
    return tables


def restore_sqlite(url: str, backup: str | Path) -> int:
    """Replace the live database's content with the backup's; returns the number of tables."""
    target_path = sqlite_path(url)
    if target_path is None:
        raise BackupError("not a SQLite database file")
    backup = Path(backup)
    if not backup.is_file():
        raise BackupError(f"no backup at {backup}")
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        tables = _check(source, str(backup))
        target = sqlite3.connect(target_path, timeout=30)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
    return tables


def backup(url: str, destination: str | Path) -> str:
    """A consistent copy of the database at `url`, by the means its kind has; says what was done."""
    if sqlite_path(url) is None:
        run_pg("pg_dump", url, destination)
        return f"backed up with pg_dump to {destination}"
    return f"backed up {backup_sqlite(url, destination)} tables to {destination}"


def restore(url: str, backup_file: str | Path) -> str:
    """Put a copy made by backup() into the database at `url`; says what was done."""
    if sqlite_path(url) is None:
        run_pg("pg_restore", url, backup_file)
        return f"restored with pg_restore from {backup_file}"
    return f"restored {restore_sqlite(url, backup_file)} tables from {backup_file}"

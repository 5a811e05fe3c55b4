"""Column types and engine settings shared by every feature."""
from __future__ import annotations

import select
import time
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone
from functools import wraps
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy import event
from sqlalchemy.engine import Engine

HK = ZoneInfo("Asia/Hong_Kong")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(sa.TypeDecorator):
    """Timezone-aware datetimes stored as UTC on every database.

    SQLite has no timezone type, so values are stored naive-in-UTC there and made
    aware again on the way out; PostgreSQL uses timestamptz.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware datetime")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


# Every engine's driver stays in its autocommit mode, and begin_transactions sends BEGIN itself.
# Flask-SQLAlchemy gives these options to every engine it makes (forum/extensions.py).
ENGINE_DEFAULTS = {"isolation_level": "AUTOCOMMIT"}


def configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys and a busy timeout on every SQLite connection."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def begin_transactions(engine: Engine) -> None:
    """Each transaction SQLAlchemy begins on `engine` starts with a BEGIN the app sends, on SQLite
    and PostgreSQL alike; SQLAlchemy's commit and rollback reach the driver, which sends COMMIT or
    ROLLBACK while a transaction is open.

    The drivers stay in autocommit mode (ENGINE_DEFAULTS), so neither begins one by itself.
    pysqlite's own transaction handling breaks SAVEPOINT (SQLAlchemy docs, "Serializable isolation /
    Savepoints / Transactional DDL"). And a request whose statements each commit by themselves
    (autocommit_statements) needs no switch of the connection's mode: switching psycopg's
    connection to autocommit and back for every door scan cost 2.4% of the scan.

    Sent from the dialect's do_begin, SQLAlchemy's hook for starting a driver's transaction, not
    from a "begin" event listener: an engine with any listener has SQLAlchemy dispatch events
    around each of its statements, which cost a door scan 4%.
    """
    if engine.dialect.name not in ("sqlite", "postgresql"):
        return
    sqlite = engine.dialect.name == "sqlite"

    def do_begin(dbapi_connection) -> None:
        if autocommitting():
            return  # no BEGIN: each statement is its own transaction (see autocommit_statements)
        if sqlite:
            if dbapi_connection.isolation_level is None:  # else pysqlite begins by itself
                # Code that declared it changes things (see writes) takes the write lock up front
                # (IMMEDIATE), so concurrent writers queue on the busy timeout instead of one failing
                # with "database is locked" when it upgrades a read snapshot. Reads use a deferred
                # BEGIN and stay concurrent.
                dbapi_connection.execute("BEGIN IMMEDIATE" if _writing.get() else "BEGIN")
        elif dbapi_connection.autocommit:  # else (another isolation level asked for) psycopg begins
            dbapi_connection.execute("BEGIN", prepare=False)

    engine.dialect.do_begin = do_begin


def check_connections_in_doubt(engine: Engine, idle_seconds: float) -> None:
    """Make sure a pooled PostgreSQL connection is alive before handing it out, at little cost.

    pool_pre_ping sends "SELECT 1" at every checkout: a round trip that was a tenth of a door
    scan's CPU. Here only a connection in doubt is pinged: one the server wrote to while it sat
    in the pool (a terminated backend's goodbye, a proxy's close: its socket is readable), or one
    idle for more than `idle_seconds` (a silent drop by a firewall). A dead one raises
    DisconnectionError, which makes the pool replace it before anyone uses it; a connection that
    dies between the check and its first statement fails that request with a 503, and SQLAlchemy
    then renews the whole pool (see errors._database_unavailable).
    """
    if engine.dialect.name != "postgresql":
        return  # a SQLite file cannot drop the connection

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _check(dbapi_connection, record, _proxy):
        since = record.info.get("idle_since")  # .info is cleared when a connection is replaced
        if since is None:
            return  # just opened
        if time.monotonic() - since < idle_seconds and not _has_news(dbapi_connection):
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # noqa: BLE001  (whatever the driver raises, the connection is no good)
            raise sa.exc.DisconnectionError(f"connection in doubt failed its ping: {type(error).__name__}") from error


def _has_news(dbapi_connection) -> bool:
    """Whether an idle connection's socket has something to read (or is closed or broken)."""
    if dbapi_connection.closed or getattr(dbapi_connection, "broken", False):
        return True
    try:
        poller = select.poll()
        poller.register(dbapi_connection.fileno(), select.POLLIN)
        return bool(poller.poll(0))  # POLLHUP and POLLERR are reported as well
    except (OSError, ValueError):
        return True


# --- declaring writes: the callers say whether they change data; the database layer only listens --

_writing: ContextVar[bool] = ContextVar("forum_writing", default=False)


@contextmanager
def write_transactions(writing: bool = True):
    """Within this block, transactions are begun as writes (on SQLite: BEGIN IMMEDIATE) or not."""
    token = _writing.set(writing)
    try:
        yield
    finally:
        _writing.reset(token)


def declare_writes(writing: bool = True):
    """Declare for the rest of the current context (a request) whether it writes; returns the undo token."""
    return _writing.set(writing)


def end_declaration(token) -> None:
    _writing.reset(token)


def writes(func):
    """Declare that a view, API route or command changes data (its transactions take the write lock first)."""
    @wraps(func)
    def wrapper(*args, **kwargs):
        with write_transactions():
            return func(*args, **kwargs)

    return wrapper


def autocommit_statements(session) -> None:
    """For the rest of this request, each statement commits by itself: no BEGIN, no COMMIT.

    Only for code whose statements each stand alone: the check-in API reads (sign-in, forum and
    point, ticket), then records the scan with one INSERT whose unique indexes decide; and pages
    that only read (http_writes.reads_only). The session's commit then has nothing left to do.
    Requests ask for it through their view's mark, read by the first request hook (http_writes).

    No BEGIN is sent (begin_transactions). On SQLite reads then never wait, and the INSERT
    takes the write lock, writes and commits inside one call into SQLite with Python's GIL
    released throughout; inside a transaction the thread would have to win the GIL back
    (milliseconds, with other threads busy) between the INSERT and the COMMIT while every other
    writer waits in SQLite's busy handler.

    On PostgreSQL psycopg, in autocommit mode as always, then sends neither BEGIN nor COMMIT: two
    round trips fewer a scan. A session already bound to a connection in a transaction (the tests'
    rollback harness) is left as it is.
    """
    g.autocommit_statements = True
    if isinstance(session, sa.orm.scoped_session):
        session = session()
    bind = session.get_bind()
    own = isinstance(bind, Engine) and not session.in_transaction()
    g.statements_commit_themselves = own


def commit_statements(session) -> None:
    """The commit of a request whose statements commit by themselves (autocommit_statements):
    nothing to send when nothing waits in the session (the session is closed when the request
    ends); a plain commit where the statements did not commit themselves (the tests' harness)."""
    if isinstance(session, sa.orm.scoped_session):
        session = session()  # once: each attribute of the scoped session looks the session up again
    if g.get("statements_commit_themselves") and not (session.new or session.dirty or session.deleted):
        return
    session.commit()


def autocommitting() -> bool:
    """Whether this request runs each statement as its own transaction (autocommit_statements)."""
    return has_request_context() and bool(g.get("autocommit_statements"))


# --- LIKE searches: what people type is matched as plain text -------------------------------------

LIKE_ESCAPE = "\\"


def like_escape(text: str) -> str:
    """The text with LIKE's wildcards (% and _) and the escape character itself made literal."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(column, text: str, *, ignore_case: bool = False):
    """column LIKE '%text%' with the text taken literally (a typed % or _ is no wildcard)."""
    pattern = f"%{like_escape(text)}%"
    return column.ilike(pattern, escape=LIKE_ESCAPE) if ignore_case else column.like(pattern, escape=LIKE_ESCAPE)


def trigram_index(name: str, column: str) -> sa.Index:
    """A pg_trgm GIN index, so that `column LIKE '%text%'` need not read every row; PostgreSQL only
    (SQLite scans, and at a forum's size that is cheap). Migrations create it with CREATE EXTENSION pg_trgm."""
    return sa.Index(name, column, postgresql_using="gin",
                    postgresql_ops={column: "gin_trgm_ops"}).ddl_if(dialect="postgresql")


def for_dialect(dialect: str):
    """Alembic's include_object: leave out of the comparison an index meant for another database (ddl_if)."""
    def include(obj, name, type_, reflected, compare_to):
        wanted = getattr(obj, "_ddl_if", None)
        return type_ != "index" or reflected or wanted is None or wanted.dialect in (None, dialect)
    return include


def starts_with(column, text: str):
    return column.like(f"{like_escape(text)}%", escape=LIKE_ESCAPE)

"""Test fixtures: one database per test run, a rolled-back transaction per test.

The database is SQLite in a temporary folder unless TEST_DATABASE_URL names a
PostgreSQL server, in which case a fresh database is created there for the run
(and dropped afterwards). Set-up failures are errors, never skips.
"""
from __future__ import annotations

import os
import secrets
import uuid
from contextlib import contextmanager
from pathlib import Path

import contextvars

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import _app_ctx_id

from forum import create_app
from forum.extensions import db, limiter
from forum.i18n import compile_catalogs
from tests.support import openapi_check

compile_catalogs()


def _fresh_postgres(url: str) -> tuple[str, callable]:
    """Create an empty database on the server named by url; return its URL and a dropper."""
    base = sa.engine.make_url(url)
    name = f"forum_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:  # fails loudly when the server cannot be reached
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop():
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    wanted = os.environ.get("TEST_DATABASE_URL", "")
    if wanted.startswith("postgresql"):
        url, drop = _fresh_postgres(wanted)
        yield url
        from forum.extensions import db as _db  # noqa: F401  (engines are disposed with the app)
        drop()
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'forum-test.db'}"


class IsolatedClient(FlaskClient):
    """Runs each request in a fresh context, as a real server would.

    The tests hold an app context open for their own queries; without this,
    requests would reuse it and share `g` (cached user, cached locale) across requests.
    Afterwards the test's session forgets what it loaded, so it sees the request's changes.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        openapi_check.check(self.application, response)  # every API answer matches the document
        return response

    def session_transaction(self, *args, **kwargs):
        return _in_fresh_context(super().session_transaction(*args, **kwargs))


@contextmanager
def _in_fresh_context(manager):
    context = contextvars.Context()
    value = context.run(manager.__enter__)
    try:
        yield value
    finally:
        context.run(manager.__exit__, None, None, None)


def make_test_app(database_url: str, instance: Path, **overrides):
    config = {
        "FORUM_ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": secrets.token_hex(16),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        # Tests that count up to a limit set it "per year": limits are counted in fixed windows that
        # restart on the clock, and a minute's restart could fall in the middle of such a test.
        "RATELIMIT_LOGIN": "1000 per minute",
        "RATELIMIT_SCAN": "100000 per minute",
        "MAIL_SERVER": None,
        "MAIL_OUTBOX": str(instance / "outbox"),
        "BASE_URL": "http://forum.test",
        "SERVER_NAME": None,
    }
    config.update(overrides)
    os.environ["FORUM_INSTANCE_PATH"] = str(instance)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


_LIMITER_ATTRIBUTES = ("_storage", "_limiter", "_storage_dead", "_fallback_storage", "_fallback_limiter")
_LIMITER_STATE: dict = {}


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    app = make_test_app(database_url, instance)
    _LIMITER_STATE.update({name: getattr(limiter, name) for name in _LIMITER_ATTRIBUTES if hasattr(limiter, name)})
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _transaction(request, app):
    """Every test runs inside a transaction that is rolled back afterwards.

    Services and views may commit: their commits end a SAVEPOINT, not the outer transaction.
    """
    if request.node.get_closest_marker("committed"):
        yield
        return
    connection = db.engine.connect()
    outer = connection.begin()
    original = db.session
    # A plain Session: Flask-SQLAlchemy's own would pick the engine and ignore this connection.
    db.session = sa.orm.scoped_session(
        sa.orm.sessionmaker(bind=connection, join_transaction_mode="create_savepoint"), scopefunc=_app_ctx_id)
    # The limiter is one object for every app: a test that builds another app (production settings
    # with Redis, say) re-binds it to that app's storage. Bind it back, so counts stay in this process.
    for name, value in _LIMITER_STATE.items():
        setattr(limiter, name, value)
    limiter.reset()
    try:
        yield
    finally:
        db.session.remove()
        db.session = original
        outer.rollback()
        connection.close()


@pytest.fixture
def committed(app):
    """For tests that need real commits (several connections or processes): empties the tables after."""
    yield
    db.session.remove()
    keep = {"alembic_version", "cluster", "site", "theme"}  # reference data the migrations load
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in keep:
                conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def outbox(app):
    """The .eml files written during the test."""
    folder = Path(app.config["MAIL_OUTBOX"])
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.eml"):
        old.unlink()

    def read():
        import email
        from email import policy

        return [email.message_from_bytes(p.read_bytes(), policy=policy.default)
                for p in sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)]

    return read


@pytest.fixture
def login_as(client):
    """login_as("organiser") -> a new user of that role, signed in on `client`."""
    from tests.factories import UserFactory

    def _login(role: str = "organiser", **fields):
        user = UserFactory(role=role, **fields)
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return user

    return _login


@pytest.fixture
def api_token():
    """api_token("scanner") -> (user, token) for Bearer calls."""
    from forum.accounts.services import issue_token
    from tests.factories import UserFactory

    def _token(role: str = "organiser", **fields):
        user = UserFactory(role=role, **fields)
        return user, issue_token(user, "test")

    return _token


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


@pytest.fixture
def query_counter():
    return counted_queries

"""Test fixtures: one database per test run, a rolled-back transaction per test.

The database is SQLite in a temporary folder unless TEST_DATABASE_URL names a
PostgreSQL server, in which case a fresh database is created there for the run
(and dropped afterwards). Set-up failures are errors, never skips.
"""
from __future__ import annotations

import gc
import os
import uuid
from pathlib import Path

import flask
import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from flask_sqlalchemy.session import _app_ctx_id

from forum.cache import fragments
from forum.extensions import db, limiter
from forum.i18n import compile_catalogs
from tests.support.browser import drop_demo_template
from tests.support.databases import make_test_app, throwaway_postgres
from tests.support.queries import counted_queries

compile_catalogs()


def pytest_configure(config):
    # One name for this run, which the pytest-xdist workers inherit: they share the browser journeys'
    # demo template under it (tests/support/browser.py).
    if not hasattr(config, "workerinput"):
        os.environ["FORUM_TEST_RUN"] = uuid.uuid4().hex[:10]


def pytest_collection_modifyitems(items):
    # The long tests first (browser journeys, API fuzzing): the workers then end the run on short tests
    # together, instead of one waiting out another's last journey. A stable sort: the rest keep their order.
    items.sort(key=lambda item: 0 if item.nodeid.startswith(("tests/browser/", "tests/fuzz/")) else 1)


def pytest_collection_finish(session):
    # The collected suite (modules, apps, SQLAlchemy's mappers) lives until the end: out of the collector's
    # sight, and young objects collected less often. Collections took 7% of a worker's time.
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 50, 1000)


def pytest_unconfigure(config):
    if not hasattr(config, "workerinput"):
        drop_demo_template()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    wanted = os.environ.get("TEST_DATABASE_URL", "")
    if wanted.startswith("postgresql"):
        url, drop = throwaway_postgres(wanted)
        yield url
        from forum.extensions import db as _db  # noqa: F401  (engines are disposed with the app)
        drop()
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'forum-test.db'}"


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
    # Kept fragments are keyed by ids that a rolled-back test hands out again (SQLite reuses them).
    fragments.clear()
    # The app context (and its `g`) outlives the test, and a request that reuses it leaves its marks in
    # `g`: the user it signed in (a detached row: 500 on first use), a door scan's autocommit flag (no
    # BEGIN for the next test's statements). Each test starts with the empty `g` a request starts with.
    vars(flask.g).clear()
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
    from forum.accounts.tokens import issue_token
    from tests.factories import UserFactory

    def _token(role: str = "organiser", **fields):
        user = UserFactory(role=role, **fields)
        return user, issue_token(user, "test")

    return _token


@pytest.fixture
def query_counter():
    return counted_queries

"""Databases and apps for tests and benchmarks: a throwaway PostgreSQL database, a test app."""
from __future__ import annotations

import contextvars
import os
import secrets
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient

from forum import create_app
from forum.extensions import db
from tests.support import openapi_check


def throwaway_postgres(url: str, prefix: str = "forum_test", template: str | None = None
                       ) -> tuple[str, Callable[[], None]]:
    """Create a database on the server named by url, empty or a copy of `template` (a database name);
    return its URL and a dropper."""
    base = sa.engine.make_url(url)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:  # fails loudly when the server cannot be reached
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    admin.dispose()
    made = base.set(database=name).render_as_string(hide_password=False)
    return made, lambda: drop_postgres(made)


def drop_postgres(url: str) -> None:
    """Drop the database a URL names, whoever is still connected to it."""
    target = sa.engine.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
    admin.dispose()


def in_transaction(dbapi_connection) -> bool:
    """Whether a driver connection (psycopg or sqlite3) is inside a transaction right now."""
    info = getattr(dbapi_connection, "info", None)
    if hasattr(info, "transaction_status"):  # psycopg
        import psycopg

        return info.transaction_status != psycopg.pq.TransactionStatus.IDLE
    return dbapi_connection.in_transaction  # sqlite3


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

"""HKSTP x HA Innovation Forum: the app factory."""
from __future__ import annotations

from inspect import CO_COROUTINE
from pathlib import Path
from types import CodeType
from urllib.parse import urlsplit

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


class ForumApp(Flask):
    """Flask, answering its ensure_sync question from the function's code flags: Flask asks it for
    every hook and view of every request (about twenty a door scan), through inspect's checks.
    A plain function or bound method is handed back as it is unless its code is a coroutine's, as
    inspect.iscoroutinefunction would say; anything else (a partial, a callable object, a
    builtin) goes to Flask."""

    def ensure_sync(self, func):
        code = getattr(func, "__code__", None)
        if isinstance(code, CodeType) and not code.co_flags & CO_COROUTINE:
            return func
        return super().ensure_sync(func)


def create_app(config: dict | None = None) -> Flask:
    from .config import instance_folder, settings_for

    app = ForumApp(
        __name__,
        instance_path=instance_folder(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(settings_for(app.instance_path, config))
    if config:
        app.config.from_mapping(config)
        if "REDIS_URL" in config and "RATELIMIT_STORAGE_URI" not in config:
            app.config["RATELIMIT_STORAGE_URI"] = config["REDIS_URL"] or "forum-memory://"
    if app.config.get("TRUSTED_HOSTS") is None and app.config.get("ENV_NAME") == "production":
        app.config["TRUSTED_HOSTS"] = [urlsplit(app.config["BASE_URL"]).hostname]
    if app.config.get("PROXY_HOPS"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from .keys import init_keys

    init_keys(app)
    register_extensions(app)
    register_blueprints(app)
    from .permissions import check_required

    check_required()  # every @requires names an action some feature's init_app granted
    from .errors import register_errorhandlers

    register_errorhandlers(app)
    from .cli import register_commands

    register_commands(app)
    from .i18n import register_template_helpers

    register_template_helpers(app)
    from . import headers, http_writes

    headers.init_app(app)
    from . import observability

    observability.init_app(app)
    http_writes.init_app(app)
    return app


def register_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (every table known to SQLAlchemy and Alembic)
    from .accounts.auth import init_login
    from .db import begin_transactions, check_connections_in_doubt, configure_sqlite
    from .pg_cursor import configure_postgresql
    from .extensions import babel, csrf, db, migrate
    from .i18n import select_locale, select_timezone, translation_dirs
    from .mail import init_mail
    from . import ratelimit  # its storage is registered before the limiter opens it

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
        begin_transactions(db.engine)
        configure_postgresql(db.engine)
        check_connections_in_doubt(db.engine, app.config["DATABASE_PING_AFTER_IDLE_SECONDS"])
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                   default_translation_directories=";".join(str(p) for p in translation_dirs()))
    ratelimit.init_app(app)
    init_login(app)
    init_mail(app)


def register_blueprints(app: Flask) -> None:
    """Every feature, in the order it joins the app: each one's init_app adds its pages, API
    endpoints, menu entries and home-page steps. The API comes last: its blueprint is registered
    once every feature has added its endpoints."""
    from . import (accounts, agenda, api, attendees, audit, checkin, communications, datalab, exhibitors, forums,
                   home, jobs, matchmaking, pilots, privacy, sites)

    for feature in (home, accounts, forums, sites, audit, exhibitors, attendees, checkin, datalab, agenda, pilots,
                    matchmaking, jobs, privacy, communications, api):
        feature.init_app(app)

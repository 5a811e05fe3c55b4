"""The only place the environment is read."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings for a running app; every value may be overridden by create_app(config)."""

    def __init__(self, instance_path: str, environ: dict[str, str] | None = None):
        env = os.environ if environ is None else environ
        self.ENV_NAME = env.get("FORUM_ENV", "development")
        self.INSTANCE_PATH = instance_path

        secret = env.get("SECRET_KEY")
        if not secret:
            if self.ENV_NAME not in {"development", "testing"}:
                raise RuntimeError("SECRET_KEY must be set outside development")
            secret = _dev_secret(instance_path)
        self.SECRET_KEY = secret

        # Passwords and kiosk PINs: scrypt (memory-hard, salted; werkzeug's default). Tests alone use a
        # cheap PBKDF2, so that their hundreds of accounts and sign-ins don't each cost a scrypt (a
        # third of a second on a busy 2-core machine); no setting makes it cheaper anywhere else.
        self.PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000" if self.ENV_NAME == "testing" else "scrypt"

        self.SQLALCHEMY_DATABASE_URI = env.get(
            "DATABASE_URL", f"sqlite:///{Path(instance_path) / 'forum.db'}"
        )
        # No "SELECT 1" at every checkout: forum.db.check_connections_in_doubt pings only connections
        # the server wrote to while idle, or idle for longer than this.
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": False}
        self.DATABASE_PING_AFTER_IDLE_SECONDS = float(env.get("DATABASE_PING_AFTER_IDLE_SECONDS", "30"))

        self.REDIS_URL = env.get("REDIS_URL") or None
        if self.ENV_NAME == "production" and not self.REDIS_URL:
            # Several worker processes must share their sign-in and reset counts.
            raise RuntimeError("REDIS_URL must be set in production (rate limits are shared through Redis)")
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "forum-memory://"  # forum/ratelimit.py
        self.RATELIMIT_HEADERS_ENABLED = True
        # If Redis fails, each process counts on its own until it is back: door scanners and sign-in
        # keep working (and stay limited) instead of answering 500.
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        self.RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
        self.RATELIMIT_LOGIN = env.get("RATELIMIT_LOGIN", "10 per minute;50 per hour")
        self.RATELIMIT_SCAN = env.get("RATELIMIT_SCAN", "60 per 10 seconds;1200 per minute")
        self.RATELIMIT_SEARCH = env.get("RATELIMIT_SEARCH", "20 per minute;200 per hour")  # door name search

        self.MAIL_SERVER = env.get("MAIL_SERVER") or None
        self.MAIL_PORT = int(env.get("MAIL_PORT") or 25)
        self.MAIL_USERNAME = env.get("MAIL_USERNAME") or None
        self.MAIL_PASSWORD = env.get("MAIL_PASSWORD") or None
        self.MAIL_USE_TLS = _bool(env.get("MAIL_USE_TLS"))
        self.MAIL_SENDER = env.get("MAIL_SENDER", "HKSTP x HA Innovation Forum <forum@hkstp.example>")
        self.MAIL_OUTBOX = str(Path(instance_path) / "outbox")
        # Background jobs (forum/jobs): huey on a SQLite file under the instance folder, or on Redis when
        # REDIS_URL is set. Tests run each job as it is queued (immediate mode, in memory).
        self.JOBS_IMMEDIATE = _bool(env.get("JOBS_IMMEDIATE"), default=self.ENV_NAME == "testing")
        self.JOBS_SQLITE_PATH = env.get("JOBS_SQLITE_PATH") or str(Path(instance_path) / "jobs.db")
        self.JOBS_QUEUE_NAME = env.get("JOBS_QUEUE_NAME") or "forum"  # several apps on one Redis: one name each
        self.JOBS_WORKERS = int(env.get("JOBS_WORKERS") or 2)  # threads in the worker process
        self.JOBS_WORKER_NAME = env.get("JOBS_WORKER_NAME") or None  # default: the host's name
        self.JOBS_LEASE_SECONDS = int(env.get("JOBS_LEASE_SECONDS") or 120)  # a silent running job is requeued
        self.JOBS_MAX_ATTEMPTS = int(env.get("JOBS_MAX_ATTEMPTS") or 4)
        self.JOBS_RETRY_DELAY = float(env.get("JOBS_RETRY_DELAY") or 30)  # seconds, doubled at each retry
        self.MAIL_RETRIES = int(env.get("MAIL_RETRIES") or 10)  # 30 s, 1 min, 2 min ... about 8.5 h in all
        self.BADGE_PROCESSES = int(env.get("BADGE_PROCESSES") or (os.cpu_count() or 1))
        self.LOG_FORMAT = (env.get("LOG_FORMAT") or "text").lower()  # "json": one JSON object per request
        self.MEETING_EXPIRY_HOURS = int(env.get("MEETING_EXPIRY_HOURS") or 72)  # unanswered meeting requests

        self.BABEL_DEFAULT_LOCALE = "en"
        self.BABEL_DEFAULT_TIMEZONE = "Asia/Hong_Kong"
        self.LANGUAGES = {"en": "English", "zh_Hant_HK": "繁體中文"}

        self.WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_HTTPONLY = True
        # Cookies travel over HTTPS only in production (development serves plain http://127.0.0.1).
        production = self.ENV_NAME == "production"
        self.SESSION_COOKIE_SECURE = _bool(env.get("SESSION_COOKIE_SECURE"), default=production)
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_DURATION = timedelta(days=7 if production else 30)
        if production:
            self.PREFERRED_URL_SCHEME = "https"
        self.PASSWORD_RESET_MAX_AGE = 2 * 3600
        # Ticket codes are signed with key version TICKET_KEY_VERSION ("HKF2..."); versions from
        # TICKET_KEY_OLDEST up still scan (1: the "HKF1" badges printed before derived keys).
        self.TICKET_KEY_VERSION = int(env.get("TICKET_KEY_VERSION") or 2)
        self.TICKET_KEY_OLDEST = int(env.get("TICKET_KEY_OLDEST") or 1)
        self.EMAIL_VERIFY_MAX_AGE = 48 * 3600
        self.RATELIMIT_SIGNUP = env.get("RATELIMIT_SIGNUP", "5 per hour;20 per day")
        self.INVITATION_MAX_AGE = 14 * 24 * 3600
        self.MAX_CONTENT_LENGTH = 25 * 1024 * 1024
        self.BASE_URL = env.get("BASE_URL", "http://127.0.0.1:5000")
        # Host names the app answers to (Flask refuses others with 400); in production, when not
        # given, create_app() trusts only BASE_URL's host.
        hosts = [h.strip() for h in env.get("TRUSTED_HOSTS", "").split(",") if h.strip()]
        self.TRUSTED_HOSTS = hosts or None
        # Reverse proxies in front of the app whose X-Forwarded-* headers are believed (0: none).
        self.PROXY_HOPS = int(env.get("PROXY_HOPS") or 0)
        self.SQLALCHEMY_RECORD_QUERIES = False
        # Pilots: an open pilot with no change for this many days is listed as needing attention.
        self.PILOTS_STALE_DAYS = int(env.get("PILOTS_STALE_DAYS") or 90)

    def as_dict(self) -> dict:
        return {k: v for k, v in vars(self).items() if k.isupper()}


def _dev_secret(instance_path: str) -> str:
    """A random key per development instance, kept so logins survive restarts."""
    path = Path(instance_path) / "dev-secret-key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        path.write_text(key)
        path.chmod(0o600)
        return key


def instance_folder(default: Path) -> str:
    """Where the instance files live (SQLite database, uploads, outbox, dev key)."""
    return os.environ.get("FORUM_INSTANCE_PATH") or str(default)


def settings_for(instance_path: str, overrides: dict | None = None) -> dict:
    """The settings from the environment; an override of FORUM_ENV also decides which defaults apply."""
    env = dict(os.environ)
    if overrides and "FORUM_ENV" in overrides:
        env["FORUM_ENV"] = overrides["FORUM_ENV"]
    return Config(instance_path, env).as_dict()

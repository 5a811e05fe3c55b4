"""One log line per request (route, status, time) and what /healthz reports beyond the database.

The line names the route's pattern (`/invite/<token>`), never the path or query string, so no code,
token or name reaches the logs. LOG_FORMAT=json writes one JSON object per line for log collectors.
"""
from __future__ import annotations

import json
import logging
import sys
import time
from datetime import datetime, timezone

from flask import g, request

LOGGER = "forum.requests"
HEARTBEAT_LATE = 180  # seconds: the heartbeat task runs every minute


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                "level": record.levelname.lower(), "logger": record.name}
        line.update(getattr(record, "fields", None) or {"message": record.getMessage()})
        return json.dumps(line, ensure_ascii=False)


def _formatter(kind: str) -> logging.Formatter:
    if kind == "json":
        return JsonFormatter()
    return logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")


def init_app(app) -> None:
    logger = logging.getLogger(LOGGER)
    logger.setLevel(logging.INFO)
    if not app.testing and not any(getattr(h, "forum_handler", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.forum_handler = True
        logger.addHandler(handler)
        logger.propagate = False
    for handler in logger.handlers:
        if getattr(handler, "forum_handler", False):
            handler.setFormatter(_formatter(app.config.get("LOG_FORMAT", "text")))

    @app.before_request
    def _start_clock():
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        started = g.get("request_started")
        ms = round((time.perf_counter() - started) * 1000, 1) if started else None
        route = request.url_rule.rule if request.url_rule is not None else "-"
        fields = {"method": request.method, "route": route, "status": response.status_code, "ms": ms}
        logger.info("%s %s %s %s ms", request.method, route, response.status_code, ms, extra={"fields": fields})
        return response


def check_redis(app) -> str | None:
    """"ok" or "unavailable" when REDIS_URL is set; None when it is not."""
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    client = app.extensions.get("health_redis")
    if client is None:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        app.extensions["health_redis"] = client
    try:
        client.ping()
    except Exception:  # any failure is "unavailable": health checks never raise
        return "unavailable"
    return "ok"


def worker_health(app) -> dict:
    """The job worker's last heartbeat, how long ago, and "ok", "late", "unknown" or "immediate"."""
    jobs = app.extensions.get("jobs")
    if jobs is None or jobs.huey.immediate:
        return {"status": "immediate", "last_heartbeat": None, "seconds_ago": None}
    from .jobs.tasks import read_heartbeat

    try:
        beat = read_heartbeat(jobs)
    except Exception:
        beat = None
    if not beat:
        return {"status": "unknown", "last_heartbeat": None, "seconds_ago": None}
    age = (datetime.now(timezone.utc) - datetime.fromisoformat(beat["at"])).total_seconds()
    return {"status": "ok" if age <= HEARTBEAT_LATE else "late", "last_heartbeat": beat["at"],
            "seconds_ago": max(0, round(age))}

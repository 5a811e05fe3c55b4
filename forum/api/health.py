"""GET /healthz: the database (its answer decides the status), Redis when configured, the job worker."""
import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify

from ..extensions import db
from ..observability import check_redis, worker_health
from .core import api_route

health_bp = Blueprint("health", __name__)

_WORKER = {"type": "object", "properties": {
    "status": {"type": "string", "enum": ["ok", "late", "unknown", "immediate"],
               "description": "ok: a heartbeat in the last 3 minutes; late: older; unknown: none yet; "
                              "immediate: jobs run in the web process (tests)"},
    "last_heartbeat": {"type": "string", "format": "date-time", "nullable": True},
    "seconds_ago": {"type": "integer", "nullable": True}}}


@api_route("/healthz", permission="public", summary="The app, its database, Redis and the job worker.", tag="health",
           response={"type": "object", "required": ["status"], "properties": {
               "status": {"type": "string", "enum": ["ok"], "description": "ok whenever the database answers"},
               "database": {"type": "string", "enum": ["ok"]},
               "redis": {"type": "string", "enum": ["ok", "unavailable"], "description": "only when REDIS_URL is set"},
               "worker": _WORKER}},
           responses={503: "The database does not answer."}, blueprint=health_bp)
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify({"status": "unavailable", "database": "unavailable"}), 503
    app = current_app._get_current_object()
    answer = {"status": "ok", "database": "ok"}
    redis = check_redis(app)
    if redis is not None:
        answer["redis"] = redis  # Redis away does not make the app unhealthy: the door keeps working
    answer["worker"] = worker_health(app)
    return jsonify(answer)

"""GET /healthz: the database (its answer decides the status), Redis when configured, the job worker."""
import sqlalchemy as sa
from flask import Blueprint, current_app
from marshmallow import fields, validate

from ..extensions import db
from ..observability import check_redis, worker_health
from ..schemas import ApiSchema
from .core import api_route

health_bp = Blueprint("health", __name__)


class Worker(ApiSchema):
    status = fields.String(required=True, validate=validate.OneOf(["ok", "late", "unknown", "immediate"]),
                           metadata={"description": "ok: a heartbeat in the last 3 minutes; late: older; unknown: "
                                                    "none yet; immediate: jobs run in the web process (tests)"})
    last_heartbeat = fields.String(allow_none=True, metadata={"format": "date-time"})
    seconds_ago = fields.Integer(allow_none=True)


class Health(ApiSchema):
    status = fields.String(required=True, validate=validate.OneOf(["ok", "unavailable"]),
                           metadata={"description": "ok whenever the database answers"})
    database = fields.String(validate=validate.OneOf(["ok", "unavailable"]))
    redis = fields.String(validate=validate.OneOf(["ok", "unavailable"]),
                          metadata={"description": "only when REDIS_URL is set"})
    worker = fields.Nested(Worker)


@api_route("/healthz", permission="public", summary="The app, its database, Redis and the job worker.",
           tag="health", response=Health, responses={503: ("The database does not answer.", Health)},
           blueprint=health_bp)
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "database": "unavailable"}, 503
    app = current_app._get_current_object()
    answer = {"status": "ok", "database": "ok"}
    redis = check_redis(app)
    if redis is not None:
        answer["redis"] = redis  # Redis away does not make the app unhealthy: the door keeps working
    answer["worker"] = worker_health(app)
    return answer

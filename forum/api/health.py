import sqlalchemy as sa
from flask import Blueprint, jsonify

from ..extensions import db
from .core import api_route

health_bp = Blueprint("health", __name__)


@api_route("/healthz", permission="public", summary="The app and its database answer.", tag="health",
           response={"type": "object", "properties": {"status": {"type": "string", "enum": ["ok"]}}},
           responses={503: "The database does not answer."}, blueprint=health_bp)
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify({"status": "unavailable"}), 503
    return jsonify({"status": "ok"})

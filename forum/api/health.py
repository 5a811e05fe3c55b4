import sqlalchemy as sa
from flask import Blueprint
from marshmallow import fields, validate

from ..extensions import db
from ..schemas import ApiSchema
from .core import api_route

health_bp = Blueprint("health", __name__)


class Health(ApiSchema):
    status = fields.String(required=True, validate=validate.OneOf(["ok", "unavailable"]))


@api_route("/healthz", permission="public", summary="The app and its database answer.", tag="health",
           response=Health, responses={503: ("The database does not answer.", Health)}, blueprint=health_bp)
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable"}, 503
    return {"status": "ok"}

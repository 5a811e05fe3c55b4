from flask import Blueprint, render_template, request

from ..permissions import requires
from .services import recent

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.route("/")
@requires("audit.view")
def index():
    object_type = request.args.get("type") or None
    events = recent(200, object_type=object_type)
    return render_template("audit/index.html", events=events, object_type=object_type)

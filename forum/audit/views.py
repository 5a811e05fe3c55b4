from flask import Blueprint, render_template, request

from ..permissions import requires
from .sentences import describe
from .services import client_address, recent

bp = Blueprint("audit", __name__, url_prefix="/audit")
bp.add_app_template_global(describe, "describe_event")


@bp.before_app_request
def _remember_client_address():
    # request.remote_addr is the client as ProxyFix saw it (PROXY_HOPS), never a header the client set.
    client_address.set(request.remote_addr or "")


@bp.route("/")
@requires("audit.view")
def index():
    object_type = request.args.get("type") or None
    events = recent(200, object_type=object_type)
    return render_template("audit/index.html", events=events, object_type=object_type)

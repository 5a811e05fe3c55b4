"""The JSON API's blueprint, its route decorator and body parsing.

Every endpoint is declared with api_route(), which applies the permission
check and records the description the OpenAPI document is generated from.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, request
from flask_login import current_user
from flask_babel import gettext as _

from ..db import autocommit_statements
from ..errors import ValidationError
from ..extensions import csrf
from ..permissions import requires

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


@bp.before_request
def _write_lock_policy():
    # Endpoints whose statements each stand alone (the door's check-in: reads, then one INSERT
    # guarded by unique indexes) run them without BEGIN on SQLite from the very start, sign-in
    # included; see forum.db.autocommit_statements.
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "sqlite_autocommit", False):
        autocommit_statements()


@bp.before_request
def _csrf_for_browser_sessions():
    # Scripts authenticate with a Bearer token and cannot be tricked into sending it;
    # a browser session (cookie) can, so it needs the CSRF token like any form.
    if request.method not in ("POST", "PUT", "PATCH", "DELETE") or not current_app.config["WTF_CSRF_ENABLED"]:
        return
    if request.headers.get("Authorization", "").lower().startswith("bearer "):
        return
    if current_user.is_authenticated:  # signed in by cookie; anonymous callers get 401 from the view
        csrf.protect()


def api_route(rule: str, *, methods: tuple[str, ...] = ("GET",), permission: str, summary: str,
              tag: str = "forum", body: dict | None = None, response: dict | None = None,
              responses: dict[int, str] | None = None, blueprint: Blueprint | None = None,
              sqlite_autocommit: bool = False):
    """Declare a JSON endpoint: its URL, who may call it and what it takes and answers."""
    target = blueprint or bp

    def decorator(view):
        guarded = requires(permission)(view)
        guarded.sqlite_autocommit = sqlite_autocommit
        guarded.api_doc = {
            "summary": summary, "tag": tag, "body": body, "response": response,
            "responses": responses or {}, "permission": permission,
        }
        target.add_url_rule(rule, view_func=guarded, methods=list(methods))
        return guarded

    return decorator


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 400 that says what is wrong with it."""
    if not request.is_json:
        raise ValidationError(_("Send a JSON body with Content-Type: application/json."))
    data = request.get_json(silent=True)
    if data is None:
        raise ValidationError(_("The body is not valid JSON."))
    if not isinstance(data, dict):
        raise ValidationError(_("The body must be a JSON object."))
    return data


def require_fields(data: dict, **types: type | tuple[type, ...]) -> None:
    missing = [name for name in types if data.get(name) in (None, "")]
    if missing:
        raise ValidationError(_("Missing field: %(fields)s.", fields=", ".join(missing)),
                              fields={m: _("Required.") for m in missing})
    for name, kind in types.items():
        if isinstance(data[name], bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            raise ValidationError(_("Field %(name)s has the wrong type.", name=name), field=name)
        if not isinstance(data[name], kind):
            raise ValidationError(_("Field %(name)s has the wrong type.", name=name), field=name)


def schema(properties: dict[str, Any], required: list[str] | None = None) -> dict:
    """A small JSON Schema object for the OpenAPI document."""
    out = {"type": "object", "properties": properties}
    if required:
        out["required"] = required
    return out

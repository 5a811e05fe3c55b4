"""The JSON API's blueprint, its route decorator and body parsing.

Every endpoint is declared with api_route(): its permission, and one marshmallow schema each for
the body it takes (and query string) and the answer it gives. The same schemas validate the input
(400 with a reason per field), serialise the answer and generate /api/v1/openapi.json
(forum/api/openapi.py), so the document cannot drift from the code. See docs/api.md.
"""
from __future__ import annotations

from functools import wraps
from typing import Any

import marshmallow as ma
from flask import Blueprint, Response, current_app, jsonify, request
from flask_login import current_user
from flask_babel import gettext as _

from ..errors import ValidationError
from ..extensions import csrf
from ..permissions import requires
from ..schemas import load
from ..secret_tokens import bearer_token

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


@bp.before_request
def _csrf_for_browser_sessions():
    # Scripts authenticate with a Bearer token and cannot be tricked into sending it;
    # a browser session (cookie) can, so it needs the CSRF token like any form.
    if request.method not in ("POST", "PUT", "PATCH", "DELETE") or not current_app.config["WTF_CSRF_ENABLED"]:
        return
    if bearer_token(request.headers) is not None:
        return
    if current_user.is_authenticated:  # signed in by cookie; anonymous callers get 401 from the view
        csrf.protect()


SchemaArg = type[ma.Schema] | ma.Schema | None


def _instance(schema: SchemaArg) -> ma.Schema | dict | None:
    # A dict is a JSON Schema kept from before the schemas (documented only, not enforced): see docs/api.md.
    return schema() if isinstance(schema, type) else schema


def api_route(rule: str, *, methods: tuple[str, ...] = ("GET",), permission: str, summary: str,
              tag: str = "forum", body: SchemaArg = None, query: SchemaArg = None, response: SchemaArg = None,
              status: int | tuple[int, ...] = 200, responses: dict[int, str] | None = None,
              blueprint: Blueprint | None = None, autocommit: bool = False,
              links: dict[str, tuple[str, dict]] | None = None, sign_in_rider=None):
    """Declare a JSON endpoint: its URL, who may call it and what it takes and answers.

    body / query: schemas the JSON body / the query string is loaded with; the view receives the
    result as its `body` / `query` argument. response: the schema the view's return value (an object
    or dict, or (value, status)) is dumped with. status: the success status(es) the view answers.
    links: what a success answer leads to, as OpenAPI links: {name: (operationId, {parameter: runtime
    expression})}, e.g. a created forum to GET /forums/{forum} with {"forum": "$response.body#/slug"}.
    sign_in_rider: a read to make in the Bearer sign-in's own statement (see accounts.auth).
    """
    target = blueprint or bp
    body_schema, query_schema, answer_schema = _instance(body), _instance(query), _instance(response)
    statuses = (status,) if isinstance(status, int) else tuple(status)

    def decorator(view):
        @wraps(view)
        def endpoint(**kwargs):
            if isinstance(body_schema, ma.Schema):
                kwargs["body"] = load(body_schema, json_body())
            if isinstance(query_schema, ma.Schema):
                kwargs["query"] = load(query_schema, request.args.to_dict())
            result = view(**kwargs)
            if isinstance(result, Response) or not isinstance(answer_schema, ma.Schema):
                return result
            code = statuses[0]
            if isinstance(result, tuple):
                result, code = result
            return jsonify(answer_schema.dump(result)), code

        guarded = requires(permission)(endpoint)
        guarded.autocommit = autocommit
        guarded.sign_in_rider = sign_in_rider
        guarded.api_doc = {
            "summary": summary, "tag": tag, "body": body_schema, "query": query_schema, "response": answer_schema,
            "statuses": statuses, "responses": responses or {}, "permission": permission,
            "links": links or {},
        }
        _DECLARED.setdefault(view.__module__, []).append((target, rule, guarded, list(methods)))
        return guarded

    return decorator


# Endpoints declared by each module, added to their blueprint by add_endpoints(): importing a
# module registers nothing (the feature's init_app names the module it adds).
_DECLARED: dict[str, list] = {}


def add_endpoints(module) -> None:
    """Add the endpoints `module` declared with api_route() to their blueprint (once per process:
    the blueprint keeps them for every app it is registered on)."""
    for target, rule, view, methods in _DECLARED.pop(module.__name__, []):
        target.add_url_rule(rule, view_func=view, methods=methods)


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

"""The OpenAPI 3 document, generated from the registered routes so it cannot drift."""
from __future__ import annotations

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app, jsonify

from .core import api_route

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
        "code": {"type": "string"}, "message": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}},
}

_CONVERTER = re.compile(r"<(?:(?P<conv>[a-z]+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


def _path_and_params(rule: str):
    params = []

    def repl(match):
        kind = {"int": "integer"}.get(match.group("conv") or "", "string")
        params.append({"name": match.group("name"), "in": "path", "required": True, "schema": {"type": kind}})
        return "{" + match.group("name") + "}"

    return _CONVERTER.sub(repl, rule), params


def build_spec(app) -> dict:
    spec = APISpec(title="HKSTP x HA Innovation Forum API", version="1.0.0", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "Authentication: `Authorization: Bearer <token>` from "
                                        "`flask users token EMAIL`, or the browser session."})
    spec.components.schema("Error", ERROR_SCHEMA)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    paths: dict[str, dict] = {}
    for rule in app.url_map.iter_rules():
        if not (rule.rule.startswith("/api/") or rule.rule == "/healthz"):
            continue
        view = app.view_functions[rule.endpoint]
        doc = getattr(view, "api_doc", None)
        if doc is None:
            raise RuntimeError(f"API endpoint {rule.endpoint} has no description; declare it with api_route()")
        path, params = _path_and_params(rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            answer = {"description": "OK", "content": {
                "application/json": {"schema": doc["response"] or {"type": "object"}}}}
            if doc.get("links"):  # where a created resource can be read, changed or used next
                answer["links"] = {name: {"operationId": target, "parameters": parameters}
                                   for name, (target, parameters) in doc["links"].items()}
            operation = {
                "summary": doc["summary"],
                "tags": [doc["tag"]],
                "operationId": f"{rule.endpoint}.{method.lower()}",
                "responses": {str(status): answer for status in doc.get("statuses", (200,))},
            }
            if doc.get("query") is not None:
                params = params + [{"in": "query", "schema": doc["query"]}]
            if params:
                operation["parameters"] = params
            if doc["permission"] != "public":
                operation["security"] = [{"bearer": []}]
                operation["responses"]["401"] = _error("Not signed in or the token is not valid.")
                operation["responses"]["403"] = _error("The token's user may not do this.")
            if doc["body"] is not None:
                operation["requestBody"] = {"required": True,
                                            "content": {"application/json": {"schema": doc["body"]}}}
                operation["responses"]["400"] = _error("The body is not JSON, or `fields` names what is wrong.")
            elif doc.get("query") is not None:
                operation["responses"]["400"] = _error("`fields` names the query parameters that are wrong.")
            if method in ("POST", "PUT", "PATCH", "DELETE") and "400" not in operation["responses"]:
                operation["responses"]["400"] = _error("A browser session sent no CSRF token.")
            if params and "404" not in {str(s) for s in doc["responses"]}:
                operation["responses"]["404"] = _error("Nothing with that reference.")
            # Any endpoint answers 503 while the database is away (forum/errors.py), and recovers by itself.
            operation["responses"]["503"] = _error("The database is not answering; try again (see Retry-After).")
            for status, text in doc["responses"].items():
                if isinstance(text, tuple):  # (description, the schema of that answer)
                    operation["responses"][str(status)] = {"description": text[0], "content": {
                        "application/json": {"schema": text[1]}}}
                else:
                    operation["responses"][str(status)] = _error(text)
            paths.setdefault(path, {})[method.lower()] = operation
    _check_links(paths)
    for path in sorted(paths):
        spec.path(path=path, operations=paths[path])
    return spec.to_dict()


def _check_links(paths: dict) -> None:
    """A link must name an operation of this document: a renamed endpoint fails here, not in a client."""
    ids = {op["operationId"] for ops in paths.values() for op in ops.values()}
    for ops in paths.values():
        for op in ops.values():
            for answer in op["responses"].values():
                for name, link in answer.get("links", {}).items():
                    if link["operationId"] not in ids:
                        raise RuntimeError(f"link {name} of {op['operationId']} names no operation: {link['operationId']}")


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


@api_route("/openapi.json", permission="public", summary="This document.", tag="meta")
def openapi():
    return jsonify(build_spec(current_app))

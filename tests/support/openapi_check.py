"""Every answer an API test receives is checked against /api/v1/openapi.json.

The test client calls check() after each request to /api/ or /healthz: the status must be one the
document lists for that operation, and a JSON body must match its schema (OpenAPI 3.0 rules,
nullable included). A test that sees an undocumented answer fails where it made the request.
"""
from __future__ import annotations

import json

from openapi_schema_validator import OAS30ReadValidator, oas30_format_checker
from werkzeug.exceptions import HTTPException

from forum.api.openapi import _path_and_params, build_spec

_SPECS: dict[int, dict] = {}


def spec_for(app) -> dict:
    if id(app) not in _SPECS:
        with app.app_context():
            _SPECS[id(app)] = json.loads(json.dumps(build_spec(app)))
    return _SPECS[id(app)]


def check(app, response) -> None:
    environ = response.request.environ if response.request is not None else {}
    path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
    if not (path.startswith("/api/") or path == "/healthz") or method in ("HEAD", "OPTIONS"):
        return
    try:
        rule, _args = app.url_map.bind("forum.test").match(path, method=method, return_rule=True)
    except HTTPException:
        return  # no such route (404/405 from the router): nothing documented to compare with
    spec = spec_for(app)
    template, _params = _path_and_params(rule.rule)
    operation = spec["paths"][template][method.lower()]
    answers = operation["responses"]
    status = str(response.status_code)
    assert status in answers, (f"{method} {path} answered {status}, which the document does not list "
                               f"(it lists {', '.join(sorted(answers))}): {response.get_data(as_text=True)[:300]}")
    content = answers[status].get("content", {}).get("application/json")
    if content is None or response.mimetype != "application/json":
        return
    schema = {**content["schema"], "components": spec.get("components", {})}
    errors = sorted(OAS30ReadValidator(schema, format_checker=oas30_format_checker).iter_errors(response.json),
                    key=lambda e: list(e.absolute_path))
    assert not errors, (f"{method} {path} ({status}) does not match the document: "
                        + "; ".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in errors[:5]))

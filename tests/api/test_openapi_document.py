"""The OpenAPI document is valid for the version it declares, and every endpoint is declared with schemas."""
import marshmallow as ma
from openapi_spec_validator import OpenAPIV30SpecValidator


def test_document_is_valid_openapi_3_0(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"] == "3.0.3"
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
              for e in OpenAPIV30SpecValidator(spec).iter_errors()]
    assert not errors, errors[:5]


def test_every_endpoint_declares_its_answer_and_body_with_a_schema(app):
    missing = []
    for rule in app.url_map.iter_rules():
        doc = getattr(app.view_functions[rule.endpoint], "api_doc", None)
        if doc is None or rule.endpoint == "api.openapi":
            continue
        if not isinstance(doc["response"], ma.Schema):
            missing.append(f"{rule.rule}: response")
        writes = set(rule.methods) & {"POST", "PUT", "PATCH"}
        if doc["body"] is not None and not isinstance(doc["body"], ma.Schema):
            missing.append(f"{rule.rule}: body is a dict, not a schema")
        if writes and doc["body"] is None and not rule.rule.endswith("/schedule"):
            missing.append(f"{rule.rule}: no body schema")
    assert not missing, "declare these with marshmallow schemas (docs/api.md): " + ", ".join(missing)


def test_every_documented_path_is_a_route(client, app):
    spec = client.get("/api/v1/openapi.json").json
    assert len([op for path in spec["paths"].values() for op in path]) >= 34

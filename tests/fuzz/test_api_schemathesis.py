"""schemathesis against /api/v1/openapi.json, in process (the WSGI test client, no network).

Every operation of the document gets generated requests (valid and invalid bodies, odd path
references such as "²" or ids beyond the database's integer) from an organiser's token, once
against a random reference and once against a real forum. No answer may be a 5xx, and the test
client checks every answer against the document (tests/support/openapi_check.py).

Two seeds run: a fixed one, and a random one printed so a failure can be replayed with
FUZZ_SEED=<seed> .venv/bin/python -m pytest tests/fuzz -q -s
"""
from __future__ import annotations

import json
import os
import random

import pytest
import schemathesis
from hypothesis import HealthCheck, given, seed, settings

from forum.api.openapi import build_spec
from tests.factories import ForumFactory

FIXED_SEED = 20261127
RANDOM_SEED = int(os.environ.get("FUZZ_SEED") or random.SystemRandom().randrange(2**32))
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))


def _operations(app):
    with app.app_context():
        spec = json.loads(json.dumps(build_spec(app)))
    schema = schemathesis.openapi.from_dict(spec)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("fuzz_seed", [FIXED_SEED, RANDOM_SEED], ids=["fixed-seed", "random-seed"])
def test_no_operation_answers_5xx_or_off_document(app, client, api_token, fuzz_seed):
    print(f"\nschemathesis seed {fuzz_seed} (replay with FUZZ_SEED={fuzz_seed})")
    _user, token = api_token("organiser")
    forum = ForumFactory()
    real = {"forum": forum.slug}
    failures, sent = [], []

    for operation in _operations(app):
        if operation.path.endswith("/openapi.json"):
            continue

        @seed(fuzz_seed)
        @settings(max_examples=EXAMPLES, database=None, deadline=None, derandomize=False,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case):
            for params in (case.path_parameters or {}, {**(case.path_parameters or {}), **real}):
                path = operation.path.format(**{k: _quote(v) for k, v in params.items()})
                kwargs = {"headers": {**(case.headers or {}), "Authorization": f"Bearer {token}"},
                          "query_string": case.query or None}
                if case.body is not None and not isinstance(case.body, schemathesis.core.NotSet):
                    kwargs["data"] = json.dumps(case.body)
                    kwargs["content_type"] = "application/json"
                response = client.open(path,
                                       method=case.method.upper(), **kwargs)  # checked against the document
                sent.append(response.status_code)
                assert response.status_code < 500, (case.method, path, case.body, response.get_data(as_text=True))

        try:
            run()
        except AssertionError as error:
            failures.append(f"{operation.method.upper()} {operation.path}: {str(error)[:600]}")
    print(f"{len(sent)} requests; statuses {sorted(set(sent))}")
    assert len(sent) > 100
    assert not failures, f"seed {fuzz_seed}:\n" + "\n".join(failures)


def _quote(value) -> str:
    from urllib.parse import quote

    return quote(str(value), safe="")

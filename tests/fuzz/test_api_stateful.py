"""Stateful schemathesis: sequences of calls that follow the OpenAPI links of /api/v1/openapi.json.

A created forum leads to reading, changing and using it (attendees, check-ins, bookmarks, meetings), a
bookmark to its deletion, a pilot to reading and patching it: the stateless run (test_api_schemathesis.py)
mostly meets 404s for made-up references, this one reaches the resources the API itself made. Requests
go in process through the WSGI app with an organiser's token; no answer may be a 5xx, carry a status the
document does not list, or break the document's schema.

Two seeds, as in the stateless run: a fixed one and a random one printed for replay with
FUZZ_SEED=<seed> .venv/bin/python -m pytest tests/fuzz/test_api_stateful.py -q -s
"""
from __future__ import annotations

import contextvars
import os

import flask
import pytest
import schemathesis
from hypothesis import HealthCheck, seed, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from forum.extensions import db
from tests.factories import ForumFactory, SolutionFactory
from tests.fuzz.test_api_schemathesis import FIXED_SEED, RANDOM_SEED

SCENARIOS = int(os.environ.get("FUZZ_SCENARIOS", "40"))
STEPS = int(os.environ.get("FUZZ_STEPS", "10"))
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def _schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _each_request_on_its_own(app))


def _each_request_on_its_own(app):
    """The app as a server runs it, each request in a context of its own. Called straight by schemathesis's
    WSGI client, a request reuses the test's app context (the run's) and leaves its `g` behind: a door
    scan's autocommit flag stayed there and stopped a later test's BEGIN."""
    def wsgi(environ, start_response):
        return contextvars.Context().run(app, environ, start_response)

    return wsgi


def test_the_requests_leave_the_tests_app_context_as_they_found_it(app, api_token):
    _user, token = api_token("organiser")
    before = dict(vars(flask.g))
    response = _schema(app)["/api/v1/forums"]["GET"].Case(headers={"Authorization": f"Bearer {token}"}).call()
    assert response.status_code == 200
    assert dict(vars(flask.g)) == before


def test_the_links_name_real_operations(app):
    schema = _schema(app)
    links = schema.statistic.transitions
    assert links.total >= 15 and links.selected == links.total


@pytest.mark.parametrize("fuzz_seed", [FIXED_SEED, RANDOM_SEED], ids=["fixed-seed", "random-seed"])
def test_call_sequences_along_the_links_answer_within_the_document(app, api_token, fuzz_seed):
    print(f"\nstateful schemathesis seed {fuzz_seed} (replay with FUZZ_SEED={fuzz_seed})")
    user, token = api_token("organiser")
    _a_forum_and_a_pilot(app, user)  # GET /forums and GET /pilots lead to them when generated bodies are refused
    schema = _schema(app)
    sent: list[tuple[str, int]] = []

    class Workflow(schema.as_state_machine()):
        def before_call(self, case):
            # Over whatever the generator made up for the bearer scheme.
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}

        def validate_response(self, response, case, **kwargs):
            sent.append((case.operation.label, response.status_code))
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    Workflow = seed(fuzz_seed)(Workflow)  # hypothesis reads the seed from the machine class
    Workflow.run(settings=settings(max_examples=SCENARIOS, stateful_step_count=STEPS, database=None,
                                   deadline=None, derandomize=False, suppress_health_check=list(HealthCheck),
                                   phases=_phases()))
    linked = [(label, status) for label, status in sent if "{" in label and status < 300]
    print(f"{len(sent)} requests, {len(linked)} answered 2xx on a resource the API made; "
          f"statuses {sorted({s for _, s in sent})}")
    assert len(sent) > 20
    assert linked, "no sequence reached a resource created along a link"


def _a_forum_and_a_pilot(app, user) -> None:
    import sqlalchemy as sa

    from forum.pilots.services import create_pilot
    from forum.sites.models import Site

    forum, solution = ForumFactory(), SolutionFactory()
    sites = db.session.scalars(sa.select(Site.id).order_by(Site.id).limit(2)).all()
    with app.test_request_context():
        create_pilot(user, {"company_id": solution.company_id, "solution_id": solution.id, "sites": sites,
                            "forums": [forum.id]})
    db.session.commit()  # into the test's outer transaction, so a request's rollback keeps them


def _phases():
    from hypothesis import Phase

    return [Phase.generate]  # no shrinking: a failure prints its seed and its calls instead

"""One log line per request with its route, status and time; JSON when LOG_FORMAT=json; no path or query."""
import json
import logging

import pytest

from forum.observability import LOGGER, JsonFormatter


@pytest.fixture(autouse=True)
def _capture_request_lines(caplog):
    """caplog listens on the root logger, but once any app built outside testing (a production-settings
    test in the same worker, say) has set the request logger up, that logger no longer propagates:
    listen on it directly (and only there), whatever ran before."""
    logger = logging.getLogger(LOGGER)
    propagate = logger.propagate
    logger.addHandler(caplog.handler)
    logger.propagate = False  # each record once, through this handler alone
    yield
    logger.removeHandler(caplog.handler)
    logger.propagate = propagate


def _lines(caplog):
    return [r for r in caplog.records if r.name == LOGGER]


def test_each_request_logs_one_line_with_route_status_and_time(client, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)
    client.get("/healthz")
    client.get("/no/such/page?email=chan@ha.example")
    ok, missing = _lines(caplog)
    assert ok.fields["route"] == "/healthz" and ok.fields["status"] == 200 and ok.fields["ms"] >= 0
    assert missing.fields["status"] == 404 and missing.fields["route"] == "-"
    assert "chan@ha.example" not in caplog.text  # routes, never paths or query strings


def test_the_route_pattern_hides_codes_in_the_path(client, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)
    client.get("/rsvp/SECRET-TOKEN-123")
    [line] = _lines(caplog)
    assert line.fields["route"] == "/rsvp/<token>"
    assert "SECRET-TOKEN-123" not in caplog.text


def test_json_format_gives_one_object_per_line(client, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)
    client.get("/healthz")
    [record] = _lines(caplog)
    line = json.loads(JsonFormatter().format(record))
    assert {k: line[k] for k in ("level", "method", "route", "status")} == {
        "level": "info", "method": "GET", "route": "/healthz", "status": 200}
    assert isinstance(line["ms"], float) and line["time"].endswith("+00:00")

"""One signed-code helper for tickets, lead codes and lab passes: the printed formats never change."""
from __future__ import annotations

import types

import pytest

from forum import signed_codes
from forum.attendees import lead_codes, tickets
from forum.datalab import door

KEY = bytes(range(10))
# Codes computed with SECRET_KEY "golden-secret" before the helper existed: badges and passes already
# printed must keep scanning, so these strings are fixed for ever.
GOLDEN = {
    "HKF1": "HKF1AAAQEAYEAUDAOCAJZCLT4PWST5DKNDAZ",
    "HKF2": "HKF2AAAQEAYEAUDAOCAJGXKH773JKYGU6G37",
    "HKL1": "HKL1AAAQEAYEAUDAOCAJIMKXOFCFUBSJCJHJ",
    "HKD1": "HKD1AAAQEAYEAUDAOCAJRXEOPZJQHW5LKVDT",
}


@pytest.fixture
def golden_app(app):
    saved = dict(app.config)
    app.config.update(SECRET_KEY="golden-secret", TICKET_KEY_VERSION=2, TICKET_KEY_OLDEST=1)
    yield app
    app.config.clear()
    app.config.update(saved)


def test_ticket_codes_keep_their_format_for_both_key_versions(golden_app):
    for version in (1, 2):
        golden_app.config["TICKET_KEY_VERSION"] = version
        assert tickets.code_for(types.SimpleNamespace(key=KEY)) == GOLDEN[f"HKF{version}"]
    golden_app.config["TICKET_KEY_VERSION"] = 2
    assert tickets.parse_code(GOLDEN["HKF1"]) == KEY
    assert tickets.parse_code(" " + GOLDEN["HKF2"].lower() + "\n") == KEY
    golden_app.config["TICKET_KEY_OLDEST"] = 2
    assert tickets.parse_code(GOLDEN["HKF1"]) is None  # retired version


def test_lead_and_lab_codes_keep_their_format(golden_app):
    assert lead_codes.lead_code_for(types.SimpleNamespace(lead_key=KEY)) == GOLDEN["HKL1"]
    assert door.pass_code(types.SimpleNamespace(pass_key=KEY)) == GOLDEN["HKD1"]
    assert lead_codes.parse_lead_code(GOLDEN["HKL1"]) == KEY
    assert door.parse_code(GOLDEN["HKD1"]) == KEY


def test_codes_of_one_kind_do_not_open_another(golden_app):
    assert lead_codes.parse_lead_code(GOLDEN["HKF2"]) is None
    assert tickets.parse_code(GOLDEN["HKL1"]) is None
    assert door.parse_code(GOLDEN["HKL1"]) is None
    # the same body under another prefix fails its signature check
    assert lead_codes.parse_lead_code("HKL1" + GOLDEN["HKD1"][4:]) is None


@pytest.mark.parametrize("text", [None, 12, "", "HKL1", "HKL1" + "A" * 31, "HKL1" + "1" * 32,
                                  GOLDEN["HKL1"][:-1] + ("A" if GOLDEN["HKL1"][-1] != "A" else "B")])
def test_malformed_or_altered_codes_are_refused(golden_app, text):
    assert lead_codes.parse_lead_code(text) is None


def test_the_helper_signs_and_reads_back():
    signing = b"k" * 32
    code = signed_codes.sign("HKX1", KEY, signing, b"label:")
    assert len(code) == 4 + signed_codes.BODY_LENGTH
    assert signed_codes.read(code, "HKX1", signing, b"label:") == KEY
    assert signed_codes.read(code, "HKX1", signing, b"other:") is None
    assert signed_codes.read(code, "HKX1", b"j" * 32, b"label:") is None
    assert signed_codes.read(code, "HKX2", signing, b"label:") is None


def test_a_ticket_printed_by_one_instance_scans_on_another_with_the_same_secret_key(tmp_path):
    """docs/deploy.md: SECRET_KEY is the same on every instance, and that is all they need to share."""
    from tests.support.databases import make_test_app

    shared = "s" * 64
    one, two, other = (make_test_app("sqlite://", tmp_path / name, SECRET_KEY=key)
                       for name, key in (("one", shared), ("two", shared), ("other", "o" * 64)))
    with one.app_context():
        code = tickets.code_for(types.SimpleNamespace(key=KEY))
    with two.app_context():
        assert tickets.parse_code(code) == KEY
    with other.app_context():
        assert tickets.parse_code(code) is None

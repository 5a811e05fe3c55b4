"""Ticket codes: signed, stable, and any damage makes them `invalid`, never an error."""
import pytest

from forum.attendees import ticket_mail
from forum.attendees.models import AttendeeStatus
from forum.attendees.tickets import CODE_LENGTH, code_for, issue_ticket, lookup_for_scan
from tests.factories import AttendeeFactory, ForumFactory


def _registered(forum):
    attendee = AttendeeFactory(forum=forum, status=AttendeeStatus.registered)
    return attendee, issue_ticket(attendee)


def test_a_code_looks_up_its_ticket(forum):
    attendee, ticket = _registered(forum)
    code = code_for(ticket)
    assert len(code) == CODE_LENGTH and code.startswith("HKF2")
    assert lookup_for_scan(code, forum.id)[0] == "ok"
    assert lookup_for_scan(code.lower(), forum.id)[1].id == attendee.id


@pytest.mark.parametrize("damage", [
    lambda c: c[:-1],  # truncated
    lambda c: c[:20],
    lambda c: c[:-1] + ("A" if c[-1] != "A" else "B"),  # one character changed (tag)
    lambda c: c[:6] + ("Z" if c[6] != "Z" else "Y") + c[7:],  # key changed
    lambda c: "HKF1" + c[4:],  # signed with version 2's key, claiming version 1
    lambda c: "HKF3" + c[4:],  # a version not in use
    lambda c: c + "A",
    lambda c: c.replace("HKF2", ""),
    lambda c: c[:-2] + "==",
    lambda c: c[:10] + "!" + c[11:],
    lambda c: "",
    lambda c: None,
    lambda c: 12345,
    lambda c: "HKF1" + "0" * 32,
    lambda c: "\x00" * 36,
    lambda c: "HKF1" + "é" * 32,
])
def test_tampered_or_truncated_codes_are_invalid(forum, damage):
    _attendee, ticket = _registered(forum)
    assert lookup_for_scan(damage(code_for(ticket)), forum.id) == ("invalid", None)


def test_reissue_revokes_the_old_code(forum, organiser, outbox):
    attendee, ticket = _registered(forum)
    old = code_for(ticket)
    new_ticket = ticket_mail.reissue_ticket(organiser, attendee)
    assert lookup_for_scan(old, forum.id)[0] == "revoked"
    assert lookup_for_scan(code_for(new_ticket), forum.id)[0] == "ok"
    assert code_for(new_ticket) != old


def test_a_code_from_another_forum_is_wrong_forum(forum):
    _attendee, ticket = _registered(forum)
    other = ForumFactory()
    assert lookup_for_scan(code_for(ticket), other.id)[0] == "wrong_forum"

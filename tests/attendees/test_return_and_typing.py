"""Coming back after cancelling keeps the printed badge working; saving choices does not promise a mail;
codes typed in groups of four (spaces, dashes, full-width, lower case) are the same code."""
from forum.attendees.models import AttendeeStatus
from forum.attendees.tickets import code_for, current_ticket, grouped, lookup_for_scan, parse_code
from forum.extensions import db
from tests.attendees.test_registration import _invite, _link


def test_registering_again_after_cancelling_keeps_the_same_code(client, organiser, forum, outbox):
    attendee, message = _invite(organiser, forum, outbox)
    link = _link(message)
    client.post(link, data={"answer": "register"})
    code = code_for(current_ticket(attendee))
    page = client.get(link).get_data(as_text=True)
    assert 'data-confirm="Cancel your registration?' in page  # asks before acting
    client.post(link, data={"answer": "cancel"})
    assert lookup_for_scan(code, forum.id)[0] == "revoked"
    mails_before = len(outbox())
    response = client.post(link, data={"answer": "register"}, follow_redirects=True)
    db.session.refresh(attendee)
    assert attendee.status == AttendeeStatus.registered
    assert lookup_for_scan(code, forum.id)[0] == "ok" and code_for(current_ticket(attendee)) == code
    assert len(outbox()) == mails_before + 1  # the same ticket, mailed again
    assert "Your ticket is on its way by email." in response.get_data(as_text=True)


def test_saving_choices_again_says_no_mail_is_sent(client, organiser, forum, outbox):
    attendee, message = _invite(organiser, forum, outbox)
    link = _link(message)
    client.post(link, data={"answer": "register"}, follow_redirects=True)
    mails_before = len(outbox())
    page = client.post(link, data={"answer": "register", "dietary_needs": "Halal"},
                       follow_redirects=True).get_data(as_text=True)
    assert len(outbox()) == mails_before
    assert "on its way" not in page and "Your choices are saved. Your ticket has not changed." in page


def test_codes_typed_in_groups_are_accepted(app, forum):
    from forum.attendees.tickets import issue_ticket
    from tests.factories import AttendeeFactory

    ticket = issue_ticket(AttendeeFactory(forum=forum))
    code = code_for(ticket)
    shown = grouped(code)
    assert shown.split() == [code[i:i + 4] for i in range(0, 36, 4)]
    for typed in (shown, shown.lower(), shown.replace(" ", "-"), shown.replace(" ", "\u3000"),
                  " " + shown.replace(" ", " - ") + "\n"):
        assert parse_code(typed) == ticket.key, typed
    assert parse_code(code[:-1] + ("A" if code[-1] != "A" else "B")) is None  # still signed

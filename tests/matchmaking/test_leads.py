"""Leads: the badge's lead code at the booth, people who bookmarked the exhibitor, consent-bound contact details."""
import csv
import io

import pytest
import sqlalchemy as sa

from forum.attendees import services as attendee_services
from forum.attendees.lead_codes import lead_code_for, parse_lead_code
from forum.attendees.models import AttendeeStatus
from forum.attendees.tickets import code_for, issue_ticket
from forum.errors import PermissionDenied
from forum.exhibitors.models import ApplicationStatus
from forum.extensions import db
from forum.signed_codes import KEY_BYTES
from forum.matchmaking import bookmarks, leads
from forum.matchmaking.models import Lead
from tests.factories import ApplicationFactory, AttendeeFactory, ForumFactory, UserFactory


def _person(forum, email, *, consent, department="Radiology"):
    user = UserFactory(role="ha_staff", email=email)
    attendee = AttendeeFactory(forum=forum, user_id=user.id, email=email, email_key=email, share_contact=consent,
                               status=AttendeeStatus.registered, department=department, title="Ward Manager",
                               organisation="Queen Mary Hospital", themes=["clinical_workflow"])
    issue_ticket(attendee)
    return user, attendee


@pytest.fixture
def booth(forum, exhibitors):
    return UserFactory(role="exhibitor", company_id=exhibitors[0].company_id)


def test_a_lead_code_is_saved_once_and_refusals_say_why(forum, exhibitors, booth):
    _user, attendee = _person(forum, "lee@ha.example", consent=False)
    code = lead_code_for(attendee)
    assert code.startswith("HKL1") and code != code_for(attendee.tickets[0])
    # Nothing personal: the code is the attendee's random key and its signature, so it reads back to that key
    # alone (a check for the name's letters would fail whenever the random text happened to spell them).
    assert parse_lead_code(code) == attendee.lead_key and len(attendee.lead_key) == KEY_BYTES
    first = leads.scan_lead(booth, forum, code, nonce="n" * 12)
    assert first["result"] == "ok" and first["attendee"]["name_en"] == attendee.name_en
    assert first["attendee"]["email"] is None and first["attendee"]["contact_shared"] is False
    assert leads.scan_lead(booth, forum, code.lower(), nonce="n" * 12)["result"] == "ok"  # a resend
    assert leads.scan_lead(booth, forum, code)["result"] == "already_saved"
    ticket = leads.scan_lead(booth, forum, code_for(attendee.tickets[0]))
    assert ticket["result"] == "ticket_code" and "door ticket" in ticket["error"]["message"] and not ticket["attendee"]
    forged = code[:-3] + ("AAA" if not code.endswith("AAA") else "BBB")
    assert leads.scan_lead(booth, forum, forged)["result"] == "invalid"
    assert leads.scan_lead(booth, forum, "hello")["result"] == "invalid"
    _other_user, elsewhere = _person(ForumFactory(), "far@ha.example", consent=True)
    assert leads.scan_lead(booth, forum, lead_code_for(elsewhere))["result"] == "wrong_forum"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lead)) == 1
    # A company that is not exhibiting at this forum cannot collect leads here.
    with pytest.raises(PermissionDenied):
        leads.scan_lead(UserFactory(role="exhibitor", company_id=exhibitors[2].company_id), forum, code)


def test_notes_rating_tags_and_only_own_leads(forum, exhibitors, booth):
    _user, attendee = _person(forum, "ho@ha.example", consent=False)
    lead_id = leads.scan_lead(booth, forum, lead_code_for(attendee))["lead"]
    lead = leads.update_lead(booth, forum, lead_id, {"rating": "4", "tags": "pilot, ICU, pilot", "note": "call back"})
    assert (lead.rating, lead.tags, lead.note) == (4, "pilot, ICU", "call back")
    with pytest.raises(leads.ValidationError):
        leads.update_lead(booth, forum, lead_id, {"rating": "9"})
    rival = UserFactory(role="exhibitor", company_id=exhibitors[1].company_id)
    with pytest.raises(leads.NotFound):
        leads.update_lead(rival, forum, lead_id, {"rating": "1"})
    assert leads.leads_for(rival, forum) == []
    assert b"ho@ha.example" not in leads.export_leads_csv(rival, forum)


def _everything_an_exhibitor_sees(client, forum, code: str) -> str:
    """Every page, export and API answer that shows people to an exhibitor, concatenated."""
    parts = [client.get(f"/forums/{forum.slug}/meet").get_data(as_text=True),
             client.get(f"/forums/{forum.slug}/leads").get_data(as_text=True),
             client.get(f"/forums/{forum.slug}/leads.csv").get_data(as_text=True),
             client.get(f"/api/v1/forums/{forum.slug}/leads").get_data(as_text=True),
             client.post(f"/api/v1/forums/{forum.slug}/leads/scan", json={"code": code}).get_data(as_text=True),
             client.post(f"/api/v1/forums/{forum.slug}/leads/batch",
                         json={"scans": [{"code": code}]}).get_data(as_text=True)]
    for response in parts:
        assert "Traceback" not in response
    return "\n".join(parts)


def test_no_contact_details_without_consent_and_withdrawal_hides_them(client, login_as, forum, exhibitors):
    company_id = exhibitors[0].company_id
    yes_user, yes = _person(forum, "agrees@ha.example", consent=True)
    no_user, no = _person(forum, "declines@ha.example", consent=False)
    for user in (yes_user, no_user):
        bookmarks.add_bookmark(user, forum, company_id=company_id)
    db.session.commit()
    login_as("exhibitor", company_id=company_id)
    seen = _everything_an_exhibitor_sees(client, forum, lead_code_for(no))
    seen += _everything_an_exhibitor_sees(client, forum, lead_code_for(yes))
    assert "declines@ha.example" not in seen
    assert "agrees@ha.example" in seen and no.name_en in seen and "Queen Mary Hospital" in seen
    leads_page = client.get(f"/forums/{forum.slug}/leads").get_data(as_text=True)
    assert "Ask the partnership team to connect us" in leads_page
    # The person withdraws consent on their invitation page: from then on nothing shows.
    attendee_services.register(yes, {"themes": yes.themes, "share_contact": False}, actor=yes_user)
    db.session.commit()
    assert "agrees@ha.example" not in _everything_an_exhibitor_sees(client, forum, lead_code_for(yes))


def test_ask_the_partnership_team_to_connect(client, login_as, forum, exhibitors, outbox):
    partner = UserFactory(role="partnership", email="partner@hkstp.example")
    user, attendee = _person(forum, "wong@ha.example", consent=False)
    bookmarks.add_bookmark(user, forum, solution_id=exhibitors[0].solutions[0].id)
    stranger_user, stranger = _person(forum, "stranger@ha.example", consent=False)
    db.session.commit()
    login_as("exhibitor", company_id=exhibitors[0].company_id)
    response = client.post(f"/forums/{forum.slug}/leads/connect", data={"attendee": str(attendee.id)},
                           follow_redirects=True)
    assert "The partnership team will introduce you." in response.get_data(as_text=True)
    lead = db.session.scalar(sa.select(Lead).where(Lead.attendee_id == attendee.id))
    assert lead.connect_requested_at is not None and lead.scanned_by_id is None
    [message] = outbox()
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert message["To"] == partner.email and attendee.name_en in body and "引薦" in message["Subject"]
    assert "wong@ha.example" not in body
    client.post(f"/forums/{forum.slug}/leads/connect", data={"attendee": str(attendee.id)})
    assert len(outbox()) == 1  # asked once, told once
    # The partnership team sees the request beside its startup-site pairs.
    login_as("partnership")
    pairs = client.get(f"/forums/{forum.slug}/pairs").get_data(as_text=True)
    assert attendee.name_en in pairs and "Introductions asked for" in pairs
    login_as("exhibitor", company_id=exhibitors[0].company_id)
    # Someone who neither bookmarked nor was met is not theirs to ask about.
    refused = client.post(f"/forums/{forum.slug}/leads/connect", data={"attendee": str(stranger.id)},
                          follow_redirects=True)
    assert "No such person." in refused.get_data(as_text=True)


def test_leads_page_runs_a_bounded_number_of_queries(client, login_as, forum, exhibitors, query_counter):
    booth_user = login_as("exhibitor", company_id=exhibitors[0].company_id)
    _u, first = _person(forum, "p0@ha.example", consent=True)
    leads.scan_lead(booth_user, forum, lead_code_for(first))
    db.session.commit()
    with query_counter() as few:
        client.get(f"/forums/{forum.slug}/leads")
    for n in range(1, 15):
        user, attendee = _person(forum, f"p{n}@ha.example", consent=n % 2 == 0, department=f"Dept {n}")
        if n % 3:
            leads.scan_lead(booth_user, forum, lead_code_for(attendee))
        else:
            bookmarks.add_bookmark(user, forum, company_id=exhibitors[0].company_id)
    db.session.commit()
    with query_counter() as many:
        html = client.get(f"/forums/{forum.slug}/leads").get_data(as_text=True)
    assert "p14@ha.example" in html and "p13@ha.example" not in html
    assert many.count == few.count, many.statements


def test_booth_scanner_page_reuses_the_door_scanner(client, login_as, forum, exhibitors):
    login_as("exhibitor", company_id=exhibitors[0].company_id)
    html = client.get(f"/forums/{forum.slug}/leads/scan").get_data(as_text=True)
    assert "checkin/scanner.js" in html and "HKL1" in html and "<script>" not in html
    login_as("exhibitor", company_id=exhibitors[2].company_id)  # not approved here
    assert client.get(f"/forums/{forum.slug}/leads/scan").status_code == 403

"""Door staff see only what the door needs: no ticket codes in name search, no badge by guessed id,
access needs only where the organiser turned them on, never on the kiosk."""
import pytest
import sqlalchemy as sa

from forum.attendees.models import AttendeeStatus
from forum.attendees.tickets import code_for
from forum.audit.models import AuditEvent
from forum.checkin.models import CheckIn
from forum.extensions import db
from forum.forums.models import ForumStatus
from tests.factories import AttendeeFactory, CheckInPointFactory, ForumFactory, TicketFactory


@pytest.fixture
def forum():
    forum = ForumFactory(status=ForumStatus.live)
    CheckInPointFactory(forum_id=forum.id, key="main-entrance", name_en="Main entrance", position=1)
    return forum


def _person(forum, **kw):
    kw.setdefault("status", AttendeeStatus.registered)
    attendee = AttendeeFactory(forum=forum, **kw)
    return attendee, TicketFactory(attendee=attendee)


def _search(client, forum, q):
    return client.get(f"/forums/{forum.slug}/checkin/search", query_string={"q": q},
                      headers={"Accept": "application/json"})


def test_name_search_needs_two_letters_or_one_chinese_character(client, login_as, forum):
    login_as("scanner")
    _person(forum, name_en="Dr Ho Ka Yan", name_zh="何嘉欣")
    refused = _search(client, forum, "H")
    assert refused.status_code == 400 and refused.json["error"]["code"] == "invalid"
    assert _search(client, forum, " o ").status_code == 400
    assert [a["name_en"] for a in _search(client, forum, "Ho").json["attendees"]] == ["Dr Ho Ka Yan"]
    assert [a["name_zh"] for a in _search(client, forum, "嘉").json["attendees"]] == ["何嘉欣"]


@pytest.mark.parametrize("q", ["%%", "__", "%_", "\\%"])
def test_name_search_treats_wildcards_as_plain_characters(client, login_as, forum, q):
    login_as("scanner")
    for i in range(3):
        _person(forum, name_en=f"Person {i}", name_zh=f"人{i}")
    assert _search(client, forum, q).json["attendees"] == []


def test_name_search_finds_a_literal_percent_or_underscore(client, login_as, forum):
    login_as("scanner")
    _person(forum, name_en="Team_100% Lab", name_zh="團隊")
    _person(forum, name_en="Team A100 Lab", name_zh="團隊甲")
    assert [a["name_en"] for a in _search(client, forum, "m_100%").json["attendees"]] == ["Team_100% Lab"]


def test_search_results_carry_no_ticket_code(client, login_as, forum):
    """Replaces tests/checkin/test_views.py::test_search_returns_codes_for_the_scanner, which asserted the
    opposite (a live ticket code in every result)."""
    login_as("scanner")
    attendee, ticket = _person(forum, name_en="Dr Ho Ka Yan", name_zh="何嘉欣")
    response = _search(client, forum, "何嘉")
    assert code_for(ticket) not in response.get_data(as_text=True)
    [found] = response.json["attendees"]
    assert found["id"] == attendee.id and found["has_ticket"] is True and "code" not in found


def test_search_is_open_only_while_the_forum_is_live(client, login_as):
    login_as("scanner")
    forum = ForumFactory(status=ForumStatus.open_for_registration)
    _person(forum, name_en="Dr Early Bird", name_zh="早鳥")
    response = _search(client, forum, "Early")
    assert response.status_code == 400 and "live" in response.json["error"]["message"]


def test_each_search_is_audited(client, login_as, forum):
    scanner = login_as("scanner")
    _person(forum, name_en="Dr Ho Ka Yan", name_zh="何嘉欣")
    _search(client, forum, "Ka Yan")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "checkin.search")
                              .order_by(AuditEvent.id.desc()))
    assert event.actor_id == scanner.id and event.forum_id == forum.id
    assert event.changes == {"query": "Ka Yan", "found": 1}


def test_search_is_rate_limited(app, client, login_as, forum, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_SEARCH", "3 per year")
    login_as("scanner")
    answers = [_search(client, forum, "Nobody").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]


def test_checking_in_from_a_search_result_goes_by_attendee_id_through_check_in(client, login_as, forum):
    scanner = login_as("scanner")
    attendee, _ticket = _person(forum, name_en="Dr Ho Ka Yan", name_zh="何嘉欣")
    url = f"/forums/{forum.slug}/checkin/attendees/{attendee.id}"
    first = client.post(url, json={"point": "main-entrance", "nonce": "search-nonce-1"})
    assert first.status_code == 200 and first.json["result"] == "ok" and first.json["point"] == "main-entrance"
    assert client.post(url, json={"nonce": "search-nonce-1"}).json == first.json  # a resend: same answer
    assert client.post(url, json={}).json["result"] == "already_checked_in"
    rows = db.session.scalars(sa.select(CheckIn).where(CheckIn.attendee_id == attendee.id)).all()
    assert [(r.result.value, r.first_entry, r.scanner_id) for r in rows] == [
        ("ok", True, scanner.id), ("already_checked_in", False, scanner.id)]


def test_checking_in_by_id_refuses_people_without_a_valid_ticket_or_of_another_forum(client, login_as, forum):
    login_as("scanner")
    no_ticket = AttendeeFactory(forum=forum)
    cancelled, _t = _person(forum, status=AttendeeStatus.cancelled)
    elsewhere, _t2 = _person(ForumFactory(status=ForumStatus.live))
    base = f"/forums/{forum.slug}/checkin/attendees"
    refused = client.post(f"{base}/{no_ticket.id}", json={})
    assert refused.status_code == 400 and refused.json["error"]["message"]
    assert client.post(f"{base}/{cancelled.id}", json={}).json["result"] == "revoked"
    assert client.post(f"{base}/{elsewhere.id}", json={}).status_code == 404


def test_a_scanner_downloads_only_the_badge_of_a_person_just_scanned(client, login_as, forum):
    login_as("scanner")
    scanned, ticket = _person(forum)
    other, _t = _person(forum)
    badge = f"/forums/{forum.slug}/attendees/%d/badge.pdf"
    assert client.get(badge % scanned.id).status_code == 403
    client.post(f"/api/v1/forums/{forum.slug}/checkins", json={"code": code_for(ticket)})
    response = client.get(badge % scanned.id)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert client.get(badge % other.id).status_code == 403  # the next id along
    login_as("organiser")
    assert client.get(badge % other.id).status_code == 200


def test_access_needs_reach_the_door_only_where_the_organiser_turned_them_on(client, login_as, forum):
    login_as("scanner")
    quiet, quiet_ticket = _person(forum, name_en="Ms Quiet Lam", access_needs="Wheelchair")
    answer = client.post(f"/api/v1/forums/{forum.slug}/checkins", json={"code": code_for(quiet_ticket)}).json
    assert answer["result"] == "ok" and "Wheelchair" not in str(answer)
    assert "Wheelchair" not in _search(client, forum, "Quiet").get_data(as_text=True)

    forum.door_shows_access_needs = True
    db.session.commit()
    shown, shown_ticket = _person(forum, name_en="Mr Shown Ng", access_needs="Sign language")
    answer = client.post(f"/api/v1/forums/{forum.slug}/checkins", json={"code": code_for(shown_ticket)}).json
    assert answer["attendee"]["access_needs"] == "Sign language"
    assert _search(client, forum, "Shown").json["attendees"][0]["access_needs"] == "Sign language"


def test_the_kiosk_never_shows_access_needs(client, login_as, forum):
    forum.door_shows_access_needs = True
    db.session.commit()
    login_as("organiser")
    _attendee, ticket = _person(forum, access_needs="Guide dog")
    client.post(f"/forums/{forum.slug}/checkin/kiosk", data={"point": "main-entrance", "pin": "482913"})
    answer = client.post(f"/forums/{forum.slug}/checkin/kiosk/scan", json={"code": code_for(ticket)}).json
    assert answer["result"] == "ok" and "Guide dog" not in str(answer)


def test_organisers_turn_access_needs_at_the_door_on_in_the_forum_form(client, login_as, forum):
    login_as("organiser")
    page = client.get(f"/forums/{forum.slug}/edit").get_data(as_text=True)
    assert 'name="door_shows_access_needs"' in page

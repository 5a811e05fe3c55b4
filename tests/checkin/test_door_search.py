"""The door's name search shows each person's status, and a walk-in found nowhere is registered from
there and checked in through the same check_in()."""
import json

import pytest
import sqlalchemy as sa

from forum.attendees.models import Attendee, AttendeeStatus
from forum.attendees.tickets import code_for
from forum.checkin.models import CheckIn
from forum.checkin.services import Scan, check_in
from forum.extensions import db
from forum.forums.models import ForumStatus
from tests.factories import AttendeeFactory, CheckInPointFactory, ForumFactory, TicketFactory, UserFactory


@pytest.fixture
def forum():
    forum = ForumFactory(status=ForumStatus.live)
    CheckInPointFactory(forum_id=forum.id, key="main-entrance", name_en="Main entrance", name_zh="正門", position=1)
    return forum


def _search(client, forum, q):
    return client.get(f"/forums/{forum.slug}/checkin/search", query_string={"q": q},
                      headers={"Accept": "application/json"})


def _walk_in(client, forum, **body):
    body.setdefault("nonce", "walk-in-0001")
    return client.post(f"/forums/{forum.slug}/checkin/walk-ins", data=json.dumps(body),
                       headers={"Accept": "application/json", "Content-Type": "application/json"})


def test_search_shows_invited_registered_arrived_with_time_and_cancelled(client, login_as, forum):
    AttendeeFactory(forum=forum, name_en="Chan Invited", status=AttendeeStatus.invited)
    TicketFactory(attendee=AttendeeFactory(forum=forum, name_en="Chan Registered", status=AttendeeStatus.registered))
    arrived = TicketFactory(attendee=AttendeeFactory(forum=forum, name_en="Chan Arrived",
                                                     status=AttendeeStatus.registered))
    AttendeeFactory(forum=forum, name_en="Chan Cancelled", status=AttendeeStatus.cancelled)
    check_in(UserFactory(role="scanner"), forum, Scan(code=code_for(arrived), point="main-entrance"))
    login_as("scanner")
    found = {a["name_en"]: a for a in _search(client, forum, "Chan").json["attendees"]}
    assert {name: a["door_status"] for name, a in found.items()} == {
        "Chan Invited": "invited", "Chan Registered": "registered", "Chan Arrived": "arrived",
        "Chan Cancelled": "cancelled"}
    assert found["Chan Arrived"]["arrived_point"] == "main-entrance"
    assert found["Chan Arrived"]["arrived_at"].endswith("+08:00")
    assert found["Chan Registered"]["arrived_at"] is None


def test_the_scanner_page_offers_a_walk_in_form_and_words_for_each_status(client, login_as, forum):
    login_as("scanner", locale="zh_Hant_HK")
    page = client.get(f"/forums/{forum.slug}/checkin/scan").get_data(as_text=True)
    config = json.loads(page.split('id="scanner-config">')[1].split("</script>")[0])
    assert config["walkInUrl"] == f"/forums/{forum.slug}/checkin/walk-ins"
    assert config["words"]["status_arrived"] == "已於 %(time)s 在%(point)s入場"
    assert 'id="walk-in"' in page and 'name="email"' in page


def test_a_walk_in_is_registered_and_checked_in_through_the_same_check_in(client, login_as, forum, outbox):
    login_as("scanner")
    response = _walk_in(client, forum, name_en="Walk In Wong", email="walkin@ha.example", kind="ha",
                        point="main-entrance")
    assert response.status_code == 200, response.json
    assert response.json["result"] == "ok" and response.json["attendee"]["name_en"] == "Walk In Wong"
    person = db.session.scalar(sa.select(Attendee).where(Attendee.email_key == "walkin@ha.example"))
    assert person.status == AttendeeStatus.registered
    rows = db.session.scalars(sa.select(CheckIn).where(CheckIn.attendee_id == person.id)).all()
    assert [(r.first_entry, r.nonce) for r in rows] == [(True, "walk-in-0001")]
    assert _search(client, forum, "Walk In").json["attendees"][0]["door_status"] == "arrived"
    # The same person again is already on the list: the search finds them instead.
    again = _walk_in(client, forum, name_en="Walk In Wong", email="walkin@ha.example", point="main-entrance")
    assert again.status_code == 409 and "email" in again.json["error"]["fields"]


def test_a_bad_walk_in_is_refused_with_the_field_and_nothing_is_kept(client, login_as, forum):
    login_as("scanner")
    response = _walk_in(client, forum, name_en="No Mail", email="not-an-email")
    assert response.status_code == 400 and "email" in response.json["error"]["fields"]
    response = _walk_in(client, forum, name_en="Speaker", email="s@x.example", kind="speaker")
    assert response.status_code == 400 and "kind" in response.json["error"]["fields"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendee).where(
        Attendee.forum_id == forum.id)) == 0


def test_walk_ins_are_for_door_staff_at_a_live_forum(client, login_as, forum):
    login_as("ha_staff")
    assert _walk_in(client, forum, name_en="X", email="x@x.example").status_code == 403
    login_as("scanner")
    forum.status = ForumStatus.open_for_registration
    db.session.flush()
    assert _walk_in(client, forum, name_en="X", email="x@x.example").status_code == 400

""""Meeting happened" at the networking hour: badges scanned at the table in the slot, exactly once."""
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum.accounts.models import User
from forum.attendees.models import AttendeeKind
from forum.attendees.tickets import code_for, issue_ticket
from forum.db import utcnow
from forum.errors import PermissionDenied, ValidationError
from forum.extensions import db
from forum.matchmaking import networking
from forum.matchmaking.models import NetworkingAttendance, NetworkingHour, NetworkingMeeting
from forum.matchmaking.table_scans import scan_at_table
from tests.factories import AttendeeFactory, ForumFactory, UserFactory


def _badge(forum, user, kind=AttendeeKind.ha) -> str:
    attendee = AttendeeFactory(forum=forum, user_id=user.id, email=user.email, email_key=user.email, kind=kind,
                               name_en=user.name_en)
    return code_for(issue_ticket(attendee))


@pytest.fixture
def table(forum, exhibitors, organiser):
    """An hour that started a minute ago (3 slots of 10 minutes, 2 tables); HA 0 meets booth 0 at table 2
    in the first slot, HA 1 meets booth 0 at table 1 in the second."""
    ha = [UserFactory(role="ha_staff", name_en=f"HA person {i}") for i in range(3)]
    booth = UserFactory(role="exhibitor", company_id=exhibitors[0].company_id, name_en="Booth person")
    codes = {u.id: _badge(forum, u) for u in ha}
    codes[booth.id] = _badge(forum, booth, AttendeeKind.exhibitor)
    hour = networking.open_hour(organiser, forum, starts_at=utcnow() - timedelta(minutes=1), slots=3, tables=2,
                                cap=2)
    first = networking.lock(organiser, hour, first_id=ha[0].id, second_id=booth.id, slot=0, table=2)
    networking.lock(organiser, hour, first_id=ha[1].id, second_id=booth.id, slot=1, table=1)
    return hour, ha, booth, codes, first


def test_door_staff_scan_both_badges_and_the_meeting_happened_once(table):
    hour, ha, booth, codes, meeting = table
    door = UserFactory(role="scanner")
    answer = scan_at_table(door, hour, code=codes[ha[0].id], table=2)
    assert answer["result"] == "ok" and answer["attendee"]["name_en"] == "HA person 0"
    assert answer["meeting"] == meeting.id and answer["happened"] is False and "Booth person" in answer["note"]
    again = scan_at_table(door, hour, code=codes[ha[0].id].lower(), table=2)  # typed in small letters
    assert again["result"] == "already_recorded"
    both = scan_at_table(door, hour, code=codes[booth.id], table=2)
    assert both["result"] == "ok" and both["happened"] is True
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NetworkingAttendance)) == 2
    happened_at = db.session.get(NetworkingMeeting, meeting.id).happened_at
    assert happened_at is not None
    scan_at_table(door, hour, code=codes[booth.id], table=2)
    assert db.session.get(NetworkingMeeting, meeting.id).happened_at == happened_at


def test_wrong_table_slot_person_and_badge_are_answered_and_record_nothing(table, forum):
    hour, ha, booth, codes, _meeting = table
    door = UserFactory(role="organiser")
    wrong_table = scan_at_table(door, hour, code=codes[ha[0].id], table=1)
    assert wrong_table["result"] == "wrong_table" and "table 2" in wrong_table["error"]["message"]
    later = scan_at_table(door, hour, code=codes[ha[0].id], table=2, at=hour.starts_at + timedelta(minutes=15))
    assert later["result"] == "no_meeting_now" and "at table 2" in later["error"]["message"]
    early = scan_at_table(door, hour, code=codes[ha[0].id], table=2, at=hour.starts_at - timedelta(minutes=10))
    assert early["result"] == "outside_hour"
    assert scan_at_table(door, hour, code=codes[ha[2].id], table=1)["result"] == "not_scheduled"
    assert scan_at_table(door, hour, code="HKF1NOTACODE", table=1) == {
        "result": "invalid", "attendee": None, "meeting": None, "table": None,
        "error": {"code": "invalid", "message": "This is not a badge of this forum."}}
    elsewhere = _badge(ForumFactory(), UserFactory(role="ha_staff"))
    assert scan_at_table(door, hour, code=elsewhere, table=1)["result"] == "wrong_forum"
    for bad in (0, 3, "2", True, None):
        with pytest.raises(ValidationError):
            scan_at_table(door, hour, code=codes[ha[0].id], table=bad)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NetworkingAttendance)) == 0


def test_a_participant_scans_the_person_they_meet_not_others(table):
    hour, ha, booth, codes, meeting = table
    assert scan_at_table(ha[1], hour, code=codes[ha[0].id], table=2)["result"] == "not_your_meeting"
    answer = scan_at_table(booth, hour, code=codes[ha[0].id], table=2)
    assert answer["result"] == "ok" and answer["happened"] is True  # both of them are at the table
    assert db.session.get(NetworkingMeeting, meeting.id).happened_at is not None
    with pytest.raises(PermissionDenied):
        scan_at_table(UserFactory(role="partnership"), hour, code=codes[ha[0].id], table=2)


@pytest.mark.committed
def test_badges_scanned_at_once_make_one_row_each_and_mark_the_meeting(app, committed, forum, exhibitors):
    organiser = UserFactory(role="organiser")
    ha, booth = UserFactory(role="ha_staff"), UserFactory(role="exhibitor", company_id=exhibitors[0].company_id)
    codes = [_badge(forum, ha), _badge(forum, booth, AttendeeKind.exhibitor)]
    hour = networking.open_hour(organiser, forum, starts_at=utcnow() - timedelta(minutes=1), slots=2, tables=1)
    meeting = networking.lock(organiser, hour, first_id=ha.id, second_id=booth.id, slot=0, table=1)
    doors = [UserFactory(role="scanner").id for _ in range(4)]
    hour_id, meeting_id = hour.id, meeting.id
    db.session.commit()
    barrier = threading.Barrier(4)
    results, errors = [], []

    def go(door_id, code):
        barrier.wait()
        with app.test_request_context(method="POST"):
            try:
                results.append(scan_at_table(db.session.get(User, door_id), db.session.get(NetworkingHour, hour_id),
                                             code=code, table=1)["result"])
                db.session.commit()
            except Exception as error:  # noqa: BLE001  (reported below)
                db.session.rollback()
                errors.append(error)
            finally:
                db.session.remove()

    workers = [threading.Thread(target=go, args=(door, codes[i % 2])) for i, door in enumerate(doors)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == [] and sorted(results) == ["already_recorded", "already_recorded", "ok", "ok"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NetworkingAttendance)) == 2
    assert db.session.get(NetworkingMeeting, meeting_id).happened_at is not None


def test_scanner_page_and_api(client, login_as, table):
    hour, ha, booth, codes, _meeting = table
    slug = hour.forum.slug
    db.session.commit()
    login_as("scanner")
    page = client.get(f"/forums/{slug}/networking/{hour.id}/scan")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="scanner-config"' in text and 'id="table"' in text
    assert 'id="manual-code"' in text and "checkin/scanner.js" in text
    url = f"/api/v1/forums/{slug}/networking/{hour.id}/scans"
    answer = client.post(url, json={"code": codes[ha[0].id], "table": "2", "nonce": "abcdefgh12"})
    assert answer.status_code == 200 and answer.json["result"] == "ok"
    assert client.post(url, json={"code": codes[ha[0].id], "table": 2}).json["result"] == "already_recorded"
    bad = client.post(url, json={"code": codes[ha[0].id], "table": 9})
    assert bad.status_code == 400 and bad.json["error"]["code"]
    assert client.post(url, json=["not", "an", "object"]).status_code == 400
    assert client.post(f"/api/v1/forums/{slug}/networking/999999/scans", json={"code": "x", "table": 1}).status_code == 404
    login_as("partnership")
    assert client.post(url, json={"code": codes[ha[0].id], "table": 2}).status_code == 403
    assert "networking_scan_api" in str(client.get("/api/v1/openapi.json").json) or \
        f"/forums/{{forum}}/networking/{{hour_id}}/scans" in client.get("/api/v1/openapi.json").json["paths"]


def test_participants_timetable_points_to_the_scanner_not_a_button(client, login_as, table):
    hour, ha, booth, codes, _meeting = table
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = ha[0].get_id()
    text = client.get(f"/forums/{hour.forum.slug}/networking/{hour.id}/me").get_data(as_text=True)
    assert f"/networking/{hour.id}/scan" in text and "/happened" not in text
    page = client.get(f"/forums/{hour.forum.slug}/networking/{hour.id}/scan").get_data(as_text=True)
    assert '<option value="2" selected>' in page  # their table now

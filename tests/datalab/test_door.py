"""The lab door: passes valid only for booked sessions, refusals with the reason, in and out."""
from datetime import datetime

import pytest

from forum.datalab import bookings, door
from forum.datalab.models import DoorScan
from forum.db import HK
from forum.errors import PermissionDenied
from forum.extensions import db
from forum.signed_codes import KEY_BYTES
from tests.support.datalab import APPROVAL_DAY, day
from tests.support.documents import decode_qr


def at(d: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, d, hour, minute, tzinfo=HK)


@pytest.fixture
def booked(datalab, company, approved):
    _company, applicant, colleague = company
    booking = bookings.book(applicant, approved, colleague.id, datalab.stations[0].id, day(3), "am",
                            now=APPROVAL_DAY)
    member = next(m for m in approved.team if m.user_id == colleague.id)
    return booking, door.pass_code(member)


def test_the_pass_code_is_signed_and_carries_nothing_personal(booked, company, approved):
    _booking, code = booked
    assert code.startswith("HKD1") and len(code) == door.CODE_LENGTH
    member = next(m for m in approved.team if m.user_id == company[2].id)
    # Nothing personal: the code is the member's random key and its signature, and reads back to that key alone.
    assert door.parse_code(code) == member.pass_key and len(member.pass_key) == KEY_BYTES
    tampered = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert door.parse_code(tampered) is None


def test_refused_the_day_before_with_the_reason_and_admitted_on_the_day(datalab, booked):
    booking, code = booked
    answer = door.scan(datalab.staff, code, "in", now=at(2, 10))
    assert answer["result"] == "refused"
    assert answer["error"]["message"] == "Booked from 3 Dec; today is 2 Dec."
    answer = door.scan(datalab.staff, code, "in", now=at(3, 9, 20))
    assert answer["result"] == "ok" and answer["seat"] == "WS1"
    assert booking.entered_at == at(3, 9, 20)
    assert door.scan(datalab.staff, code, "out", now=at(3, 12, 30))["result"] == "left"
    assert booking.left_at == at(3, 12, 30)
    kinds = [(s.direction, s.admitted) for s in db.session.scalars(db.select(DoorScan).order_by(DoorScan.id))]
    assert kinds == [("in", False), ("in", True), ("out", True)]


def test_outside_the_booked_session_is_refused(datalab, booked):
    _booking, code = booked
    answer = door.scan(datalab.staff, code, "in", now=at(3, 14, 30))
    assert answer["result"] == "refused" and "09:30-12:30" in answer["error"]["message"]


def test_an_expired_pass_and_a_stranger_are_refused(datalab, booked, approved):
    _booking, code = booked
    answer = door.scan(datalab.staff, code, "in", now=datetime(2027, 3, 10, 10, 0, tzinfo=HK))
    assert answer["result"] == "refused" and "expired" in answer["error"]["message"]
    assert door.scan(datalab.staff, "HKD1" + "A" * 32, "in")["result"] == "invalid"


def test_a_member_taken_off_the_team_cannot_enter(datalab, company, approved, booked):
    _booking, code = booked
    _company, applicant, colleague = company
    member = next(m for m in approved.team if m.user_id == colleague.id)
    approved.team.remove(member)
    db.session.flush()
    assert door.scan(datalab.staff, code, "in", now=at(3, 9, 40))["result"] == "invalid"


def test_only_lab_staff_scan(datalab, company, booked):
    _booking, code = booked
    with pytest.raises(PermissionDenied):
        door.scan(company[1], code, "in")


def test_the_pass_page_shows_a_qr_code_that_decodes_to_the_pass(client, datalab, company, approved, booked):
    _booking, code = booked
    _company, _applicant, colleague = company
    with client.session_transaction() as session:
        session["_user_id"] = colleague.get_id()
    page = client.get(f"/datalab/applications/{approved.id}/pass")
    assert page.status_code == 200 and "WS1" in page.get_data(as_text=True)
    png = client.get(f"/datalab/applications/{approved.id}/pass.png")
    assert png.status_code == 200 and decode_qr(png.data) == [code]


def test_the_door_api_answers_in_the_scanners_shape(client, datalab, booked, lab_point):
    _booking, code = booked
    with client.session_transaction() as session:
        session["_user_id"] = datalab.staff.get_id()
    url = f"/api/v1/checkin/points/{lab_point.id}/checkins"
    response = client.post(url, json={"code": code, "direction": "in", "nonce": "lab-api-0001"})
    assert response.status_code == 200
    assert response.json["result"] in ("refused", "ok") and "attendee" in response.json
    assert response.json["point"] == lab_point.key
    assert client.post(url, json={}).status_code == 400
    assert client.post(url, json={"code": code, "direction": "sideways"}).status_code == 400


def test_the_audit_tells_every_door_event(datalab, booked):
    from forum.datalab.reports import audit_events
    from forum.datalab.sentences import sentence

    _booking, code = booked
    door.scan(datalab.staff, code, "in", now=at(2, 10))
    door.scan(datalab.staff, code, "in", now=at(3, 9, 31))
    lines = [sentence(e) for e in audit_events(datalab.staff)]
    assert any("refused entry at the lab door: Booked from 3 Dec" in line for line in lines)
    assert any("let" in line and "in at the lab door (WS1)" in line for line in lines)

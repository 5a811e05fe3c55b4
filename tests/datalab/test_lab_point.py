"""The lab door is a check-in point of kind "data lab": lab staff set it up, the forum door's scanner
and API serve it, the lab's pass rules judge it, and forum arrivals never count it."""
from __future__ import annotations

import json
from datetime import datetime

import pytest
import sqlalchemy as sa

from forum.attendees.tickets import code_for
from forum.audit.models import AuditEvent
from forum.checkin.models import CheckIn, CheckInPoint, PointKind
from forum.checkin.points import points_of
from forum.datalab import bookings, door
from forum.datalab.models import Booking, DoorScan
from forum.db import HK
from forum.extensions import db
from tests.factories import AttendeeFactory, CheckInPointFactory, ForumFactory, TicketFactory, UserFactory
from tests.support.datalab import APPROVAL_DAY, day


def at(d: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, d, hour, minute, tzinfo=HK)


def sign_in(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()


def scanner_config(page: str) -> dict:
    return json.loads(page.split('id="scanner-config">')[1].split("</script>")[0])


@pytest.fixture
def pass_code(datalab, company, approved):
    _company, applicant, colleague = company
    bookings.book(applicant, approved, colleague.id, datalab.stations[0].id, day(3), "am", now=APPROVAL_DAY)
    return door.pass_code(next(m for m in approved.team if m.user_id == colleague.id))


@pytest.fixture
def lab_clock(monkeypatch):
    """The server's clock as the lab door reads it (the app has no test clock: the test moves it)."""
    def set_to(moment: datetime):
        monkeypatch.setattr(door, "utcnow", lambda: moment)
    return set_to


def test_lab_staff_set_up_the_lab_point_and_the_door_leads_to_the_shared_scanner(client, datalab):
    sign_in(client, datalab.staff)
    setup = client.get("/datalab/staff/door")
    assert setup.status_code == 200 and 'id="open-door-point"' in setup.get_data(as_text=True)
    response = client.post("/datalab/staff/door")
    point = db.session.scalar(sa.select(CheckInPoint).where(CheckInPoint.kind == PointKind.data_lab))
    assert point is not None and point.forum_id is None and point.key == "data-lab"
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/checkin/points/{point.id}/scan")
    client.post("/datalab/staff/door")  # set up once: a second press opens the same point
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckInPoint)
                             .where(CheckInPoint.kind == PointKind.data_lab)) == 1
    assert client.get("/datalab/staff/door").headers["Location"].endswith(f"/checkin/points/{point.id}/scan")
    page = client.get(f"/checkin/points/{point.id}/scan").get_data(as_text=True)
    # The forum door's parts and script, with the lab's code pattern and words, scanning in or out.
    assert "vendor/jsqr/jsQR.js" in page and "checkin/scanner.js" in page
    assert 'id="video"' in page and 'id="manual-code"' in page and 'id="log"' in page
    assert '<select id="direction" name="direction">' in page and 'value="out"' in page
    config = scanner_config(page)
    assert config["scanUrl"] == f"/api/v1/checkin/points/{point.id}/checkins"
    assert config["batchUrl"] == f"/api/v1/checkin/points/{point.id}/checkins/batch"
    assert config["pointField"] == config["pointName"] == "direction"
    assert config["codePattern"] == door.CODE_PATTERN
    assert config["words"]["refused"] == "Entry refused" and config["words"]["left"] == "Goodbye"
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "checkin_point.create",
                                                         AuditEvent.object_id == point.id)) is not None


@pytest.mark.parametrize("role", ["organiser", "scanner", "ha_staff", "exhibitor"])
def test_only_lab_staff_scan_at_the_lab_point(client, datalab, lab_point, pass_code, role):
    sign_in(client, UserFactory(role=role))
    assert client.get(f"/checkin/points/{lab_point.id}/scan").status_code == 403
    response = client.post(f"/api/v1/checkin/points/{lab_point.id}/checkins", json={"code": pass_code})
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DoorScan)) == 0


def test_a_forum_point_is_not_reached_as_a_lab_point(client, datalab):
    forum_point = CheckInPointFactory(forum_id=ForumFactory().id, key="main")
    sign_in(client, datalab.staff)
    assert client.get(f"/checkin/points/{forum_point.id}/scan").status_code == 404
    assert client.post(f"/api/v1/checkin/points/{forum_point.id}/checkins", json={"code": "x"}).status_code == 404


def test_the_lab_point_judges_by_the_lab_rules_in_and_out(client, datalab, lab_point, pass_code, lab_clock):
    sign_in(client, datalab.staff)
    url = f"/api/v1/checkin/points/{lab_point.id}/checkins"

    def send(moment, direction="in", code=pass_code):
        lab_clock(moment)
        response = client.post(url, json={"code": code, "direction": direction})
        assert response.status_code == 200
        return response.json

    refused = send(at(2, 10))
    assert refused["result"] == "refused" and refused["error"]["message"] == "Booked from 3 Dec; today is 2 Dec."
    assert refused["attendee"]["organisation"] and refused["point"] == "data-lab"
    assert send(at(3, 14, 30))["result"] == "refused"  # the afternoon: outside the booked session
    assert send(at(3, 9, 20), code="HKD1" + "A" * 32)["result"] == "invalid"
    entered = send(at(3, 9, 20))
    assert entered["result"] == "ok" and entered["seat"] == "WS1"
    again = send(at(3, 9, 25))
    assert again["result"] == "already_checked_in" and again["checked_in_at"].startswith("2026-12-03T09:20")
    assert send(at(3, 11))["result"] == "already_checked_in"
    assert send(at(3, 11, 5), "out")["result"] == "left"
    assert send(at(3, 11, 6), "out")["result"] == "refused"  # not inside any more
    assert send(at(3, 11, 30))["result"] == "ok"  # back in after a break
    booking = db.session.scalar(sa.select(Booking))
    db.session.refresh(booking)
    assert booking.entered_at == at(3, 9, 20) and booking.left_at is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DoorScan).where(DoorScan.first_entry)) == 1
    assert {s.point_id for s in db.session.scalars(sa.select(DoorScan))} == {lab_point.id}
    entries = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                .where(AuditEvent.action == "datalab.entered"))
    assert entries == 2  # the first entry and the return, not the scans of someone already inside
    expired = send(datetime(2027, 3, 10, 10, 0, tzinfo=HK))
    assert expired["result"] == "refused" and "expired" in expired["error"]["message"]


def test_lab_entries_do_not_count_as_forum_arrivals(client, login_as, datalab, lab_point, pass_code, lab_clock):
    forum = ForumFactory()
    CheckInPointFactory(forum_id=forum.id, key="main-entrance", name_en="Main entrance")
    arrived = TicketFactory(attendee=AttendeeFactory(forum=forum))
    login_as("organiser")
    assert client.post(f"/api/v1/forums/{forum.slug}/checkins", json={"code": code_for(arrived)}).json["result"] == "ok"
    before = client.get(f"/forums/{forum.slug}/checkin/dashboard.json").json
    stats_before = client.get(f"/api/v1/forums/{forum.slug}/checkins/stats").json

    sign_in(client, datalab.staff)
    lab_clock(at(3, 9, 20))
    lab_url = f"/api/v1/checkin/points/{lab_point.id}/checkins"
    assert client.post(lab_url, json={"code": pass_code}).json["result"] == "ok"
    assert client.post(lab_url, json={"code": pass_code, "direction": "out"}).json["result"] == "left"

    login_as("organiser")
    after = client.get(f"/forums/{forum.slug}/checkin/dashboard.json").json
    stats_after = client.get(f"/api/v1/forums/{forum.slug}/checkins/stats").json
    assert after["checked_in"] == before["checked_in"] == 1 and after == before
    assert stats_after == stats_before and set(stats_after["by_point"]) == {"main-entrance"}
    assert lab_point not in points_of(forum)
    page = client.get(f"/forums/{forum.slug}/checkin/scan").get_data(as_text=True)
    assert 'value="data-lab"' not in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 1

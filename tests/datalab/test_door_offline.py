"""The lab door's offline queue: scans saved on the device are sent as a batch, judged at the time they
were scanned, and a resend (same nonce) gets the first answer without a second entry."""
from datetime import datetime

import pytest

from forum.checkin.services import parse_scan
from forum.datalab import bookings, door
from forum.datalab.models import DoorScan
from forum.db import HK
from forum.extensions import db
from tests.support.datalab import APPROVAL_DAY, day


@pytest.fixture
def code(datalab, company, approved):
    _company, applicant, colleague = company
    bookings.book(applicant, approved, colleague.id, datalab.stations[0].id, day(3), "am", now=APPROVAL_DAY)
    return door.pass_code(next(m for m in approved.team if m.user_id == colleague.id))


def send_batch(actor, point, queued, now):
    """What the lab point's batch endpoint does for each queued scan, with the server's clock at `now`."""
    return [door.judge(actor, point, parse_scan(item), now=now) for item in queued]


def scans_count() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(DoorScan))


def test_a_batch_is_judged_at_the_scan_times_and_resends_are_harmless(datalab, code, lab_point):
    queued = [{"code": code, "direction": "in", "nonce": "lab-nonce-0001", "scanned_at": "2026-12-03T09:25:00+08:00"},
              {"code": code, "direction": "out", "nonce": "lab-nonce-0002", "scanned_at": "2026-12-03T12:20:00+08:00"},
              {"code": "HKD1" + "A" * 32, "nonce": "lab-nonce-0003", "scanned_at": "2026-12-03T12:21:00+08:00"}]
    now = datetime(2026, 12, 3, 13, 0, tzinfo=HK)
    results = send_batch(datalab.staff, lab_point, queued, now)
    assert [r["result"] for r in results] == ["ok", "left", "invalid"]
    assert scans_count() == 3
    again = send_batch(datalab.staff, lab_point, queued[:2], now)
    assert [r["result"] for r in again] == ["ok", "left"] and again[0]["seat"] == "WS1"
    assert again[0]["attendee"] == results[0]["attendee"] and again[0]["attendee"]["name_en"]
    assert scans_count() == 3
    # The answer kept for resends holds no name: it is read from the account again.
    assert all("attendee" not in scan.answer for scan in db.session.scalars(db.select(DoorScan)))


def test_a_scan_time_in_the_future_is_not_believed(datalab, code, lab_point):
    now = datetime(2026, 12, 2, 10, 0, tzinfo=HK)
    [answer] = send_batch(datalab.staff, lab_point, [{"code": code, "nonce": "lab-nonce-0009",
                                                      "scanned_at": "2026-12-03T09:25:00+08:00"}], now)
    assert answer["result"] == "refused" and "today is 2 Dec" in answer["error"]["message"]


def test_the_batch_api(client, datalab, code, lab_point):
    with client.session_transaction() as session:
        session["_user_id"] = datalab.staff.get_id()
    body = {"scans": [{"code": code, "nonce": "lab-nonce-0100", "direction": "in"}, {"nonce": 5}]}
    batch_url = f"/api/v1/checkin/points/{lab_point.id}/checkins/batch"
    response = client.post(batch_url, json=body)
    assert response.status_code == 200
    first, bad = response.json["results"]
    assert first["result"] in ("ok", "refused") and bad["result"] == "error"
    assert client.post(batch_url, json={"scans": "no"}).status_code == 400


def test_the_door_page_configures_the_offline_queue(client, datalab, lab_point):
    import json
    import re

    with client.session_transaction() as session:
        session["_user_id"] = datalab.staff.get_id()
    page = client.get("/datalab/staff/door", follow_redirects=True).get_data(as_text=True)
    config = json.loads(re.search(r'<script type="application/json" id="scanner-config">(.*?)</script>', page,
                                  re.S).group(1))
    assert config["batchUrl"] == f"/api/v1/checkin/points/{lab_point.id}/checkins/batch"
    assert re.fullmatch(config["codePattern"], "HKD1" + "A" * 32)
    assert not re.fullmatch(config["codePattern"], "HKF1" + "A" * 32)
    assert config["words"]["offline_note"] and 'id="queue"' in page

"""The meetings API: list, propose, answer and outcome for the signed-in user; the schedule run."""
from datetime import timedelta

from forum.db import utcnow
from forum.extensions import db
from forum.matchmaking import networking
from tests.factories import AttendeeFactory, UserFactory


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_propose_answer_outcome_and_refusals(client, api_token, forum, exhibitors):
    company = exhibitors[0].company
    ha, ha_token = api_token("ha_staff")
    booth, booth_token = api_token("exhibitor", company_id=company.id)
    AttendeeFactory(forum=forum, user_id=ha.id, email=ha.email, email_key=ha.email, share_contact=False)
    db.session.commit()
    start = (utcnow() + timedelta(days=1)).replace(microsecond=0)
    options = [{"starts_at": (start + timedelta(days=d)).isoformat(),
                "ends_at": (start + timedelta(days=d, hours=1)).isoformat()} for d in (0, 1)]
    url = f"/api/v1/forums/{forum.slug}/meetings"
    bad = client.post(url, json={"company": company.id, "options": options[:1], "place": "QMH"}, headers=bearer(ha_token))
    assert bad.status_code == 400 and bad.json["error"]["code"] == "invalid"
    past = [{"starts_at": "2020-01-01T10:00:00+08:00", "ends_at": "2020-01-01T11:00:00+08:00"}] + options[:1]
    assert client.post(url, json={"company": company.id, "options": past, "place": "QMH"},
                       headers=bearer(ha_token)).status_code == 400
    assert client.post(url, json={"company": company.id, "options": "soon"}, headers=bearer(ha_token)).status_code == 400
    made = client.post(url, json={"company": company.id, "options": options, "place": "QMH"}, headers=bearer(ha_token))
    assert made.status_code == 201, made.json
    meeting = made.json
    listed = client.get(url, headers=bearer(booth_token)).json["meetings"]
    assert [m["id"] for m in listed] == [meeting["id"]]
    assert next(p for p in listed[0]["people"] if p["side"] == "ha")["email"] is None  # no consent
    answer_url = f"{url}/{meeting['id']}/answer"
    outsider = api_token("ha_staff")[1]
    db.session.commit()
    assert client.post(answer_url, json={"decline": True}, headers=bearer(outsider)).status_code == 404
    done = client.post(answer_url, json={"accept": meeting["options"][0]["id"]}, headers=bearer(booth_token))
    assert done.status_code == 200 and done.json["status"] == "confirmed"
    again = client.post(answer_url, json={"accept": meeting["options"][0]["id"]}, headers=bearer(booth_token))
    assert again.status_code == 409 and again.json["error"]["message"]
    early = client.post(f"{url}/{meeting['id']}/outcome", json={"kind": "informative"}, headers=bearer(ha_token))
    assert early.status_code == 409  # not started yet


def test_schedule_run_is_for_organisers(client, api_token, forum, exhibitors):
    organiser, token = api_token("organiser")
    ha_token = api_token("ha_staff")[1]
    hour = networking.open_hour(organiser, forum, starts_at=utcnow() + timedelta(days=1))
    db.session.commit()
    url = f"/api/v1/forums/{forum.slug}/networking/{hour.id}/schedule"
    assert client.post(url, headers=bearer(ha_token)).status_code == 403
    ran = client.post(url, headers=bearer(token))
    assert ran.status_code == 200 and ran.json["bound"] == ran.json["objective"] == 0
    spec = client.get("/api/v1/openapi.json").json
    assert {"/api/v1/forums/{forum}/meetings", "/api/v1/forums/{forum}/networking/{hour_id}/schedule"} <= set(spec["paths"])

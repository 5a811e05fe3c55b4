"""Editor, drag endpoint, scheduler page, publishing with change log and mail, public outputs, API."""
from __future__ import annotations

import re
from datetime import timedelta

from icalendar import Calendar

from forum.agenda import releases, scheduler, sessions
from forum.agenda.models import AgendaSession
from forum.extensions import db
from tests.support.documents import pdf_text


def _csrf(client, url):
    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def _talk(ctx, minutes, room="stage", title=None, **extra):
    forum = ctx["forum"]
    return sessions.save_session(ctx["actor"], forum, {
        "kind": extra.pop("kind", "keynote"), "title_en": title or f"Talk {minutes}", "title_zh": f"演講{minutes}",
        "starts_at": forum.starts_at + timedelta(minutes=minutes),
        "ends_at": forum.starts_at + timedelta(minutes=minutes + 30),
        "room_id": ctx[room].id if room else None, **extra})


def test_editor_queries_are_bounded_whatever_the_number_of_sessions(client, login_as, demo_forum, query_counter):
    login_as("organiser")
    forum = demo_forum["forum"]
    counts = []
    for batch in (2, 30):
        for i in range(batch):
            minutes = (i * 7) % 200
            sessions.save_session(demo_forum["actor"], forum, {
                "kind": "panel", "title_en": f"S{batch}-{i}", "starts_at": forum.starts_at + timedelta(minutes=minutes),
                "ends_at": forum.starts_at + timedelta(minutes=minutes + 5), "room_id": None,
                "speakers": [{"name_en": f"Guest {i % 3}"}]})
        db.session.commit()
        with query_counter() as q:
            response = client.get(f"/forums/{forum.slug}/agenda/edit")
        assert response.status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1], counts
    html = response.get_data(as_text=True)
    assert "Guest 1 speaks in" in html and "<script>" not in html and "onclick" not in html


def test_public_page_queries_are_bounded(client, demo_forum, query_counter):
    for i in range(6):
        _talk(demo_forum, i * 30)
    releases.publish(demo_forum["actor"], demo_forum["forum"])
    db.session.commit()
    with query_counter() as q:
        response = client.get(f"/forums/{demo_forum['forum'].slug}/agenda")
    assert response.status_code == 200 and "Talk 150" in response.get_data(as_text=True)
    assert q.count <= 4, q.statements


def test_form_refusal_keeps_what_was_typed(client, login_as, demo_forum):
    login_as("organiser")
    forum = demo_forum["forum"]
    url = f"/forums/{forum.slug}/agenda/sessions/new"
    token = _csrf(client, url)
    response = client.post(url, data={"csrf_token": token, "kind": "panel", "title_en": "Ward robots panel",
                                      "starts_at": "2026-12-08T10:30", "ends_at": "2026-12-08T10:00"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The end is before the start." in html and 'value="Ward robots panel"' in html


def test_drag_endpoint_moves_and_answers_the_conflicts(client, login_as, demo_forum):
    login_as("organiser")
    ctx, forum = demo_forum, demo_forum["forum"]
    a = _talk(ctx, 0, title="Opening", speakers=[{"name_en": "Dr Lee"}])
    b = _talk(ctx, 60, room="side", title="Panel", speakers=[{"name_en": "Dr Lee"}])
    db.session.commit()
    token = _csrf(client, f"/forums/{forum.slug}/agenda/edit")
    url = f"/forums/{forum.slug}/agenda/sessions/{b.id}/move"
    new_start = forum.starts_at + timedelta(minutes=15)
    body = {"starts_at": new_start.isoformat(), "ends_at": (new_start + timedelta(minutes=30)).isoformat(),
            "room_id": ctx["side"].id, "version": b.version}
    response = client.post(url, json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert data["session"]["version"] == 2
    assert [c["kind"] for c in data["conflicts"]] == ["speaker"]
    assert data["conflicts"][0]["sessions"] == [a.id, b.id]
    # the same version again is stale; a zero-length move is refused with its field
    stale = client.post(url, json=body, headers={"X-CSRFToken": token})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "conflict"
    body.update(version=2, ends_at=body["starts_at"])
    bad = client.post(url, json=body, headers={"X-CSRFToken": token})
    assert bad.status_code == 400 and "ends_at" in bad.get_json()["error"]["fields"]
    assert client.post(url, json=body).status_code == 400  # no CSRF token


def test_scheduler_page_pin_rerun_publish_v2_change_log_and_mail(client, login_as, demo_forum, outbox):
    login_as("organiser")
    ctx, forum = demo_forum, demo_forum["forum"]
    ctx["apps"][1].company.contact_email = "demo1@company.example"
    opening = _talk(ctx, 0, title="Opening", speakers=[{"name_en": "Prof Wong", "email": "wong@example.org"}])
    db.session.commit()
    token = _csrf(client, f"/forums/{forum.slug}/agenda/edit")
    response = client.post(f"/forums/{forum.slug}/agenda/schedule", data={"csrf_token": token})
    assert response.status_code == 302
    page = client.get(f"/forums/{forum.slug}/agenda/schedule").get_data(as_text=True)
    assert "0 missed wants" in page and "Proven optimal" in page
    publish = client.post(f"/forums/{forum.slug}/agenda/publish", data={"csrf_token": token})
    assert publish.status_code == 302
    first = releases.latest_release(forum)
    assert first.number == 1 and len(first.sessions) == 6
    assert outbox() == []  # nothing to tell on the first version
    # pin demo 0, move demo 1 by hand, move the opening, re-run: only demo 1 and the opening moved
    demos = scheduler.demo_sessions(forum)
    pinned = demos[ctx["apps"][0].id]
    client.post(f"/forums/{forum.slug}/agenda/sessions/{pinned.id}/pin", data={"csrf_token": token})
    assert db.session.get(AgendaSession, pinned.id).pinned
    where = (pinned.room_id, pinned.starts_at)
    moved = demos[ctx["apps"][1].id]
    sessions.save_session(ctx["actor"], forum, {"starts_at": opening.starts_at + timedelta(minutes=30),
                                                "ends_at": opening.ends_at + timedelta(minutes=30)}, opening)
    sessions.set_pinned(ctx["actor"], forum, moved, True)
    slot_end = forum.starts_at + timedelta(hours=2, minutes=45)  # the last stage slot, 11:45
    sessions.save_session(ctx["actor"], forum, {"starts_at": slot_end, "ends_at": slot_end + timedelta(minutes=15),
                                                "room_id": ctx["stage"].id}, moved)
    db.session.commit()
    client.post(f"/forums/{forum.slug}/agenda/schedule", data={"csrf_token": token})
    assert (db.session.get(AgendaSession, pinned.id).room_id, pinned.starts_at) == where
    client.post(f"/forums/{forum.slug}/agenda/publish", data={"csrf_token": token, "acknowledge": "y"})
    second = releases.latest_release(forum)
    assert second.number == 2
    moved_ids = {m["id"] for m in second.changes["moved"]}
    assert {opening.id, moved.id} <= moved_ids and pinned.id not in moved_ids
    assert second.changes["added"] == [] and second.changes["cancelled"] == []
    mails = {m["To"]: m for m in outbox()}
    assert "wong@example.org" in mails and "demo1@company.example" in mails
    text = mails["demo1@company.example"].get_body(("plain",)).get_content()
    assert "Demo 1" in text and "Opening" not in text and "示範1" in text
    # the public page lists exactly what moved; the API, ICS and PDF show version 2
    html = client.get(f"/forums/{forum.slug}/agenda").get_data(as_text=True)
    changes = html.split("Changes since version 1")[1].split("</section>")[0]
    assert changes.count("Moved") == len(moved_ids) and "Demo 1" in changes and "Opening" in changes
    assert "Demo 0" not in changes and "Added" not in changes
    api = client.get(f"/api/v1/forums/{forum.slug}/agenda").get_json()
    assert api["version"] == 2 and {s["id"] for s in api["sessions"]} == {s["id"] for s in second.sessions}
    demo = next(s for s in api["sessions"] if s["id"] == moved.id)
    assert demo["kind"] == "live_demo" and demo["exhibitor"]["id"] == ctx["apps"][1].company_id
    assert demo["room"]["name_en"] == "Main stage" and demo["starts_at"].startswith("2026-12-08T03:45")
    cal = Calendar.from_ical(client.get(f"/forums/{forum.slug}/agenda.ics").data)
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) == 6 and any(str(e["summary"]).startswith("Demo 1") for e in events)
    pdf = client.get(f"/forums/{forum.slug}/agenda.pdf?lang=zh").data
    assert "示範1" in pdf_text(pdf) and "議程" in pdf_text(pdf)


def test_publishing_with_warnings_needs_the_acknowledgement(client, login_as, demo_forum):
    login_as("organiser")
    ctx, forum = demo_forum, demo_forum["forum"]
    _talk(ctx, 0, speakers=[{"name_en": "Dr Ho"}])
    _talk(ctx, 10, room="side", speakers=[{"name_en": "Dr Ho"}])
    db.session.commit()
    token = _csrf(client, f"/forums/{forum.slug}/agenda/edit")
    client.post(f"/forums/{forum.slug}/agenda/publish", data={"csrf_token": token})
    assert releases.latest_release(forum) is None
    assert "Tick the box to publish it anyway" in client.get(f"/forums/{forum.slug}/agenda/edit").get_data(as_text=True)
    client.post(f"/forums/{forum.slug}/agenda/publish", data={"csrf_token": token, "acknowledge": "y"})
    assert releases.latest_release(forum).warnings


def test_public_agenda_by_room_and_unpublished(client, demo_forum):
    forum = demo_forum["forum"]
    assert "not been published" in client.get(f"/forums/{forum.slug}/agenda").get_data(as_text=True)
    assert client.get(f"/api/v1/forums/{forum.slug}/agenda").get_json()["sessions"] == []
    _talk(demo_forum, 0, title="Opening")
    releases.publish(demo_forum["actor"], forum)
    db.session.commit()
    html = client.get(f"/forums/{forum.slug}/agenda?view=room").get_data(as_text=True)
    assert "Main stage" in html and "Opening" in html and "09:00–09:30" in html
    zh = client.get(f"/forums/{forum.slug}/agenda", headers={"Accept-Language": "zh-HK"}).get_data(as_text=True)
    assert "演講0" in zh


def test_change_log_names_cancelled_and_added_sessions(client, demo_forum):
    forum, actor = demo_forum["forum"], demo_forum["actor"]
    gone = _talk(demo_forum, 0, title="Opening")
    releases.publish(actor, forum)
    sessions.cancel_session(actor, forum, gone)
    _talk(demo_forum, 60, title="Closing")
    second = releases.publish(actor, forum)
    db.session.commit()
    assert second.changes["cancelled"] == [gone.id] and len(second.changes["added"]) == 1
    changes = client.get(f"/forums/{forum.slug}/agenda").get_data(as_text=True).split("Changes since version 1")[1]
    assert "Cancelled: Opening" in changes and "Added: Closing" in changes


def test_speakers_are_users_by_email_or_named_guests(client, login_as, demo_forum):
    from tests.factories import UserFactory

    login_as("organiser")
    forum = demo_forum["forum"]
    speaker = UserFactory(email="dr.lam@ha.example.org.hk", name_en="Dr Lam")
    db.session.commit()
    url = f"/forums/{forum.slug}/agenda/sessions/new"
    token = _csrf(client, url)
    data = {"csrf_token": token, "kind": "keynote", "title_en": "Keynote", "starts_at": "2026-12-08T09:00",
            "ends_at": "2026-12-08T09:30", "speakers": "nobody@ha.example.org.hk\nProf Guest"}
    html = client.post(url, data=data).get_data(as_text=True)
    assert "No user signs in with nobody@ha.example.org.hk" in html
    data["speakers"] = "DR.LAM@ha.example.org.hk\nProf Guest"
    assert client.post(url, data=data).status_code == 302
    row = db.session.query(AgendaSession).filter_by(title_en="Keynote").one()
    assert [(s.user_id, s.display_name) for s in row.speakers] == [(speaker.id, "Dr Lam"), (None, "Prof Guest")]


def test_scheduler_page_explains_an_infeasible_request_and_pdf_in_english(client, login_as, demo_forum):
    login_as("organiser")
    forum = demo_forum["forum"]
    for app in demo_forum["apps"]:
        app.demo_windows = "10:00-10:15"
    db.session.commit()
    token = _csrf(client, f"/forums/{forum.slug}/agenda/edit")
    client.post(f"/forums/{forum.slug}/agenda/schedule", data={"csrf_token": token})
    page = client.get(f"/forums/{forum.slug}/agenda/schedule").get_data(as_text=True)
    assert "No schedule can meet every rule" in page and "room-times are free" in page and "Demo 0" in page
    assert scheduler.demo_sessions(forum) == {}  # nothing written
    _talk(demo_forum, 0, title="Opening")
    releases.publish(demo_forum["actor"], forum)
    db.session.commit()
    text = pdf_text(client.get(f"/forums/{forum.slug}/agenda.pdf?lang=en").data)
    assert "Agenda" in text and "Opening" in text and "09:00" in text

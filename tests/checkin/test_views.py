"""Check-in pages: scanner, kiosk (and its lock), dashboard, points, annulment; and the CLI."""
import json

import pytest
import sqlalchemy as sa

from forum.attendees.tickets import code_for
from forum.checkin.models import CheckIn, CheckInPoint
from forum.extensions import db
from tests.factories import PASSWORD, AttendeeFactory, CheckInPointFactory, ForumFactory, TicketFactory


@pytest.fixture
def forum():
    forum = ForumFactory()
    CheckInPointFactory(forum_id=forum.id, key="main-entrance", name_en="Main entrance", name_zh="正門", position=1)
    return forum


def test_scanner_page_has_camera_manual_entry_search_and_points(client, login_as, forum):
    login_as("scanner")
    page = client.get(f"/forums/{forum.slug}/checkin/scan").get_data(as_text=True)
    assert "vendor/jsqr/jsQR.js" in page and "checkin/scanner.js" in page
    assert 'id="video"' in page and 'id="manual-code"' in page and 'id="search-q"' in page
    assert 'value="main-entrance"' in page and "正門" in page
    config = json.loads(page.split('id="scanner-config">')[1].split("</script>")[0])
    assert config["scanUrl"] == f"/api/v1/forums/{forum.slug}/checkins"
    assert config["batchUrl"] == f"/api/v1/forums/{forum.slug}/checkins/batch"


def test_nav_entry_leads_to_the_current_forum(client, login_as, forum):
    login_as("scanner")
    response = client.get("/checkin/")
    assert response.status_code == 302 and "/checkin/scan" in response.headers["Location"]


def test_kiosk_checks_in_and_locks_the_tablet_until_the_pin(client, login_as, forum):
    from forum.audit.models import AuditEvent

    login_as("organiser", email="kiosk-organiser@example.org")
    ticket = TicketFactory(attendee=AttendeeFactory(forum=forum, name_en="Ms Yip", name_zh="葉女士"))
    start = client.get(f"/forums/{forum.slug}/checkin/kiosk")
    assert b"Start kiosk mode" in start.data
    client.post(f"/forums/{forum.slug}/checkin/kiosk", data={"point": "main-entrance", "pin": "482913"},
                environ_base={"REMOTE_ADDR": "192.0.2.44"})
    # The tablet no longer carries the organiser's session: only the kiosk's own.
    with client.session_transaction() as session:
        assert "_user_id" not in session and session["kiosk"]["forum"] == forum.slug
    page = client.get(f"/forums/{forum.slug}/checkin/kiosk").get_data(as_text=True)
    assert "Hold your QR ticket up to the camera" in page and "scanner-config" in page
    answer = client.post(f"/forums/{forum.slug}/checkin/kiosk/scan", json={"code": code_for(ticket)}).json
    assert answer["result"] == "ok" and answer["attendee"]["name_zh"] == "葉女士" and answer["point"] == "main-entrance"
    assert "badge_url" in answer  # set once the attendees feature provides attendees.badge
    # locked: every other page leads back to the kiosk, the API refuses
    for path in ("/", "/forums/", f"/forums/{forum.slug}/checkin/dashboard", "/profile"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].endswith("/checkin/kiosk"), path
    assert client.get(f"/api/v1/forums/{forum.slug}/checkins/stats").status_code in (401, 403)
    # The organiser's account password does not unlock it; the kiosk PIN does.
    for wrong in ("guess", PASSWORD):
        response = client.post(f"/forums/{forum.slug}/checkin/kiosk/exit", data={"pin": wrong})
        assert response.headers["Location"].endswith("/checkin/kiosk")
    assert client.get("/").status_code == 302
    right = client.post(f"/forums/{forum.slug}/checkin/kiosk/exit", data={"pin": "482913"})
    assert "/login" in right.headers["Location"]
    # Unlocked and signed out: the next person must sign in.
    assert "/login" in client.get("/account").headers["Location"]
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action.in_(["kiosk.start", "kiosk.exit"]))
                                .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["kiosk.start", "kiosk.exit"]
    assert events[0].actor.email == "kiosk-organiser@example.org" and events[0].address == "192.0.2.44"
    assert events[1].actor_label == "kiosk"


def test_kiosk_pin_once_set_must_be_given_to_start(client, login_as, forum):
    from forum.forums.models import Forum

    login_as("organiser")
    client.post(f"/forums/{forum.slug}/checkin/kiosk", data={"point": "main-entrance", "pin": "482913"})
    client.post(f"/forums/{forum.slug}/checkin/kiosk/exit", data={"pin": "482913"})
    login_as("organiser")
    refused = client.post(f"/forums/{forum.slug}/checkin/kiosk", data={"point": "main-entrance", "pin": "111111"})
    assert refused.status_code == 200 and "kiosk PIN" in refused.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "kiosk" not in session
    assert db.session.get(Forum, forum.id).kiosk_pin_hash and "482913" not in db.session.get(Forum, forum.id).kiosk_pin_hash


def test_scanner_may_not_run_the_kiosk_or_see_the_dashboard(client, login_as, forum):
    login_as("scanner")
    assert client.get(f"/forums/{forum.slug}/checkin/kiosk").status_code == 403
    assert client.get(f"/forums/{forum.slug}/checkin/dashboard").status_code == 403


def test_dashboard_shows_counts_points_sites_and_missing(client, login_as, forum, api_token):
    from forum.sites.models import Site

    qmh = db.session.scalar(sa.select(Site).where(Site.name_en == "Queen Mary Hospital"))
    arrived = TicketFactory(attendee=AttendeeFactory(forum=forum, name_en="Dr Arrived", site_id=qmh.id))
    from forum.attendees.models import AttendeeStatus

    AttendeeFactory(forum=forum, name_en="Dr Still Travelling", name_zh="途中醫生", site_id=qmh.id,
                    status=AttendeeStatus.registered)

    # Only people expected (registered) count as "not arrived yet".
    AttendeeFactory(forum=forum, name_en="Dr Never Answered", status=AttendeeStatus.invited)
    AttendeeFactory(forum=forum, name_en="Dr Declined", status=AttendeeStatus.declined)
    login_as("organiser")
    client.post(f"/api/v1/forums/{forum.slug}/checkins", json={"code": code_for(arrived)})
    page = client.get(f"/forums/{forum.slug}/checkin/dashboard").get_data(as_text=True)
    assert 'id="tile-arrived">Arrived<strong>1</strong>' in page
    by_site = page.split('id="by-site"')[1].split("</table>")[0]
    assert "Queen Mary Hospital" in by_site and "Hong Kong West" in by_site
    assert by_site.count("1 / 2") == 2  # the cluster's subtotal and the hospital's row
    assert "Dr Still Travelling" in page.split('id="missing"')[1]
    assert "Dr Arrived" not in page.split('id="missing"')[1]
    assert "Dr Never Answered" not in page.split('id="missing"')[1]
    assert "Dr Declined" not in page.split('id="missing"')[1]
    assert "<svg class=\"chart\"" in page
    live = client.get(f"/forums/{forum.slug}/checkin/dashboard/live")
    assert live.status_code == 200 and b"<html" not in live.data and b"tile-arrived" in live.data
    data = client.get(f"/forums/{forum.slug}/checkin/dashboard.json").json
    assert data["checked_in"] == 1 and data["not_arrived"] == 1 and sum(n for _t, n in data["per_5_minutes"]) == 1


def test_dashboard_query_count_is_bounded(client, login_as, forum, query_counter):
    login_as("organiser")
    counts = []
    for size in (3, 40):
        for i in range(size):
            ticket = TicketFactory(attendee=AttendeeFactory(forum=forum))
            if i % 2:
                client.post(f"/api/v1/forums/{forum.slug}/checkins", json={"code": code_for(ticket)})
        for path in ("dashboard", "dashboard/live"):
            target = f"/forums/{forum.slug}/checkin/{path}"
            with query_counter() as q:
                assert client.get(target).status_code == 200
            counts.append(q.count)
    assert counts[0] == counts[2] and counts[1] == counts[3], counts
    assert max(counts) <= 16


def test_annul_from_the_dashboard(client, login_as, forum):
    login_as("organiser")
    ticket = TicketFactory(attendee=AttendeeFactory(forum=forum))
    client.post(f"/api/v1/forums/{forum.slug}/checkins", json={"code": code_for(ticket)})
    row = db.session.scalar(sa.select(CheckIn))
    response = client.post(f"/forums/{forum.slug}/checkin/checkins/{row.id}/annul", data={"reason": "Wrong ticket"})
    assert response.status_code == 302
    db.session.refresh(row)
    assert row.annulled_at is not None and row.annul_reason == "Wrong ticket"
    again = client.post(f"/api/v1/forums/{forum.slug}/checkins", json={"code": code_for(ticket)}).json
    assert again["result"] == "ok"


def test_points_are_managed_by_organisers(client, login_as, forum):
    login_as("organiser")
    response = client.post(f"/forums/{forum.slug}/checkin/points", data={"name_en": "Demo theatre", "name_zh": "示範劇場"})
    assert response.status_code == 302
    point = db.session.scalar(sa.select(CheckInPoint).where(CheckInPoint.key == "demo-theatre"))
    assert point.forum_id == forum.id and point.name_zh == "示範劇場"
    empty = client.post(f"/forums/{forum.slug}/checkin/points", data={"name_en": "", "name_zh": ""})
    assert empty.status_code == 200 and b"Give a name" in empty.data
    client.post(f"/forums/{forum.slug}/checkin/points/{point.id}/toggle")
    db.session.refresh(point)
    assert point.active is False


def test_cli_scan_uses_the_same_check_in(app, forum):
    ticket = TicketFactory(attendee=AttendeeFactory(forum=forum, name_en="Dr CLI"))
    db.session.flush()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["checkin", "scan", forum.slug, code_for(ticket), "--point", "main-entrance"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["result"] == "ok"
    result = runner.invoke(args=["checkin", "scan", forum.slug, code_for(ticket)])
    assert json.loads(result.output)["result"] == "already_checked_in"
    bad_point = runner.invoke(args=["checkin", "scan", forum.slug, code_for(ticket), "--point", "roof"])
    assert bad_point.exit_code != 0 and "No such check-in point" in bad_point.output
    stats = runner.invoke(args=["checkin", "stats", forum.slug])
    assert json.loads(stats.output)["checked_in"] == 1


def test_scanner_page_in_chinese(client, login_as, forum):
    login_as("scanner", locale="zh_Hant_HK")
    page = client.get(f"/forums/{forum.slug}/checkin/scan").get_data(as_text=True)
    assert "可以掃描" in page and "按姓名搜尋（英文或中文）" in page
    config = json.loads(page.split('id="scanner-config">')[1].split("</script>")[0])
    assert config["words"]["already_checked_in"] == "已入場"
    assert config["words"]["first_at"] == "首次入場：%(time)s，%(point)s"


def test_dashboard_groups_people_without_a_site_with_those_in_clusters(client, login_as, forum):
    """Exhibitor staff and guests have no HA site; they sit beside the clusters without breaking the page."""
    from forum.attendees.models import AttendeeKind
    from forum.sites.models import Site

    qmh = db.session.scalar(sa.select(Site).where(Site.name_en == "Queen Mary Hospital"))
    AttendeeFactory(forum=forum, site_id=qmh.id)
    AttendeeFactory(forum=forum, site_id=None, kind=AttendeeKind.exhibitor, organisation="CareFlow Robotics")
    AttendeeFactory(forum=forum, site_id=None, kind=AttendeeKind.guest)
    login_as("organiser")
    page = client.get(f"/forums/{forum.slug}/checkin/dashboard")
    assert page.status_code == 200
    by_site = page.get_data(as_text=True).split('id="by-site"')[1].split("</table>")[0]
    assert "Other organisations" in by_site and "0 / 2" in by_site and "Queen Mary Hospital" in by_site


def test_a_kiosk_scan_answered_after_the_exit_does_not_lock_the_tablet_again(client, login_as, forum):
    """The kiosk page keeps scanning the ticket in view while staff end kiosk mode. A scan sent
    before the exit but answered after it must not bring kiosk mode back (it did: the scan's
    answer rewrote the whole session cookie, and the next API call was refused with 403)."""
    login_as("organiser", email="kiosk-race@example.org")
    ticket = TicketFactory(attendee=AttendeeFactory(forum=forum, name_en="Ms Race", name_zh="賽女士"))
    client.post(f"/forums/{forum.slug}/checkin/kiosk", data={"point": "main-entrance", "pin": "482913"})
    in_kiosk = client.get_cookie("session").value
    right = client.post(f"/forums/{forum.slug}/checkin/kiosk/exit", data={"pin": "482913"})
    assert "/login" in right.headers["Location"]
    after_exit = client.get_cookie("session").value
    # The in-flight scan still carries the cookie of kiosk mode ...
    client.set_cookie("session", in_kiosk)
    late = client.post(f"/forums/{forum.slug}/checkin/kiosk/scan", json={"code": code_for(ticket)})
    assert late.json["result"] == "ok"
    # ... and the browser keeps the cookie of whichever answer arrived last.
    if "session=" not in late.headers.get("Set-Cookie", ""):
        client.set_cookie("session", after_exit)
    # The tablet is signed out, not back in kiosk mode.
    assert client.get(f"/api/v1/forums/{forum.slug}/checkins/stats").status_code == 401
    assert "/kiosk" not in client.get("/login").headers.get("Location", "")


def test_the_kiosk_badge_link_opens_only_the_badge_of_the_person_just_checked_in(client, login_as, forum):
    from forum.attendees.models import AttendeeStatus

    login_as("organiser", email="kiosk-badge@example.org")
    mine = TicketFactory(attendee=AttendeeFactory(forum=forum, status=AttendeeStatus.registered))
    other = AttendeeFactory(forum=forum, status=AttendeeStatus.registered)
    TicketFactory(attendee=other)
    client.post(f"/forums/{forum.slug}/checkin/kiosk", data={"point": "main-entrance", "pin": "482913"})
    answer = client.post(f"/forums/{forum.slug}/checkin/kiosk/scan", json={"code": code_for(mine)}).json
    badge = client.get(answer["badge_url"])
    assert badge.status_code == 200 and badge.mimetype == "application/pdf"
    forged = answer["badge_url"].replace(f"/attendees/{mine.attendee_id}/", f"/attendees/{other.id}/")
    assert client.get(forged).status_code == 302
    assert client.get(f"/forums/{forum.slug}/attendees/{other.id}/badge.pdf").status_code == 302


def test_kiosk_session_prints_only_the_badge_of_the_person_it_checked_in(client, login_as, forum):
    from forum.attendees.registration import register

    login_as("organiser")
    people = [AttendeeFactory(forum=forum) for _ in range(2)]
    for person in people:
        register(person, {}, actor=None)
    from forum.attendees.tickets import current_ticket

    client.post(f"/forums/{forum.slug}/checkin/kiosk", data={"point": "main-entrance", "pin": "482913"})
    answer = client.post(f"/forums/{forum.slug}/checkin/kiosk/scan",
                         json={"code": code_for(current_ticket(people[0]))}).json
    assert client.get(answer["badge_url"]).mimetype == "application/pdf"
    other = client.get(f"/forums/{forum.slug}/attendees/{people[1].id}/badge.pdf")
    assert other.status_code == 302 and other.headers["Location"].endswith("/checkin/kiosk")

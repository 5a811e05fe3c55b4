"""Check-in journeys: a fake camera shows a real ticket QR; scans made offline are sent once when back online."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import expect

from forum.qr import qr_png
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, login, shot

pytestmark = pytest.mark.committed  # the data goes into the live server's own database, committed
FORUM = "innovation-forum-2026-12"


def seed_attendees(live_server, people: list[tuple[str, str, str]]) -> list[tuple[int, str]]:
    """Add attendees with tickets to the live server's database; returns (attendee id, ticket code)."""
    from forum import create_app
    from forum.attendees.models import AttendeeStatus
    from forum.attendees.tickets import code_for, issue_ticket
    from forum.extensions import db
    from forum.forums.services import get_forum
    from tests.factories import AttendeeFactory

    app = create_app({"FORUM_ENV": "testing", "TESTING": True,
                      "SQLALCHEMY_DATABASE_URI": live_server.env["DATABASE_URL"],
                      "SECRET_KEY": live_server.env["SECRET_KEY"]})
    out = []
    with app.app_context():
        forum = get_forum(FORUM)
        for name_en, name_zh, organisation in people:
            attendee = AttendeeFactory(forum=forum, name_en=name_en, name_zh=name_zh, organisation=organisation,
                                       status=AttendeeStatus.registered)  # a ticket holder has registered
            out.append((attendee.id, code_for(issue_ticket(attendee))))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return out


def rows_for(live_server, attendee_ids: list[int]) -> list[tuple]:
    engine = sa.create_engine(live_server.env["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(
                "SELECT attendee_id, result, first_entry FROM checkin WHERE attendee_id IN (%s) ORDER BY id"
                % ",".join(str(int(i)) for i in attendee_ids))).all()
    finally:
        engine.dispose()


def write_y4m(png: bytes, path: Path, size=(640, 480), frames: int = 5) -> Path:
    """A YUV4MPEG2 video (4:2:0) showing the picture centred on white, for Chromium's fake camera."""
    width, height = size
    canvas = Image.new("RGB", size, "white")
    qr = Image.open(io.BytesIO(png)).convert("RGB")
    side = min(width, height) - 60
    qr = qr.resize((side, side), Image.NEAREST)
    canvas.paste(qr, ((width - side) // 2, (height - side) // 2))
    y, cb, cr = canvas.convert("YCbCr").split()
    half = (width // 2, height // 2)
    frame = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    with path.open("wb") as handle:
        handle.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            handle.write(b"FRAME\n" + frame)
    return path


@pytest.fixture
def camera_context(chromium, live_server):
    """camera_context(video, viewport) -> a browser context of a Chromium (tests/support/browser.CHROMIUM)
    whose camera shows that video, with camera permission granted for the live server."""
    launched = []

    def launch(video: Path, viewport: dict):
        args = CHROMIUM_ARGS + ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                                f"--use-file-for-fake-video-capture={video}"]
        browser = chromium.browser_type.launch(executable_path=CHROMIUM, headless=True, args=args)
        launched.append(browser)
        context = browser.new_context(viewport=viewport, locale="en-GB")
        context.grant_permissions(["camera"], origin=live_server.url)
        context.set_default_timeout(10000)
        return context

    yield launch
    for browser in launched:
        browser.close()


def test_camera_scan_of_a_real_ticket_shows_green_welcome(live_server, tmp_path, camera_context):
    [(attendee_id, code)] = seed_attendees(live_server, [("Dr Camera Chan", "陳鏡明醫生", "Queen Elizabeth Hospital")])
    video = write_y4m(qr_png(code, box_size=8), tmp_path / "ticket.y4m")
    context = camera_context(video, {"width": 412, "height": 915})
    page = context.new_page()
    login(page, live_server, "scanner@forum.example")
    page.goto(f"{live_server.url}/forums/{FORUM}/checkin/scan")
    result = page.locator("#result[data-result=ok]")
    result.wait_for(timeout=20000)
    assert "Welcome" in page.inner_text("#result-word")
    assert page.inner_text("#result-name") == "Dr Camera Chan"
    assert page.inner_text("#result-other") == "陳鏡明醫生"
    assert page.inner_text("#result-org") == "Queen Elizabeth Hospital"
    assert page.evaluate("getComputedStyle(document.getElementById('result')).backgroundColor") == "rgb(23, 128, 61)"
    shot(page, "checkin-camera-ok")
    # The same ticket stays in view: it is not sent again every frame.
    page.wait_for_timeout(1500)
    context.close()
    assert [(a, r, bool(f)) for a, r, f in rows_for(live_server, [attendee_id])] == [(attendee_id, "ok", True)]


def test_offline_scans_are_queued_and_recorded_exactly_once(live_server, page):
    people = seed_attendees(live_server, [("Dr Offline One", "離線一", "Tuen Mun Hospital"),
                                          ("Dr Offline Two", "離線二", "Tuen Mun Hospital"),
                                          ("Dr Offline Three", "離線三", "Pok Oi Hospital")])
    login(page, live_server, "scanner@forum.example")
    page.goto(f"{live_server.url}/forums/{FORUM}/checkin/scan")
    page.select_option("#point", "data-lab")
    page.context.set_offline(True)
    for _id, code in people:
        page.fill("#manual-code", code)
        page.click("#manual button[type=submit]")
        page.wait_for_selector("#result[data-result=queued]")
    assert page.get_attribute("#queue", "data-count") == "3"
    assert "3" in page.inner_text("#queue")
    shot(page, "checkin-offline-queue")
    assert rows_for(live_server, [i for i, _c in people]) == []

    page.context.set_offline(False)
    page.wait_for_selector("#queue[data-count='0']", state="attached", timeout=15000)
    assert page.locator("#queue").is_hidden()
    assert page.locator("#log li[data-result=ok]").count() == 3
    # Later send rounds add nothing: each scan was recorded once.
    page.wait_for_timeout(3500)
    rows = rows_for(live_server, [i for i, _c in people])
    assert sorted((a, r, bool(f)) for a, r, f in rows) == sorted((i, "ok", True) for i, _c in people)
    shot(page, "checkin-offline-sent")


def test_kiosk_welcomes_an_attendee_then_the_dashboard_counts_them(live_server, tmp_path, camera_context):
    [(attendee_id, code), (_later_id, later_code)] = seed_attendees(
        live_server, [("Ms Kiosk Lau", "劉自助", "Kwong Wah Hospital"), ("Mr Late Comer", "遲來者", "Kwong Wah Hospital")])
    video = write_y4m(qr_png(code, box_size=8), tmp_path / "kiosk.y4m")
    context = camera_context(video, {"width": 1024, "height": 768})
    page = context.new_page()
    login(page, live_server, "organiser@forum.example")
    page.goto(f"{live_server.url}/forums/{FORUM}/checkin/kiosk")
    page.select_option("select[name=point]", "main-entrance")
    page.fill("input[name=pin]", "482913")
    page.click("button:has-text('Start kiosk mode')")
    page.locator("#result[data-result=ok]").wait_for(timeout=20000)
    assert page.inner_text("#result-name") == "Ms Kiosk Lau" and page.inner_text("#result-other") == "劉自助"
    shot(page, "checkin-kiosk-welcome")
    # Locked: the rest of the site is out of reach until the kiosk PIN is given; then the tablet is signed out.
    page.goto(live_server.url + "/forums/")
    assert page.url.endswith("/checkin/kiosk")
    # The staff panel opens by itself when the page carries a message (kiosk.html); otherwise staff open it
    # from the keyboard. Not with a pointer: the camera still sees the ticket, each new answer resizes the
    # result above the panel, and a click aimed at "Staff" can land where it was a moment before.
    if page.locator("details.kiosk-exit").get_attribute("open") is None:
        page.focus("summary:has-text('Staff')")
        page.keyboard.press("Enter")
    expect(page.locator("input[name=pin]")).to_be_visible()
    page.fill("input[name=pin]", "482913")
    page.click("button:has-text('End kiosk mode')")
    page.wait_for_load_state()
    assert "/login" in page.url, (page.url, page.inner_text("body")[:500])
    login(page, live_server, "organiser@forum.example")
    page.goto(f"{live_server.url}/forums/{FORUM}/checkin/dashboard")
    assert "Ms Kiosk Lau" not in page.inner_text("#missing")
    assert int(page.inner_text("#tile-arrived strong")) >= 1
    assert page.locator("svg.chart rect").count() >= 1
    shot(page, "checkin-dashboard")
    # The dashboard updates itself: a scan made elsewhere shows up without reloading the page.
    arrived = int(page.inner_text("#tile-arrived strong"))
    assert "Mr Late Comer" in page.inner_text("#missing")
    token = page.get_attribute("meta[name=csrf-token]", "content")
    answer = page.request.post(f"{live_server.url}/api/v1/forums/{FORUM}/checkins", data={"code": later_code},
                               headers={"X-CSRFToken": token})
    assert answer.json()["result"] == "ok"
    # (expect() polls from Playwright's own script: a string for wait_for_function would need eval, which the
    # page's Content-Security-Policy forbids.)
    expect(page.locator("#tile-arrived strong")).to_have_text(str(arrived + 1), timeout=12000)
    assert "Mr Late Comer" not in page.inner_text("#missing")
    context.close()


def test_name_search_checks_a_person_in_without_their_code_reaching_the_page(live_server, page):
    [(attendee_id, code)] = seed_attendees(live_server, [("Dr Searchable Siu", "蕭可尋", "Tuen Mun Hospital")])
    engine = sa.create_engine(live_server.env["DATABASE_URL"])

    def set_status(status):
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE forum SET status = :s WHERE slug = :slug"), {"s": status, "slug": FORUM})

    with engine.connect() as conn:
        before = conn.execute(sa.text("SELECT status FROM forum WHERE slug = :slug"), {"slug": FORUM}).scalar()
    set_status("live")  # name search is open only while the forum is live
    try:
        login(page, live_server, "scanner@forum.example")
        page.goto(f"{live_server.url}/forums/{FORUM}/checkin/scan")
        page.fill("#search-q", "S")
        page.click("#search button[type=submit]")
        page.wait_for_selector("#search-results li:has-text('at least two letters')")
        with page.expect_response(lambda r: "/checkin/search" in r.url) as searched:
            page.fill("#search-q", "蕭")
            page.click("#search button[type=submit]")
        assert code not in searched.value.text()
        page.click("#search-results li:has-text('Dr Searchable Siu') button")
        page.wait_for_selector("#result[data-result=ok]")
        assert page.inner_text("#result-name") == "Dr Searchable Siu"
        assert code not in page.content()
        shot(page, "checkin-search-by-name")
        # Searching again shows the person as arrived, with the time and the point's name.
        page.click("#search button[type=submit]")
        expect(page.locator("#search-results li:has-text('Dr Searchable Siu') .door-status")).to_contain_text(
            "Arrived at")
        # Someone on no list: registered from the search, prefilled with the typed name, and checked in.
        page.fill("#search-q", "Walk-in Wendy")
        page.click("#search button[type=submit]")
        page.click("#search-results button:has-text('Register a walk-in: Walk-in Wendy')")
        expect(page.locator("#walk-in-name-en")).to_have_value("Walk-in Wendy")
        page.fill("#walk-in-email", "wendy.walkin@ha.example")
        page.click("#walk-in button[type=submit]")
        expect(page.locator("#result-name")).to_have_text("Walk-in Wendy")
        expect(page.locator("#result")).to_have_attribute("data-result", "ok")
        expect(page.locator("#walk-in")).to_be_hidden()
        shot(page, "checkin-walk-in")
    finally:
        set_status(before)
        engine.dispose()
    assert [(r, bool(f)) for _a, r, f in rows_for(live_server, [attendee_id])] == [("ok", True)]

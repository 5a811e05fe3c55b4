"""Under the strict Content-Security-Policy the pages still work, and the browser reports no violation."""
from __future__ import annotations

import pytest

from tests.support.browser import login, shot
from tests.browser.test_checkin_scanner import FORUM, seed_attendees

pytestmark = pytest.mark.committed


@pytest.fixture
def violations(page):
    """Messages in which Chromium refused something because of the page's policy."""
    seen: list[str] = []
    page.on("console", lambda message: seen.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text else None)
    return seen


def test_confirmations_select_all_dashboard_and_scanner_work_under_the_policy(live_server, page, violations):
    [(attendee_id, _code)] = seed_attendees(live_server, [("Dr Policy Poon", "潘政策", "Queen Mary Hospital")])
    login(page, live_server, "organiser@forum.example")
    response = page.goto(f"{live_server.url}/forums/{FORUM}/attendees/{attendee_id}")
    assert "script-src 'self'" in response.headers["content-security-policy"]

    # A confirmation (data-confirm, answered by static/js/app.js): dismissing it sends nothing ...
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.click("button:has-text('Reissue the ticket')")
    page.wait_for_timeout(300)
    assert questions == ["The current code will stop working. Continue?"]
    assert page.locator(".flash").count() == 0
    # ... accepting it sends the form.
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_response(lambda r: r.url.endswith("/reissue") and r.request.method == "POST"):
        page.click("button:has-text('Reissue the ticket')")
    page.wait_for_load_state()
    assert page.locator(".flash").count() == 1
    shot(page, "csp-confirmed-reissue")

    # "Select all" on the review page (data-select-all).
    page.goto(f"{live_server.url}/exhibitors/forums/{FORUM}/review")
    boxes = page.locator("#bulk tbody input[name=ids]")
    assert boxes.count() >= 2
    page.check("#bulk thead input[type=checkbox]")
    assert all(box.is_checked() for box in boxes.all())
    page.uncheck("#bulk thead input[type=checkbox]")
    assert not any(box.is_checked() for box in boxes.all())

    # The dashboard loads its refresher from a static file.
    page.goto(f"{live_server.url}/forums/{FORUM}/checkin/dashboard")
    with page.expect_response(lambda r: r.url.endswith("/dashboard/live") and r.status == 200, timeout=12000):
        pass

    # The door scanner: its settings come from a JSON block, its code from static files.
    page.goto(f"{live_server.url}/forums/{FORUM}/checkin/scan")
    page.fill("#manual-code", "not-a-ticket")
    page.click("#manual button[type=submit]")
    page.wait_for_selector("#result[data-result=invalid]")
    assert violations == []


def test_the_ticket_page_works_on_a_phone_under_the_policy(live_server, chromium):
    context = chromium.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    page = context.new_page()
    seen = []
    page.on("console", lambda message: seen.append(message.text) if "Content Security Policy" in message.text else None)
    login(page, live_server, "ha.staff@forum.example")
    response = page.goto(f"{live_server.url}/my-ticket")
    assert response.headers["cache-control"] == "no-store"
    assert page.locator(".ticket-qr svg").is_visible()
    assert page.locator("#fullscreen").is_visible()  # shown by static/js/app.js where full screen works
    assert page.evaluate("getComputedStyle(document.querySelector('.ticket-actions')).justifyContent") == "center"
    assert seen == []
    context.close()

"""The kiosk without a camera promises nothing it cannot do, switches language, and shows a wrong PIN."""
import pytest

from tests.browser.a11y import check_page
from tests.support.browser import login, shot

FORUM = "innovation-forum-2026-12"
PIN = "482913"  # the same PIN as the scanner journeys: the first start sets it


@pytest.mark.committed  # the kiosk start writes the forum's PIN
def test_kiosk_without_camera_language_and_wrong_pin(live_server, chromium):
    context = chromium.new_context(viewport={"width": 375, "height": 812}, locale="en-GB")
    page = context.new_page()
    login(page, live_server, "organiser@forum.example")
    page.goto(f"{live_server.url}/forums/{FORUM}/checkin/kiosk")
    page.fill("input[name=pin]", PIN)
    page.click("button:has-text('Start kiosk mode')")
    page.wait_for_load_state()
    # Headless Chromium has no camera: the kiosk sends people to the desk, it offers no typing.
    page.wait_for_selector("#camera-state:has-text('desk')")
    assert page.locator("#manual-code").count() == 0
    check_page(page, "kiosk")
    # The attendee's own language button, outside the staff panel.
    page.click(".kiosk-lang button[value=zh_Hant_HK]")
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == "zh-Hant-HK"
    assert "服務台" in page.inner_text("#camera-state") or "鏡頭" in page.inner_text("#camera-state")
    check_page(page, "kiosk in Chinese")
    # A wrong PIN: the staff panel comes back open with the message in view.
    page.click("details.kiosk-exit summary")
    page.fill("input[name=pin]", "000000" if PIN != "000000" else "111111")
    page.click(".kiosk-exit button[type=submit]")
    page.wait_for_load_state()
    message = page.locator(".kiosk-exit .flash-error")
    assert message.is_visible() and message.get_attribute("role") == "alert"
    shot(page, "kiosk-wrong-pin-zh")
    # Leave the tablet as a kiosk no more, so other journeys can sign in from fresh contexts.
    page.fill("input[name=pin]", PIN)
    page.click(".kiosk-exit button[type=submit]")
    page.wait_for_load_state()
    assert "/login" in page.url
    context.close()

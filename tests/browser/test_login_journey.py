"""Sign-in journeys in both languages, one for each demo role."""
import pytest

from forum.demo import DEMO_USERS
from tests.support.browser import login, shot

HOME_HEADINGS = {
    "admin": ("Administration", "系統管理"),
    "organiser": ("Organiser home", "主辦單位主頁"),
    "scanner": ("Door scanning", "入口掃描"),
    "exhibitor": ("Exhibitor home", "參展商主頁"),
    "ha_staff": ("Welcome", "歡迎"),
    "partnership": ("Partnership home", "合作夥伴主頁"),
}


@pytest.mark.parametrize("role,email", [(r, e) for r, e, _en, _zh in DEMO_USERS])
def test_each_role_signs_in_and_sees_its_home_in_english(live_server, page, role, email):
    login(page, live_server, email)
    assert page.locator("h1").first.inner_text().startswith(HOME_HEADINGS[role][0])
    assert page.locator(".steps").is_visible()
    shot(page, f"home-{role}-en")


def test_sign_in_in_chinese_then_language_is_remembered(live_server, page):
    page.goto(live_server.url + "/login")
    page.click("button[name=locale][value=zh_Hant_HK]")
    assert page.locator("h1").inner_text() == "登入"
    shot(page, "login-zh")
    page.fill("input[name=email]", "ha.staff@forum.example")
    page.fill("input[name=password]", "wrong password")
    page.click("form button[type=submit]:not(.link)")
    # The error is shown next to the field, in Chinese, and the email typed is kept.
    assert page.locator(".error").inner_text() == "電郵或密碼不正確。"
    assert page.input_value("input[name=email]") == "ha.staff@forum.example"
    from forum.demo import DEMO_PASSWORD

    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit]:not(.link)")
    assert page.locator("h1").first.inner_text().startswith("歡迎")
    assert "2026年12月8日" in page.locator(".banner").inner_text()
    shot(page, "home-ha-staff-zh")
    # Signed out and back in from a fresh browser: the account keeps its language.
    page.click("nav form button:has-text('登出')")
    page.context.clear_cookies()
    login(page, live_server, "ha.staff@forum.example")
    assert page.locator("h1").first.inner_text().startswith("歡迎")


def test_phone_layout_has_a_menu_button(live_server, chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    login(page, live_server, "organiser@forum.example")
    assert not page.locator("nav.nav").is_visible()
    page.click("button.nav-toggle")
    assert page.locator("nav.nav a:has-text('Forums')").is_visible()
    shot(page, "home-organiser-phone")
    context.close()

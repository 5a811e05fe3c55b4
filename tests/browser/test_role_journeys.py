"""Each role's main journey as a new user would walk it: on a 375 px phone in Traditional Chinese,
by clicking links and menu entries only (the sign-in page is the only address typed), with axe-core
on every page visited (no serious or critical violation) and no sideways scrolling; then the
role's home page at 1280 px in English.
"""
from __future__ import annotations

import pytest

from tests.browser.a11y import check_page, open_menu, overlapping, switch_to_chinese, switch_to_english
from tests.support.browser import login, shot

FORUM = "innovation-forum-2026-12"


@pytest.fixture(autouse=True)
def keep_account_languages(live_server):
    """Switching language is remembered by the account; put the demo accounts back as they were so
    the other journeys on this server see what they expect."""
    import sqlalchemy as sa

    engine = sa.create_engine(live_server.env["DATABASE_URL"])
    with engine.connect() as connection:
        before = dict(connection.execute(sa.text('SELECT id, locale FROM "user"')).all())
    yield
    with engine.begin() as connection:
        for user_id, locale in before.items():
            connection.execute(sa.text('UPDATE "user" SET locale = :locale WHERE id = :id'),
                               {"locale": locale, "id": user_id})
    engine.dispose()


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True,
                                   locale="en-GB")
    context.set_default_timeout(10000)
    page = context.new_page()
    yield page
    context.close()


class Walk:
    """Clicks through pages, checking each one it lands on."""

    def __init__(self, page, role: str):
        self.page, self.role, self.seen = page, role, []

    def check(self, name: str) -> None:
        self.page.wait_for_load_state()
        assert self.page.evaluate("document.documentElement.lang") == "zh-Hant-HK", self.page.url
        check_page(self.page, f"{self.role} · {name} · {self.page.url}")
        self.seen.append(name)

    def menu(self, href: str, name: str) -> None:
        """Open the phone menu by keyboard-reachable button, follow the entry whose address starts with href."""
        open_menu(self.page)
        assert self.page.locator("button.nav-toggle").get_attribute("aria-expanded") == "true"
        self.page.locator(f'nav.nav a[href^="{href}"]').first.click()
        self.check(name)
        current = self.page.locator('nav.nav a[aria-current="page"]')
        assert current.count() == 1 and current.get_attribute("href").startswith(href), name

    def link(self, selector: str, name: str) -> None:
        self.page.locator(selector).first.click()
        self.check(name)


def start(page, live_server, email: str, role: str) -> Walk:
    login(page, live_server, email)
    switch_to_chinese(page)
    walk = Walk(page, role)
    walk.check("home")
    return walk


def test_organiser_runs_the_forum_from_its_hub(live_server, phone):
    walk = start(phone, live_server, "organiser@forum.example", "organiser")
    walk.link(f'.steps a[href="/forums/{FORUM}"]', "forum hub")
    hub = phone.locator(".hub a")
    assert hub.count() >= 8  # attendees, review, booths, directory, agenda, programme, check-in, dashboard...
    walk.link(f'.hub a[href="/forums/{FORUM}/attendees/"]', "attendees")
    walk.link('main table a[href*="/attendees/"]', "an attendee")
    phone.go_back()
    phone.go_back()
    walk.link(f'.hub a[href="/exhibitors/forums/{FORUM}/review"]', "review")
    assert overlapping(phone, ".page-head h1", ".page-head .button") == []
    # One card per application on a phone, not a table wider and taller than the screen.
    assert phone.evaluate("getComputedStyle(document.querySelector('table.phone-cards tbody tr')).display") == "block"
    phone.go_back()
    walk.link(f'.hub a[href="/forums/{FORUM}/checkin/dashboard"]', "arrivals dashboard")
    phone.go_back()
    walk.link(f'.hub a[href="/forums/{FORUM}/agenda/edit"]', "agenda editor")
    walk.menu("/audit/", "audit")
    shot(phone, "journey-organiser-zh")


def test_exhibitor_goes_from_company_to_solution_and_back(live_server, phone):
    walk = start(phone, live_server, "exhibitor@forum.example", "exhibitor")
    walk.menu("/exhibitors/company", "my company")
    walk.link('main a[href^="/exhibitors/solutions/"]:not([href$="/edit"]):not([href$="/new"])', "solution")
    walk.link('main a[href="/exhibitors/company"]', "back to the company")
    walk.menu("/leads", "leads")
    walk.menu("/exhibitors/directory", "directory")
    assert overlapping(phone, ".page-head h1", ".page-head .button, .page-head a") == []
    shot(phone, "journey-exhibitor-zh")


def test_ha_staff_finds_ticket_bookmarks_and_exhibitors(live_server, phone):
    walk = start(phone, live_server, "ha.staff@forum.example", "ha_staff")
    walk.menu("/my-ticket", "my ticket")
    assert phone.locator("h1").count() == 1
    code = phone.locator(".ticket-code")
    assert code.inner_text().replace(" ", "") == code.get_attribute("data-code")
    assert all(len(group) == 4 for group in code.inner_text().split())
    walk.menu("/my/bookmarks", "my bookmarks")
    walk.menu("/exhibitors/directory", "directory")
    walk.link('main a[href*="/exhibitors/"][href*="/forums/"]:not([href$="directory"])', "an exhibitor")
    shot(phone, "journey-ha-staff-zh")


@pytest.mark.committed  # seeds attendees into the live server's database
def test_door_staff_checks_in_a_code_typed_in_groups(live_server, phone):
    from tests.browser.test_checkin_scanner import seed_attendees

    [(_id, code)] = seed_attendees(live_server, [("Dr Typed Tam", "譚打字", "Queen Mary Hospital")])
    walk = start(phone, live_server, "scanner@forum.example", "scanner")
    walk.menu("/checkin/", "door scanner")
    typed = " ".join(code[i:i + 4] for i in range(0, len(code), 4)).lower().replace(" ", "-", 3)
    phone.fill("#manual-code", typed)
    phone.click("#manual button[type=submit]")
    phone.wait_for_selector("#result[data-result=ok]")
    assert phone.locator("#result-word").inner_text() == "歡迎"
    check_page(phone, "scanner · after a scan")
    phone.fill("#manual-code", code)
    phone.click("#manual button[type=submit]")
    phone.wait_for_selector("#result[data-result=already_checked_in]")
    assert phone.locator("#result-word").inner_text() == "已入場"
    check_page(phone, "scanner · already checked in")
    shot(phone, "journey-scanner-zh")


def test_partnership_follows_pilots_and_has_no_dead_ticket_link(live_server, phone):
    walk = start(phone, live_server, "partnership@forum.example", "partnership")
    open_menu(phone)
    assert phone.locator('nav.nav a[href^="/exhibitors/company"]').count() == 0
    walk.menu("/pilots/", "pilots")
    walk.link('main a[href^="/pilots/"][href$="0"], main table a[href^="/pilots/"]', "a pilot")
    walk.menu("/sites/", "sites")
    shot(phone, "journey-partnership-zh")


def test_admin_reads_users_and_a_readable_audit_trail(live_server, phone):
    walk = start(phone, live_server, "admin@forum.example", "admin")
    open_menu(phone)
    for dead in ("/exhibitors/company", "/leads", "/meet"):  # no company: these would only say "not found"
        assert phone.locator(f'nav.nav a[href="{dead}"], nav.nav a[href^="{dead}/"]').count() == 0, dead
    walk.menu("/admin/users", "users")
    walk.menu("/audit/", "audit")
    assert "user.login" not in phone.locator("main").inner_text()
    walk.menu("/forums/", "forums")
    shot(phone, "journey-admin-zh")


@pytest.mark.parametrize("email", ["organiser@forum.example", "exhibitor@forum.example", "ha.staff@forum.example",
                                   "scanner@forum.example", "partnership@forum.example", "admin@forum.example"])
def test_each_home_page_at_desktop_width_in_english(live_server, page, email):
    login(page, live_server, email)
    switch_to_english(page)
    assert page.evaluate("document.documentElement.lang") == "en"
    assert not page.locator("button.nav-toggle").is_visible()  # the menu is shown in full
    check_page(page, f"{email} home")


def test_phone_menu_works_by_keyboard(live_server, phone):
    login(phone, live_server, "organiser@forum.example")
    toggle = phone.locator("button.nav-toggle")
    box = toggle.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    assert not phone.locator("nav.nav").is_visible()
    toggle.focus()
    phone.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true" and phone.locator("nav.nav").is_visible()
    for link in phone.locator("nav.nav a").all():
        assert link.bounding_box()["height"] >= 44
    phone.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false" and not phone.locator("nav.nav").is_visible()


def test_welcome_and_sign_in_lead_to_company_sign_up(live_server, phone):
    phone.goto(live_server.url + "/")
    check_page(phone, "welcome")
    phone.locator('main a[href="/exhibitors/signup"]').click()
    phone.wait_for_load_state()
    check_page(phone, "sign-up")
    phone.goto(live_server.url + "/login")
    assert phone.locator('main a[href="/exhibitors/signup"]').count() == 1

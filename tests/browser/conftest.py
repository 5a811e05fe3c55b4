"""Browser journeys: a real server process, Debian's Chromium driven by Playwright.

`live_server` starts the app in its own process on a free port, with its own
fresh database (SQLite, or PostgreSQL when TEST_DATABASE_URL names one), migrated
and loaded with the demo forum. `page` is a fresh Chromium tab; `shot(page, name)`
saves a screenshot under tests/browser/screenshots/ when SCREENSHOTS=1.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, serve


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    yield from serve(tmp_path_factory)


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run `make test` (it installs Debian's chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_context(chromium):
    """A fresh browser profile (no cookies) per test; phone-sized when the test asks for `phone`."""
    context = chromium.new_context(viewport={"width": 1280, "height": 860}, locale="en-GB")
    context.set_default_timeout(10000)
    yield context
    context.close()


@pytest.fixture
def page(browser_context):
    page = browser_context.new_page()
    yield page
    page.close()


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _demo_accounts_forget_their_language(request):
    """Accounts keep the language their owner last chose, and the journeys share one server: each test
    starts with no choice recorded, so its browser's language decides, whatever ran before it."""
    if "live_server" in request.fixturenames:
        import sqlalchemy as sa

        engine = sa.create_engine(request.getfixturevalue("live_server").env["DATABASE_URL"])
        with engine.begin() as conn:
            conn.execute(sa.text('UPDATE "user" SET locale = NULL WHERE locale IS NOT NULL'))
        engine.dispose()
    yield

"""Browser journeys: a real server process, Debian's Chromium driven by Playwright.

`live_server` starts the app in its own process on a free port, with its own
fresh database (SQLite, or PostgreSQL when TEST_DATABASE_URL names one), migrated
and loaded with the demo forum. `page` is a fresh Chromium tab; `shot(page, name)`
saves a screenshot under tests/browser/screenshots/.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, ROOT, LiveServer, free_port
from tests.support.databases import throwaway_postgres


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    instance = tmp_path_factory.mktemp("live-instance")
    env = dict(os.environ)
    env.update({
        "FORUM_ENV": "testing",
        "FORUM_INSTANCE_PATH": str(instance),
        "SECRET_KEY": "browser-tests-" + os.urandom(8).hex(),
        "BASE_URL": "",
        "RATELIMIT_LOGIN": "1000 per minute",
    })
    dropper = None
    wanted = os.environ.get("TEST_DATABASE_URL", "")
    if wanted.startswith("postgresql"):
        env["DATABASE_URL"], dropper = throwaway_postgres(wanted)
    else:
        env["DATABASE_URL"] = f"sqlite:///{instance / 'live.db'}"
    port = free_port()
    env["BASE_URL"] = f"http://127.0.0.1:{port}"
    server = LiveServer(url=f"http://127.0.0.1:{port}", env=env)
    server.flask("db", "upgrade")
    server.flask("forum", "demo")
    server.log = instance / "server.log"
    log_handle = server.log.open("w")
    server.process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "8",
         "wsgi:app"], cwd=ROOT, env=env, stdout=log_handle, stderr=subprocess.STDOUT)
    deadline = time.time() + 30
    while True:
        try:
            with urllib.request.urlopen(server.url + "/healthz", timeout=1) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if time.time() > deadline or server.process.poll() is not None:
            server.process.kill()
            raise RuntimeError("the test server did not start:\n" + server.log.read_text())
        time.sleep(0.2)
    yield server
    server.process.terminate()
    server.process.wait(timeout=10)
    log_handle.close()
    if dropper:
        dropper()


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

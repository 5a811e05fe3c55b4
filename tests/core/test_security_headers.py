"""Every answer carries the browser-side protections; no template holds inline script for the CSP to forbid."""
import re
from pathlib import Path

import pytest

from forum.config import Config
from tests.core.test_routes_guarded import _routes, _url

ROOT = Path(__file__).resolve().parents[2]


def _check(response, where):
    csp = response.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp, where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") == "same-origin", where
    assert response.headers.get("X-Frame-Options") == "DENY", where
    if response.mimetype == "text/html":
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
        assert directives["default-src"] == "'self'", where
        assert directives["script-src"] == "'self'", where  # no 'unsafe-inline', no hosts
        assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'", where
        assert "unsafe" not in csp, where
    assert "Strict-Transport-Security" not in response.headers, where  # plain HTTP here


@pytest.mark.parametrize("role", [None, "organiser", "scanner", "ha_staff", "exhibitor"])
def test_every_route_answers_with_the_security_headers(app, client, login_as, role):
    from tests.factories import ForumFactory

    forum = ForumFactory()
    if role:
        login_as(role)
    checked = 0
    for rule, method, _view in _routes(app):
        if method != "GET" or rule.endpoint == "checkin.kiosk":  # the kiosk would lock this client
            continue
        response = client.get(_url(rule.rule, forum.slug))
        _check(response, (role, rule.rule, response.status_code))
        checked += 1
    for path in ("/no-such-page", "/static/css/app.css", "/api/v1/no-such-thing"):
        _check(client.get(path), (role, path))
    assert checked > 40


def test_hsts_is_sent_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://forum.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    assert int(secure.headers["Strict-Transport-Security"].split("=")[1].split(";")[0]) >= 180 * 24 * 3600


def test_ticket_invitation_and_reset_pages_are_never_stored(app, client, login_as):
    from forum.attendees.models import AttendeeStatus
    from forum.attendees.invitations import new_link_token
    from forum.extensions import db
    from tests.factories import AttendeeFactory, TicketFactory

    attendee = AttendeeFactory(status=AttendeeStatus.registered)
    TicketFactory(attendee=attendee)
    token = new_link_token(attendee)
    db.session.flush()
    pages = [f"/rsvp/{token}", f"/rsvp/{token}/ticket",
             "/password/reset/any-token", "/invitation/any-token"]  # answered (even refused) uncached
    for path in pages:
        response = client.get(path)
        assert response.status_code in (200, 302, 404), path
        assert "no-store" in response.headers.get("Cache-Control", ""), path
    assert client.get(f"/rsvp/{token}/ticket").status_code == 200
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")


def test_production_cookies_are_secure_same_site_and_remember_me_is_short(tmp_path):
    settings = Config(str(tmp_path), {"FORUM_ENV": "production", "SECRET_KEY": "s" * 40,
                                      "REDIS_URL": "redis://127.0.0.1:6379/0"}).as_dict()
    assert settings["SESSION_COOKIE_SECURE"] is True and settings["REMEMBER_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax" and settings["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert settings["SESSION_COOKIE_HTTPONLY"] and settings["REMEMBER_COOKIE_HTTPONLY"]
    assert settings["REMEMBER_COOKIE_DURATION"].days <= 14
    assert settings["PREFERRED_URL_SCHEME"] == "https"
    development = Config(str(tmp_path), {"FORUM_ENV": "development"}).as_dict()
    assert development["SESSION_COOKIE_SECURE"] is False  # plain http://127.0.0.1 in development


# --- templates ------------------------------------------------------------------------------------------

_SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)
_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)
_JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)
# Rendered to PDF on the server or sent as mail: no browser applies the page's CSP to them.
_NOT_PAGES = ("mail/", "attendees/badges.html", "exhibitors/catalogue_pdf.html", "exhibitors/poster_pdf.html")


def _templates():
    for path in sorted((ROOT / "templates").rglob("*.html")):
        yield path.relative_to(ROOT / "templates").as_posix(), path.read_text(encoding="utf-8")


def test_no_template_has_an_inline_script_or_an_inline_event_handler():
    offences = []
    for name, text in _templates():
        for match in _SCRIPT.finditer(text):
            attrs = match.group(1)
            if "src=" not in attrs and 'type="application/json"' not in attrs:
                offences.append((name, match.group(0)))
        offences += [(name, m.group(0)) for m in _HANDLER.finditer(text)]
        offences += [(name, m.group(0)) for m in _JS_URL.finditer(text)]
        if not name.startswith(_NOT_PAGES):
            offences += [(name, m.group(0)) for m in re.finditer(r"\sstyle\s*=", text)]
    assert offences == []


def test_no_page_reloads_itself():
    # A timed reload moves the reader's focus and scroll and cannot be paused (WCAG 2.2.1; axe calls it
    # critical): a page whose figures change marks the region instead (data-refresh, static/js/app.js).
    assert [name for name, text in _templates() if re.search(r"http-equiv\s*=\s*[\"']?refresh", text, re.I)] == []


def test_the_inline_check_would_catch_each_kind_of_offence():
    samples = ['<script>alert(1)</script>', '<button onclick="x()">', "<form onsubmit='return confirm()'>",
               '<a href="javascript:go()">']
    for sample in samples:
        assert (_SCRIPT.search(sample) and "src=" not in sample) or _HANDLER.search(sample) or _JS_URL.search(sample)
    assert not _HANDLER.search('<p data-confirm="Sure?">') and not _HANDLER.search("<p>Once upon a time</p>")


def test_every_downloaded_file_is_kept_out_of_caches(client, login_as):
    """Not only the files named in headers.NO_STORE: every attachment (here the pilots' dashboard export)."""
    login_as("partnership")
    response = client.get("/pilots/dashboard/export.csv")
    assert response.status_code == 200 and response.headers["Content-Disposition"].startswith("attachment")
    assert "no-store" in response.headers.get("Cache-Control", "")

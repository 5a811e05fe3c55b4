"""Matchmaking on the demo forum: a booth poster's QR through a (fake) phone camera, a bookmark with a note
and a candidate hospital, recommendations with reasons; the booth scans that person's badge lead code
and sees only what their consent allows."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from forum.qr import qr_png
from tests.support.browser import login, shot
from tests.browser.test_checkin_scanner import FORUM, camera_context, write_y4m  # noqa: F401  (fixture)

pytestmark = pytest.mark.committed

PHONE = {"width": 375, "height": 812}


def _live_app(live_server):
    from forum import create_app

    return create_app({"FORUM_ENV": "testing", "TESTING": True, "SERVER_NAME": None,
                       "SQLALCHEMY_DATABASE_URI": live_server.env["DATABASE_URL"],
                       "SECRET_KEY": live_server.env["SECRET_KEY"], "BASE_URL": live_server.url})


def _set_locale(live_server, locale: str) -> None:
    """Other journeys switch demo accounts' language; each journey here says which it reads."""
    engine = sa.create_engine(live_server.env["DATABASE_URL"])
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE \"user\" SET locale = :locale WHERE email IN "
                                 "('ha.staff@forum.example', 'exhibitor@forum.example')"), {"locale": locale})
    finally:
        engine.dispose()


def _booth_and_codes(live_server):
    """The demo company's booth URL (what its poster's QR holds), the demo HA user's lead code, and one more
    registered person who did not consent to share contact details (their lead code and email)."""
    from forum.attendees.lead_codes import lead_code_for
    from forum.attendees.models import Attendee, AttendeeStatus
    from forum.exhibitors.documents import booth_url
    from forum.exhibitors.models import Application, Company
    from forum.accounts.models import User
    from forum.extensions import db

    app = _live_app(live_server)
    with app.app_context():  # no request: URLs are built from BASE_URL, as for the printed poster
        company = db.session.scalar(sa.select(Company).where(Company.name_en == "CareFlow Robotics Limited"))
        application = db.session.scalar(sa.select(Application).where(Application.company_id == company.id,
                                                                     Application.booth_code.is_not(None)))
        url = booth_url(application)
        me = db.session.scalar(sa.select(Attendee).where(Attendee.email == "ha.staff@forum.example"))
        other = db.session.scalar(sa.select(Attendee).where(
            Attendee.forum_id == me.forum_id, Attendee.status == AttendeeStatus.registered,
            Attendee.share_contact.is_(False), Attendee.kind == me.kind).order_by(Attendee.id))
        out = (url, application.booth_code, lead_code_for(me), me.email, lead_code_for(other), other.email,
               other.name_en)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return out


def test_booth_qr_bookmark_recommendations_and_a_consent_bound_lead(live_server, tmp_path, camera_context):  # noqa: F811
    booth, booth_code, my_lead, my_email, other_lead, other_email, other_name = _booth_and_codes(live_server)
    _set_locale(live_server, "en")
    assert booth.startswith(live_server.url) and "@" not in booth

    # The HA user's phone: the camera sees the booth poster; not signed in yet.
    context = camera_context(write_y4m(qr_png(booth, box_size=6), tmp_path / "poster.y4m"), PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/scan-booth")
    assert "/login?next=/scan-booth" in page.url
    page.fill("input[name=email]", "ha.staff@forum.example")
    page.fill("input[name=password]", "demo-forum-2026")
    page.click("form button[type=submit]:not(.link)")
    page.wait_for_url(f"**/booths/{booth_code}", timeout=20000)
    page.click("#bookmark-exhibitor")
    page.wait_for_url(re.compile(r".*/bookmarks/\d+(\?.*)?$"))
    page.select_option("select[name=interest]", "pilot")
    page.fill("textarea[name=note]", "ward bed turnover in medical wards")
    page.select_option("select[name=site_id]", label="Queen Mary Hospital")
    page.click("#bookmark-details button[type=submit]")
    page.wait_for_load_state()
    assert page.input_value("textarea[name=note]") == "ward bed turnover in medical wards"
    reasons = page.locator("#recommendations .reasons li")
    assert reasons.count() > 0
    text = page.inner_text("#recommendations")
    assert "shares your theme" in text or "colleague" in text or "matches the need you described" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1  # no sideways scrolling
    shot(page, "matchmaking-bookmark-recommendations")
    page.goto(f"{live_server.url}/my/bookmarks")
    assert "Queen Mary Hospital" in page.inner_text("main") and "ward bed turnover" in page.inner_text("main")
    context.close()

    # The booth's phone scans the HA user's badge lead code (consent given at registration).
    context = camera_context(write_y4m(qr_png(my_lead, box_size=8), tmp_path / "lead.y4m"), PHONE)
    page = context.new_page()
    login(page, live_server, "exhibitor@forum.example")
    page.goto(f"{live_server.url}/forums/{FORUM}/leads/scan")
    page.locator("#result[data-result=ok], #result[data-result=already_saved]").wait_for(timeout=20000)
    assert page.inner_text("#result-name") == "Dr Raymond Chan"
    # A door ticket typed in is refused clearly; a person without consent is saved without contact details.
    page.fill("#manual-code", other_lead)
    page.click("#manual button[type=submit]")
    page.locator("#log li").nth(1).wait_for()
    page.goto(f"{live_server.url}/forums/{FORUM}/leads")
    leads = page.inner_text("main")
    assert my_email in leads and "Dr Raymond Chan" in leads
    assert other_name in leads and other_email not in leads and "Ask the partnership team to connect us" in leads
    shot(page, "matchmaking-leads")
    context.close()


def test_booth_scanner_in_chinese_refuses_a_door_ticket(live_server, chromium):
    from tests.browser.test_checkin_scanner import seed_attendees

    [(_id, ticket)] = seed_attendees(live_server, [("Dr Door Only", "門票", "Tuen Mun Hospital")])
    _set_locale(live_server, "zh_Hant_HK")
    context = chromium.new_context(viewport=PHONE, locale="zh-HK", extra_http_headers={"Accept-Language": "zh-HK"})
    page = context.new_page()
    login(page, live_server, "exhibitor@forum.example")
    page.goto(f"{live_server.url}/forums/{FORUM}/leads/scan")
    assert "攤位掃描器" in page.inner_text("h1")
    page.fill("#manual-code", ticket)
    page.click("#manual button[type=submit]")
    page.locator("#result[data-result=ticket_code]").wait_for()
    assert "入場門票" in page.inner_text("#result")
    shot(page, "matchmaking-lead-scanner-zh")
    context.close()

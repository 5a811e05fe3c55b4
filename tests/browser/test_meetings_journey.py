"""A follow-up meeting on the demo forum: an HA user proposes it from a recommendation, the exhibitor accepts
one time on a phone in Chinese, both get an .ics that parses, it is in both agendas, and the outcome
"propose a pilot" brings the partnership team to a prefilled pilot form."""
from __future__ import annotations

import email
import re
from datetime import datetime, timedelta
from email import policy
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from tests.support.browser import login, shot
from tests.browser.test_matchmaking_journey import PHONE, _live_app, _set_locale

pytestmark = pytest.mark.committed


def _exhibitor_for(live_server, company_id: int) -> str:
    """The e-mail of one of the company's exhibitor accounts, with the demo password."""
    from forum.accounts.models import User
    from forum.demo import DEMO_PASSWORD
    from forum.extensions import db

    app = _live_app(live_server)
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.company_id == company_id, User.role == "exhibitor",
                                                       User.active.is_(True)).order_by(User.id))
        if user.password_hash is None:
            user.set_password(DEMO_PASSWORD)
        user.locale = "zh_Hant_HK"
        db.session.commit()
        return user.email


def _mails(live_server) -> list:
    folder = Path(live_server.env["FORUM_INSTANCE_PATH"]) / "outbox"
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in folder.glob("*.eml")]


def _invitation(mails, to: str) -> Calendar:
    for message in mails:
        if message["To"] == to:
            for part in message.iter_attachments():
                if part.get_filename() == "invite.ics":
                    return Calendar.from_ical(part.get_content())
    raise AssertionError(f"no invitation mailed to {to}")


def _meeting_started(live_server, meeting_id: int) -> None:
    engine = sa.create_engine(live_server.env["DATABASE_URL"])
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE meeting SET starts_at = :at WHERE id = :id"),
                         {"at": datetime.utcnow() - timedelta(hours=1), "id": meeting_id})
    finally:
        engine.dispose()


def test_meeting_from_recommendation_to_prefilled_pilot(live_server, page, chromium):
    server = live_server
    _set_locale(server, "en")
    login(page, server, "ha.staff@forum.example")
    page.goto(server.url + "/")
    forum_slug = re.search(r"/forums/([^/]+)/", page.locator("a.propose-meeting").first.get_attribute("href")).group(1)
    page.goto(f"{server.url}/forums/{forum_slug}/recommendations")
    link = page.locator("#recommendations a.propose-meeting").first
    query = parse_qs(urlsplit(link.get_attribute("href")).query)
    assert query["origin"] == ["recommendation"]
    company_id = int(query["company"][0])
    link.click()
    start = (datetime.now() + timedelta(days=5)).replace(hour=10, minute=0)
    page.fill("input[name=option_1]", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=option_2]", (start + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=place]", "Queen Mary Hospital, Block K")
    page.click("#send-request")
    page.wait_for_selector("#meeting[data-status=pending]")
    meeting_url = page.url
    meeting_id = int(meeting_url.rstrip("/").rsplit("/", 1)[1])

    # The exhibitor, on a phone, in Chinese, accepts the second time.
    booth_email = _exhibitor_for(server, company_id)
    phone = chromium.new_context(viewport=PHONE, locale="zh-HK")
    phone.set_default_timeout(10000)
    booth = phone.new_page()
    login(booth, server, booth_email)
    booth.goto(meeting_url)
    buttons = booth.locator("#answer-times button[name=choice]")
    assert "接受" in buttons.nth(1).inner_text()
    assert booth.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    buttons.nth(1).click()
    booth.wait_for_selector("#meeting[data-status=confirmed]")
    assert "已確認" in booth.inner_text("#meeting")
    shot(booth, "meeting-confirmed-phone-zh")

    # Both received an invitation that parses, with one UID and the chosen time.
    mails = _mails(server)
    ours = [_invitation(mails, "ha.staff@forum.example"), _invitation(mails, booth_email)]
    uids = {str(c.walk("VEVENT")[0]["uid"]) for c in ours}
    assert len(uids) == 1 and all(str(c["method"]) == "REQUEST" for c in ours)
    assert ours[0].walk("VEVENT")[0].decoded("dtstart").strftime("%d %H:%M") == \
        (start + timedelta(days=1)).strftime("%d %H:%M")

    # Both agendas show it.
    booth.goto(f"{server.url}/forums/{forum_slug}/my-agenda")
    assert "會面" in booth.inner_text("main")
    page.goto(f"{server.url}/forums/{forum_slug}/my-agenda")
    assert "Meeting: " in page.inner_text("main")
    phone.close()

    # After the meeting the HA user records "propose a pilot"; the partnership team opens the prefilled form.
    _meeting_started(server, meeting_id)
    page.goto(meeting_url)
    page.select_option("select[name=kind]", "pilot")
    page.fill("textarea[name=next_step]", "Pilot in two medical wards")
    page.click("#meeting-outcome-form button[type=submit]")
    page.wait_for_selector("#meeting-outcome")
    page.context.clear_cookies()
    login(page, server, "partnership@forum.example")
    page.goto(server.url + "/pilots/attention")
    page.click(f"#meetings-awaiting-pilot a[href*='/meetings/{meeting_id}/pilot']")
    page.wait_for_selector("select[name=company_id]")
    assert page.input_value("select[name=company_id]") == str(company_id)
    assert page.input_value("select[name=solution_id]") == query["solution"][0]
    assert "from=meeting" in page.url and f"meeting={meeting_id}" in page.url
    shot(page, "meeting-pilot-form")

"""On a phone, in Chinese: a host scans badges at a networking table; the partnership team picks the
company and HA people of a meeting request with the keyboard; a participant answers the six-month
follow-up of a meeting."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.support.browser import login, shot
from tests.browser.test_matchmaking_journey import PHONE, _live_app

pytestmark = pytest.mark.committed
FORUM = "innovation-forum-2026-12"


def _locale(live_server, emails: tuple, locale: str) -> None:
    engine = sa.create_engine(live_server.env["DATABASE_URL"])
    try:
        with engine.begin() as conn:
            for address in emails:
                conn.execute(sa.text('UPDATE "user" SET locale = :l WHERE email = :e'), {"l": locale, "e": address})
    finally:
        engine.dispose()


def _seed_table(live_server) -> tuple[int, str, str]:
    """An hour that started a minute ago; the demo HA user meets a demo exhibitor at table 2 in slot 1.
    Returns (hour id, HA badge code, exhibitor badge code)."""
    from forum.accounts.models import User
    from forum.attendees.models import AttendeeKind
    from forum.attendees.tickets import code_for, issue_ticket
    from forum.db import utcnow
    from forum.extensions import db
    from forum.forums.services import get_forum
    from forum.matchmaking import networking
    from forum.permissions import SystemActor
    from tests.factories import AttendeeFactory

    app = _live_app(live_server)
    with app.test_request_context():
        forum = get_forum(FORUM)
        ha = db.session.scalar(sa.select(User).where(User.email == "ha.staff@forum.example"))
        booth = db.session.scalar(sa.select(User).where(User.email == "exhibitor@forum.example"))
        codes = []
        for user, kind in ((ha, AttendeeKind.ha), (booth, AttendeeKind.exhibitor)):
            attendee = AttendeeFactory(forum=forum, user_id=user.id, kind=kind, name_en=user.name_en,
                                       name_zh=user.name_zh, email=f"badge.{user.id}@table.example")
            codes.append(code_for(issue_ticket(attendee)))
        hour = networking.open_hour(SystemActor(), forum, starts_at=utcnow() - timedelta(minutes=1), slots=3,
                                    tables=4, title="Table scan check")
        networking.lock(SystemActor(), hour, first_id=ha.id, second_id=booth.id, slot=0, table=2)
        db.session.commit()
        out = (hour.id, *codes)
        db.session.remove()
        db.engine.dispose()
    return out


def test_a_host_scans_badges_at_a_networking_table_on_a_phone_in_chinese(live_server, chromium):
    server = live_server
    hour_id, ha_code, booth_code = _seed_table(server)
    _locale(server, ("scanner@forum.example",), "zh_Hant_HK")
    context = chromium.new_context(viewport=PHONE, locale="zh-HK")
    context.set_default_timeout(10000)
    try:
        page = context.new_page()
        login(page, server, "scanner@forum.example")
        page.goto(f"{server.url}/forums/{FORUM}/networking/{hour_id}/scan")
        assert "交流桌" in page.inner_text("h1") or "會面" in page.inner_text("h1")
        page.select_option("#table", "1")
        page.fill("#manual-code", ha_code)
        page.press("#manual-code", "Enter")
        page.wait_for_selector("#result[data-result=wrong_table]")
        assert "2 號桌" in page.inner_text("#result")
        page.select_option("#table", "2")
        page.fill("#manual-code", ha_code)
        page.press("#manual-code", "Enter")
        page.wait_for_selector("#result[data-result=ok]")
        assert "出席已記錄" in page.inner_text("#result-word")
        page.fill("#manual-code", ha_code)
        page.press("#manual-code", "Enter")
        page.wait_for_selector("#result[data-result=already_recorded]")
        page.fill("#manual-code", booth_code)
        page.press("#manual-code", "Enter")
        page.wait_for_selector("#result[data-result=ok]")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shot(page, "networking-table-scan-phone-zh")
    finally:
        context.close()
        _locale(server, ("scanner@forum.example",), "en")
    engine = sa.create_engine(server.env["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            happened = conn.execute(sa.text("SELECT happened_at FROM networking_meeting WHERE hour_id = :h"),
                                    {"h": hour_id}).scalar()
            present = conn.execute(sa.text(
                "SELECT count(*) FROM networking_attendance a JOIN networking_meeting m ON m.id = a.meeting_id "
                "WHERE m.hour_id = :h"), {"h": hour_id}).scalar()
    finally:
        engine.dispose()
    assert happened is not None and present == 2


def test_the_partnership_team_picks_whom_a_meeting_invites_with_the_keyboard(live_server, chromium):
    server = live_server
    _locale(server, ("partnership@forum.example",), "zh_Hant_HK")
    context = chromium.new_context(viewport=PHONE, locale="zh-HK")
    context.set_default_timeout(10000)
    try:
        page = context.new_page()
        login(page, server, "partnership@forum.example")
        page.goto(f"{server.url}/forums/{FORUM}/meetings/new")
        companies = page.locator("#company_id option").all_inner_texts()
        assert len(companies) > 2 and companies[0] == "請選擇公司"
        wanted = companies[1]
        page.fill("#company_search", wanted[:4])
        page.press("#company_search", "Enter")  # the first button of the form: Find
        page.wait_for_selector("#company-picker [role=status]")
        page.focus("#company_id")
        page.select_option("#company_id", label=wanted)
        page.fill("#people_search", "Chan")
        page.press("#people_search", "Enter")
        page.wait_for_load_state()
        first = page.locator("#ha-people input[type=checkbox]").first
        first.focus()
        page.keyboard.press("Space")
        assert first.is_checked()
        start = (datetime.now() + timedelta(days=6)).replace(hour=11, minute=0)
        page.fill("input[name=option_1]", start.strftime("%Y-%m-%dT%H:%M"))
        page.fill("input[name=option_2]", (start + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
        page.fill("input[name=video_url]", "https://meet.example/forum")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shot(page, "meeting-picker-phone-zh")
        page.focus("#send-request")
        page.keyboard.press("Enter")
        page.wait_for_selector("#meeting[data-status=pending]")
        assert wanted in page.inner_text("main")
    finally:
        context.close()
        _locale(server, ("partnership@forum.example",), "en")


def test_a_participant_answers_a_meetings_six_month_follow_up_on_a_phone_in_chinese(live_server, chromium):
    from forum.secret_tokens import hash_token
    from forum.extensions import db
    from forum.matchmaking.models import Meeting, MeetingStatus
    from forum.pilots.models import FollowUp

    server = live_server
    token = "browser-follow-up-token-0001"
    app = _live_app(server)
    with app.app_context():
        meeting = db.session.scalar(sa.select(Meeting).where(Meeting.status == MeetingStatus.confirmed)
                                    .order_by(Meeting.id))
        db.session.add(FollowUp(meeting_id=meeting.id, email="ha.staff@forum.example", name="Dr Raymond Chan",
                                token_hash=hash_token(token), due_on=datetime.now().date()))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    context = chromium.new_context(viewport=PHONE, locale="zh-HK")
    context.set_default_timeout(10000)
    try:
        page = context.new_page()
        page.goto(f"{server.url}/pilots/follow-up/{token}")
        assert "會面" in page.inner_text("main")
        page.check("input[value=pilot_proposed]")
        page.fill("#note", "兩個病房試行")
        page.click("main button[type=submit]")
        page.wait_for_selector("#next-pilot")
        assert "準備試點了嗎" in page.inner_text("#next-pilot")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shot(page, "meeting-follow-up-phone-zh")
    finally:
        context.close()

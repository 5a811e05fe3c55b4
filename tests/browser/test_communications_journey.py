"""An organiser words the invitation in Chinese, previews it on a real attendee, mails themselves a test that
arrives through a real SMTP server, then writes to "registered but not arrived" and reaches exactly them."""
import csv
import io
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from tests.browser.a11y import check_page
from tests.support.browser import serve
from tests.support.browser import free_port, login, shot

FORUM = "innovation-forum-2026-12"
ORGANISER = "organiser@forum.example"


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def wait_for(self, predicate, count=1, seconds=20):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = [m for m in self.messages if predicate(m)]
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"expected {count} message(s), got {len([m for m in self.messages if predicate(m)])}")


@pytest.fixture(scope="module")
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture(scope="module")
def mail_server(tmp_path_factory, smtp):
    controller, _inbox = smtp
    # Mail leaves through the job worker, as in production: the send answers once the job is queued.
    yield from serve(tmp_path_factory, {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(controller.port)}, worker=True)


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_organiser_words_the_invitation_in_chinese_and_announces_to_those_not_arrived(mail_server, smtp, chromium):
    _controller, inbox = smtp
    rows = list(csv.DictReader(io.StringIO(mail_server.flask("attendees", "export", FORUM).lstrip("\ufeff"))))
    registered = [r for r in rows if r["status"] == "registered" and r["ticket_code"]]
    arrived = registered[:2]
    for row in arrived:
        mail_server.flask("checkin", "scan", FORUM, row["ticket_code"])
    expected = {r["email"] for r in registered} - {r["email"] for r in arrived}

    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-HK")
    context.set_default_timeout(10000)
    page = context.new_page()
    login(page, mail_server, ORGANISER)
    page.goto(f"{mail_server.url}/forums/{FORUM}")
    page.click(f"a[href='/forums/{FORUM}/mail/']")
    page.click(f"a[href='/forums/{FORUM}/mail/attendee_invitation']")

    # A placeholder the mail does not know is refused, with the list of the valid ones.
    page.fill("textarea[name=body_zh]", "{name}您好：{password}")
    page.click("button[name=action][value=preview]")
    error = page.inner_text("#body_zh-error")
    assert "{password}" in error and "{respond_link}" in error

    words = "{name}您好：\n\n誠邀您蒞臨{forum_title}，分享智慧醫院的最新方案。\n\n請按此回覆：{respond_link}"
    page.fill("textarea[name=body_zh]", words)
    person = page.locator("select[name=person] option:checked").inner_text()
    person_email = person.rsplit("<", 1)[1].rstrip(">")
    name_zh = next(r["name_zh"] for r in rows if r["email"] == person_email)
    page.click("button[name=action][value=preview]")
    preview = page.inner_text("#preview-text")
    assert f"{name_zh}您好" in preview and "分享智慧醫院的最新方案" in preview
    shot(page, "communications-template-preview")
    check_page(page)

    page.click("button[name=action][value=test]")
    [test_mail] = inbox.wait_for(lambda m: m["To"] == ORGANISER, seconds=60)  # through the worker
    assert test_mail["Subject"].startswith("[TEST]")
    assert f"{name_zh}您好" in _text(test_mail) and "分享智慧醫院的最新方案" in _text(test_mail)

    page.click("button[name=action][value=save]")
    assert page.locator(".flash-success").count() == 1

    page.goto(f"{mail_server.url}/forums/{FORUM}/announcements/new")
    page.select_option("select[name=group]", "registered_not_arrived")
    page.fill("input[name=subject_en]", "Shuttle bus from Admiralty")
    page.fill("input[name=subject_zh]", "金鐘穿梭巴士")
    page.fill("textarea[name=body_en]", "Dear {name}, a shuttle leaves Admiralty every 15 minutes.")
    page.fill("textarea[name=body_zh]", "{name}您好：穿梭巴士每十五分鐘由金鐘開出。")
    page.click("button[name=action][value=count]")
    assert str(len(expected)) in page.inner_text("#recipient-count")
    check_page(page)
    page.click("button[name=action][value=send]")
    # The request only queues the job; the announcement's page shows its progress and delivery counts.
    page.wait_for_url(f"**/forums/{FORUM}/announcements/*")
    assert str(len(expected)) in page.inner_text(".flash-success")
    shot(page, "communications-announcement-sent")
    check_page(page)

    # The worker sends one mail per recipient: a deadline for all of them, however busy the machine.
    announced = inbox.wait_for(lambda m: "金鐘穿梭巴士" in m["Subject"], count=len(expected), seconds=180)
    assert {m["To"] for m in announced} == expected
    assert all("/unsubscribe/" in _text(m) for m in announced)
    # Each delivery is counted once the SMTP server has taken it; the page refreshes itself while the
    # announcement is being sent, so the organiser watches the count reach everyone.
    expect(page.locator("#count-sent")).to_have_text(str(len(expected)), timeout=60_000)
    page.goto(f"{mail_server.url}/forums/{FORUM}/mail/")
    assert str(len(expected)) in page.inner_text("#announcements")
    context.close()

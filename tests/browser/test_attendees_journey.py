"""An invited HA executive: from the invitation email's link to registration to "My ticket" with the QR."""
import email
import re
from email import policy
from pathlib import Path

from tests.support.browser import login, shot
from tests.support.documents import decode_qr

FORUM = "innovation-forum-2026-12"


def _mail_to(live_server, address):
    outbox = Path(live_server.env["FORUM_INSTANCE_PATH"]) / "outbox"
    for path in sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns, reverse=True):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == address:
            return message
    raise AssertionError(f"no mail to {address}")


def test_invited_person_registers_from_the_email_link_and_shows_the_qr(live_server, page, tmp_path):
    address = "lam.wingyee@ha.example.org.hk"
    sheet = tmp_path / "invitees.csv"
    sheet.write_text("Email,Name (English),Name (Chinese),Rank,Hospital,Cluster\n"
                     f"{address},LAM Wing Yee,林詠儀,Nurse Consultant,Prince of Wales Hospital,NTE\n", encoding="utf-8")
    assert "1 new" in live_server.flask("attendees", "import", FORUM, str(sheet))
    assert "sent 1" in live_server.flask("attendees", "invite", FORUM, "--email", address)

    invitation = _mail_to(live_server, address)
    body = invitation.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"(http://127\.0\.0\.1:\d+/rsvp/[\w-]+)", body).group(1)

    page.goto(link)
    assert "LAM Wing Yee" in page.inner_text("main")
    assert not page.is_checked("input[name=share_contact]")  # PDPO: no unless they say yes
    page.check("input[name=themes][value=clinical_workflow]")
    page.check("input[name=themes][value=infection_control]")
    page.fill("textarea[name=dietary_needs]", "Vegetarian")
    shot(page, "attendee-register")
    page.click("button[name=answer][value=register]")
    page.wait_for_url("**/ticket")

    assert page.locator(".ticket-qr svg").is_visible()
    code = page.locator(".ticket-code").get_attribute("data-code")
    assert code.startswith("HKF2") and len(code) == 36
    png = page.locator(".ticket-qr").screenshot()
    assert decode_qr(png) == [code]
    shot(page, "attendee-my-ticket")

    # The same code is what the export says, and what the ticket mail's QR image holds.
    export = live_server.flask("attendees", "export", FORUM)
    assert f"{address}," in export and code in export
    ticket_mail = _mail_to(live_server, address)
    attached = {p.get_filename(): p.get_content() for p in ticket_mail.iter_attachments()}
    assert decode_qr(attached["ticket-qr.png"]) == [code]


def test_demo_ha_staff_sees_my_ticket_on_a_phone(live_server, chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    login(page, live_server, "ha.staff@forum.example")
    page.goto(live_server.url + "/my-ticket")
    code = page.locator(".ticket-code").get_attribute("data-code")
    box = page.locator(".ticket-qr").bounding_box()
    assert 300 < box["width"] <= 390  # fills the phone's width, no more
    assert decode_qr(page.locator(".ticket-qr").screenshot()) == [code]
    shot(page, "attendee-my-ticket-phone")
    context.close()


def test_organiser_imports_a_list_with_a_preview_then_finds_people(live_server, page, tmp_path):
    sheet = tmp_path / "list.csv"
    sheet.write_text("\ufeff電郵,英文姓名,中文姓名,職位,醫院\n"
                     "au.kaho@ha.example.org.hk,AU Ka Ho,區家豪,Senior Manager,QEH\n"
                     "nobody@ha.example.org.hk,NO Site,無醫院,Manager,Atlantis\n", encoding="utf-8")
    login(page, live_server, "organiser@forum.example")
    page.click("nav a:has-text('Attendees')")
    page.click("text=Import a list")
    page.set_input_files("input[name=file]", str(sheet))
    page.click("button:has-text('Check the file')")
    preview = page.locator("#preview").inner_text()
    assert "1 to create" in preview and "Line 3" in preview and "Atlantis" in preview
    shot(page, "attendees-import-preview")
    page.check("input[name=only_valid]")
    page.click("#preview button:has-text('Import')")
    assert "1 new" in page.locator(".flash").first.inner_text()
    page.fill("input[name=q]", "區家豪")
    page.click("button:has-text('Filter')")
    rows = page.locator("table.table tbody tr")
    assert rows.count() == 1 and "AU Ka Ho" in rows.first.inner_text()
    shot(page, "attendees-list")


def test_invitation_page_in_chinese_and_decline(live_server, page, tmp_path):
    address = "so.yeeman@ha.example.org.hk"
    sheet = tmp_path / "invitees.csv"
    sheet.write_text(f"電郵,英文姓名,中文姓名,醫院\n{address},SO Yee Man,蘇綺雯,威爾斯親王醫院\n", encoding="utf-8")
    live_server.flask("attendees", "import", FORUM, str(sheet))
    live_server.flask("attendees", "invite", FORUM, "--email", address)
    body = _mail_to(live_server, address).get_body(preferencelist=("plain",)).get_content()
    page.goto(re.search(r"(http://127\.0\.0\.1:\d+/rsvp/[\w-]+)", body).group(1))
    page.click("button[name=locale][value=zh_Hant_HK]")
    assert page.locator("button[name=answer][value=register]").inner_text().strip() == "會，我會出席"
    assert "《個人資料（私隱）條例》" in page.inner_text("main")
    shot(page, "attendee-register-zh")
    page.click("button[name=answer][value=decline]")
    assert "已儲存您的回覆" in page.inner_text("main")
    assert "您已婉拒此邀請" in page.inner_text("main")

"""A new park company signs up, adds two solutions and applies with a demo request; an organiser approves it
and gives it a booth; the company downloads its booth poster; an HA user finds it in the directory.
Once in English and once in Chinese."""
import io
import re

import pytest
from PIL import Image

from tests.support.browser import login, shot
from tests.support.documents import decode_qr, pdf_pages_png, pdf_text

FORUM = "innovation-forum-2026-12"
PASSWORD = "journey-password-1"
TEXT = {
    "en": {"submitted": "Submitted", "approved": "Approved", "lang": None},
    "zh": {"submitted": "已提交", "approved": "已批准", "lang": "zh_Hant_HK"},
}


def _logo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 120), "#7c3aed").save(out, format="PNG")
    return out.getvalue()


def _chinese(page, lang):
    if lang:
        if not page.locator(f"button[name=locale][value={lang}]").is_visible():
            page.click("button.nav-toggle")  # the phone menu
        page.click(f"button[name=locale][value={lang}]")
        page.wait_for_load_state()


def _submit(page, selector="main form button[type=submit]"):
    page.click(selector)
    page.wait_for_load_state()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_company_journey_from_sign_up_to_the_directory(live_server, page, chromium, lang):
    t = TEXT[lang]
    name_en, name_zh = f"Journey Health {lang.upper()} Limited", f"旅程健康{'英文' if lang == 'en' else '中文'}有限公司"
    shown = name_en if lang == "en" else name_zh
    email = f"journey-{lang}@company.example"
    organiser, ha_user = f"journey-org-{lang}@forum.example", f"journey-ha-{lang}@forum.example"
    live_server.flask("users", "create", organiser, "--role", "organiser", "--name", "Journey Organiser",
                      input=PASSWORD + "\n")
    live_server.flask("users", "create", ha_user, "--role", "ha_staff", "--name", "Journey Doctor",
                      input=PASSWORD + "\n")

    # 1. The company signs up.
    page.goto(live_server.url + "/exhibitors/signup")
    _chinese(page, t["lang"])
    page.fill("input[name=name_en]", name_en)
    page.fill("input[name=name_zh]", name_zh)
    page.fill("input[name=programme_ref]", "INC-2026-0042")
    page.select_option("select[name=sector]", "digital_health")
    page.fill("textarea[name=description_zh]", "為病房提供數碼健康方案。")
    page.set_input_files("input[name=logo]", files=[{"name": "logo.png", "mimeType": "image/png",
                                                      "buffer": _logo()}])
    page.fill("input[name=contact_name]", "Journey Admin")
    page.fill("input[name=contact_email]", email)
    page.fill("input[name=password]", PASSWORD)
    _submit(page)
    # Nothing opens until the address is confirmed through the mailed link.
    assert page.url.endswith("/login")
    from tests.browser.test_attendees_journey import _mail_to

    body = _mail_to(live_server, email).get_body(preferencelist=("plain",)).get_content()
    page.goto(re.search(r"http://\S+/verify/\S+", body).group(0))
    page.wait_for_load_state()
    assert page.url.endswith("/exhibitors/company")
    assert shown in page.locator("h1").inner_text()
    assert page.locator("img.logo").count() == 1

    # 2. Two solutions.
    for n, (title_en, title_zh) in enumerate([("Bedside triage tablet", "床邊分流平板"),
                                              ("Ward noise monitor", "病房噪音監測器")]):
        page.goto(live_server.url + "/exhibitors/solutions/new")
        page.fill("input[name=title_en]", f"{title_en} {lang}")
        page.fill("input[name=title_zh]", f"{title_zh}{lang}")
        page.fill("textarea[name=summary_zh]", "協助護士更快分流病人。")
        page.locator("input[name=theme_ids]").nth(n).check()
        page.select_option("select[name=trl]", "7")
        _submit(page)
        assert page.url.endswith("/exhibitors/company")
    assert page.locator("ul.solutions li").count() == 2
    shot(page, f"exhibitor-company-{lang}")

    # 3. Apply with a stage demo request.
    page.goto(live_server.url + f"/exhibitors/forums/{FORUM}/apply")
    for box in page.locator("input[name=solution_ids]").all():
        box.check()
    page.fill("input[name='staff-0-name_en']", "Journey Admin")
    page.fill("input[name='staff-0-name_zh']", "旅程管理員")
    page.check("input[name=demo_requested]")
    page.select_option("select[name=demo_solution_id]", index=1)
    page.fill("input[name=demo_presenter]", "Journey Admin")
    page.fill("input[name=demo_windows]", "09:30-10:30, 11:00-12:00")
    _submit(page, "button[name=action][value=submit]")
    assert page.locator("#application-status").inner_text() == t["submitted"]
    application_url = page.url
    shot(page, f"exhibitor-application-{lang}")

    # 4. An organiser approves it and assigns a booth.
    staff = chromium.new_context(viewport={"width": 1280, "height": 860})
    staff.set_default_timeout(10000)
    org_page = staff.new_page()
    login(org_page, live_server, organiser, PASSWORD)
    _chinese(org_page, t["lang"])
    org_page.goto(live_server.url + f"/exhibitors/forums/{FORUM}/review?status=submitted")
    org_page.check(f"tr[data-company='{name_en}'] input[name=ids]")
    org_page.select_option("#bulk select[name=decision]", "approve")
    _submit(org_page, "#bulk button[type=submit]")
    assert org_page.locator(".flash-success").count() == 1 and org_page.locator(".flash-error").count() == 0
    org_page.goto(live_server.url + f"/exhibitors/forums/{FORUM}/review?status=approved")
    assert t["approved"] in org_page.locator(f"tr[data-company='{name_en}']").inner_text()
    org_page.goto(live_server.url + f"/exhibitors/forums/{FORUM}/booths")
    code = org_page.locator(".booth-grid .booth:not(.taken) strong").first.inner_text()
    org_page.fill(f"tr:has-text('{shown}') input", code)
    _submit(org_page, "main form.card button[type=submit]")
    assert org_page.locator(f".booth-grid .booth.taken:has-text('{code}')").count() == 1
    shot(org_page, f"organiser-booths-{lang}")
    staff.close()

    # 5. The company downloads its booth poster; the QR opens the booth page.
    page.goto(application_url)
    assert page.locator("#application-status").inner_text() == t["approved"]
    assert page.locator("#booth-code").inner_text() == code
    with page.expect_download() as info:
        page.click("a[href$='poster.pdf']")
    pdf = open(info.value.path(), "rb").read()
    assert code in pdf_text(pdf) and name_zh in pdf_text(pdf)
    qr = decode_qr(pdf_pages_png(pdf, dpi=110)[0])
    assert qr == [f"{live_server.url}/exhibitors/forums/{FORUM}/booths/{code}"]

    # 6. An HA user finds it in the directory, by a word in their language, on a phone.
    phone = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone.set_default_timeout(10000)
    ha = phone.new_page()
    login(ha, live_server, ha_user, PASSWORD)
    _chinese(ha, t["lang"])
    ha.goto(live_server.url + "/exhibitors/directory")
    ha.fill("input[name=q]", "床邊分流平板zh" if lang == "zh" else f"bedside triage tablet {lang}")
    _submit(ha, "form.filters button[type=submit]")
    cards = ha.locator(".exhibitor-card")
    assert cards.count() == 1 and shown in cards.first.inner_text()
    assert ha.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # no sideways scroll
    shot(ha, f"ha-directory-phone-{lang}")
    ha.goto(qr[0])
    assert shown in ha.locator("h1").inner_text() and code in ha.locator("#booth-code").inner_text()
    phone.close()

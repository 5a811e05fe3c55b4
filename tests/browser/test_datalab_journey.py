"""The data lab from application to released output, in Chromium against an in-process server.

The app has no test clock: the journey books the first five open days after the real today, so the
lab's scanner refuses the pass today ("the day before"). For day one the test moves both clocks the door
reads: the browser's (Playwright's clock, so the scanner stamps the scan with day one's time) and the
server's as the lab door module reads it (this process serves the app in a thread), then scans again at
the same scanner; the browser then finds both in the audit trail.
"""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from werkzeug.serving import make_server

from forum.datalab import door, lab
from forum.datalab.applications import today_hk
from forum.extensions import db
from tests.support.browser import shot
from tests.support.databases import make_test_app
from tests.factories import PASSWORD, CompanyFactory, UserFactory
from tests.support.documents import decode_qr

pytestmark = pytest.mark.committed


def day_label(day) -> str:
    return day.strftime("%-d %b")


@pytest.fixture
def lab_server(app, committed, database_url, tmp_path):
    """The app on a free port in a thread, seeded with the lab's people."""
    server_app = make_test_app(database_url, tmp_path, WTF_CSRF_ENABLED=True, BASE_URL="http://127.0.0.1")
    people = {}
    with server_app.app_context():
        from forum.cli import SystemActor

        company = CompanyFactory(name_en="Journey Analytics Limited")
        people["applicant"] = UserFactory(role="exhibitor", company_id=company.id, name_en="Ada Applicant")
        people["colleague"] = UserFactory(role="exhibitor", company_id=company.id, name_en="Colin Colleague")
        for key, name in (("staff", "Sam Staff"), ("staff2", "Tess Staff"), ("ethics", "Eve Ethics"),
                          ("governance", "Gus Governance")):
            people[key] = UserFactory(role="ha_staff", name_en=name)
        system = SystemActor()
        lab.add_staff(system, people["staff"])
        lab.add_staff(system, people["staff2"])
        lab.add_workstation(people["staff"], "WS01")
        lab.add_workstation(people["staff"], "WS02")
        ethics, governance = lab.committees()
        lab.add_committee_member(system, ethics, people["ethics"], chair=True)
        lab.add_committee_member(system, governance, people["governance"], chair=True)
        emails = {k: u.email for k, u in people.items()}
        today = today_hk()
        days = lab.open_days(today + timedelta(days=1), today + timedelta(days=40))[:5]
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, server_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", emails, server_app, today, days
    server.shutdown()
    thread.join(timeout=10)
    with server_app.app_context():
        db.session.remove()
        db.engine.dispose()


def sign_in(page, url, email):
    page.context.clear_cookies()
    page.goto(url + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]:not(.link)")
    page.wait_for_load_state()


def open_review(page, url):
    page.goto(url + "/datalab/staff/reviews")
    page.click("#reviews a")
    page.wait_for_selector("#decision-form")


def test_from_application_to_released_output(lab_server, page, monkeypatch):
    url, who, server_app, today, days = lab_server
    # 1. The park company applies.
    sign_in(page, url, who["applicant"])
    page.goto(url + "/datalab/applications/new")
    page.fill("input[name=title]", "Falls after discharge")
    page.fill("textarea[name=lay_summary]", "Which older patients fall at home after leaving hospital.")
    page.fill("textarea[name=purpose]", "Train a risk model.")
    for domain in ("demographics", "attendances", "diagnoses"):
        page.check(f"input[name=data_domains][value={domain}]")
    page.select_option("select[name=ethics_status]", "approved")
    page.fill("input[name=ethics_reference]", "HKSTP-CREC-2026-014")
    page.click("form.card button[type=submit]")
    page.fill("input[name=email]", who["colleague"])
    page.click("form.row button[type=submit] >> text=Add")
    page.click("#submit-application")
    assert page.get_attribute("#application-status", "data-status") == "under_review"
    application_url = page.url

    # 2. The ethics committee asks for a change; governance approves revision 1.
    sign_in(page, url, who["ethics"])
    open_review(page, url)
    page.select_option("select[name=decision]", "request_changes")
    page.select_option("select[name=section]", "purpose")
    page.fill("textarea[name=comments]", "Say how consent is handled.")
    page.click("#decision-form button[type=submit]")
    sign_in(page, url, who["governance"])
    open_review(page, url)
    page.select_option("select[name=decision]", "approve")
    page.click("#decision-form button[type=submit]")

    # 3. The company answers with a new revision.
    sign_in(page, url, who["applicant"])
    page.goto(application_url)
    assert page.get_attribute("#application-status", "data-status") == "changes_requested"
    assert "Say how consent is handled." in page.inner_text("#change-notes")
    page.click("text=Change application")
    page.fill("textarea[name=purpose]", "Train a risk model; consent waived by the ethics committee.")
    page.click("form.card button[type=submit]")
    page.click("#submit-application")
    assert page.get_attribute("#application-status", "data-status") == "under_review"

    # 4. Both committees approve revision 2; the differences are shown to them.
    for member in ("ethics", "governance"):
        sign_in(page, url, who[member])
        open_review(page, url)
        assert "consent waived" in page.inner_text("#differences")
        page.select_option("select[name=decision]", "approve")
        page.click("#decision-form button[type=submit]")

    # 5. Every member accepts the undertaking; booking opens.
    for member in ("colleague", "applicant"):
        sign_in(page, url, who[member])
        page.goto(application_url)
        assert page.get_attribute("#application-status", "data-status") == "approved"
        page.click("#accept-undertaking")

    # 6. Five sessions booked; the days left are always shown.
    page.click("#book-link")
    assert "5 of 5 session-days left" in page.inner_text("#days-left")
    for n, day in enumerate(days):
        page.select_option("select[name=member]", label="Colin Colleague")
        page.select_option("select[name=workstation]", label="WS01")
        page.fill("input[name=day]", day.isoformat())
        page.select_option("select[name=session]", "am")
        page.click("#booking-form button[type=submit]")
        assert f"{4 - n} of 5 session-days left" in page.inner_text("#days-left")
    assert page.locator("#bookings li").count() == 5
    shot(page, "datalab-booked")

    # 7. The member's pass: refused the day before, admitted on day one.
    sign_in(page, url, who["colleague"])
    page.goto(application_url)
    page.click("#pass-link")
    png = page.context.request.get(url + page.get_attribute("#pass-qr", "src")).body()
    [code] = decode_qr(png)
    sign_in(page, url, who["staff"])
    page.goto(url + "/datalab/staff/door")
    page.click("#open-door-point")  # lab staff set up the lab's check-in point (kind "data lab") once
    assert "/checkin/points/" in page.url  # the forum door's scanner, at the lab's point
    page.goto(url + "/datalab/staff/door")  # from now on the lab door's address leads straight to it
    assert "/checkin/points/" in page.url and page.locator("#direction").count() == 1
    page.fill("#manual-code", code)
    page.click("#manual button[type=submit]")
    page.wait_for_selector("#result[data-result=refused]")
    refusal = f"Booked from {day_label(days[0])}; today is {day_label(today)}."
    assert refusal in page.inner_text("#result-note")
    assert "Colin Colleague" in page.inner_text("#result-name")
    shot(page, "datalab-door-refused")
    # The network drops: the scan waits on this device and is judged when it comes back.
    page.context.set_offline(True)
    page.fill("#manual-code", code)
    page.click("#manual button[type=submit]")
    page.wait_for_selector("#result[data-result=queued]")
    assert page.get_attribute("#queue", "data-count") == "1"
    shot(page, "datalab-door-offline")
    page.context.set_offline(False)
    page.wait_for_selector("#queue[data-count='0']", state="attached", timeout=15000)
    assert page.locator("#log li[data-result=refused]").count() == 2
    page.wait_for_timeout(3500)  # later send rounds add nothing: the queued scan was recorded once
    with server_app.app_context():
        from forum.datalab.models import DoorScan

        assert db.session.scalar(db.select(db.func.count()).select_from(DoorScan)) == 2
        db.session.remove()
    # Day one, five minutes before the morning session: the same scanner lets the member in, then out.
    arrival = lab.session_start(days[0], "am") - timedelta(minutes=5)
    for moment, direction, result in ((arrival, "in", "ok"), (arrival + timedelta(hours=3), "out", "left")):
        monkeypatch.setattr(door, "utcnow", lambda moment=moment: moment)
        page.clock.set_fixed_time(moment)
        page.select_option("#direction", direction)
        page.fill("#manual-code", code)
        page.click("#manual button[type=submit]")
        page.wait_for_selector(f"#result[data-result={result}]")
        assert "Colin Colleague" in page.inner_text("#result-name")
    shot(page, "datalab-door-left")
    monkeypatch.undo()
    with server_app.app_context():
        from forum.datalab.models import Booking

        booking = db.session.scalar(db.select(Booking).where(Booking.entered_at.is_not(None)))
        assert booking.day == days[0] and booking.workstation.code == "WS01" and booking.left_at is not None
        db.session.remove()

    # 8. An output request is released after two reviews and downloaded by the company.
    sign_in(page, url, who["applicant"])
    page.goto(application_url)
    page.click("text=Request an output release")
    page.fill("textarea[name=description]", "Falls by age band")
    page.set_input_files("input[name=files]", files=[{"name": "falls.csv", "mimeType": "text/csv",
                                                      "buffer": b"age band,falls\n65-74,212\n75+,388\n"}])
    page.click("form.card button[type=submit]")
    for reviewer in ("staff", "staff2"):
        sign_in(page, url, who[reviewer])
        page.goto(url + "/datalab/staff/queue")
        page.click("#output-queue a")
        assert "No small cells" in page.inner_text("#output-files")
        page.select_option("select[name=verdict]", "release")
        page.click("form.card button[type=submit]")
    sign_in(page, url, who["applicant"])
    page.goto(application_url)
    assert page.get_attribute("#outputs [data-status]", "data-status") == "released"
    with page.expect_download() as download:
        page.click("#outputs a")
    assert download.value.suggested_filename == "falls.csv"

    # 9. The audit trail shows every step with its actor.
    sign_in(page, url, who["staff"])
    application_id = application_url.rstrip("/").rsplit("/", 1)[1]
    page.goto(f"{url}/datalab/staff/audit?application={application_id}")
    text = page.inner_text("#audit")
    for line in ("Ada Applicant started the application", "Ada Applicant named Colin Colleague on the team",
                 "Ada Applicant submitted the application to both committees",
                 "Eve Ethics recorded the decision of the HKSTP Clinical Research Ethics Committee: Request changes",
                 "Ada Applicant sent revision 2 back to the committees",
                 "Gus Governance recorded the decision of the Data Governance Committee: Approve",
                 "Colin Colleague accepted the data-use undertaking",
                 "Ada Applicant booked WS01 for Colin Colleague",
                 f"Sam Staff refused entry at the lab door: {refusal}",
                 "Sam Staff let Colin Colleague in at the lab door (WS01)",
                 "Sam Staff scanned Colin Colleague out of the lab",
                 "Ada Applicant asked to release falls.csv",
                 "Tess Staff reviewed output request", ": Release.", "is released"):
        assert line in text, line
    shot(page, "datalab-audit")

    # The applicant's status page on a phone, in Chinese.
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, url, who["applicant"])
    page.goto(application_url)
    page.request.post(url + "/language", form={"locale": "zh_Hant_HK", "next": "/",
                                                 "csrf_token": page.get_attribute("meta[name=csrf-token]", "content")})
    page.goto(application_url)
    assert "已批准" in page.inner_text("#application-status")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "datalab-status-phone-zh")


def test_an_academic_is_invited_signs_up_and_applies_on_a_phone_in_chinese(lab_server, chromium):
    """Lab staff invite a university researcher; the researcher opens the link, sets a password and
    applies for their university, all at 375 px in Chinese."""
    url, who, server_app, _today, _days = lab_server
    context = chromium.new_context(viewport={"width": 375, "height": 800}, locale="zh-HK")
    context.set_default_timeout(10000)
    page = context.new_page()

    def fits():
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, page.url

    sign_in(page, url, who["staff"])
    page.goto(url + "/datalab/staff/partners")
    assert "合作夥伴及研究人員" in page.inner_text("h1")
    page.fill("input[name=email]", "lee@uni.example")
    page.fill("input[name=name_zh]", "李嘉欣")
    page.fill("input[name=organisation_en]", "Harbour University")
    page.fill("input[name=organisation_zh]", "海港大學")
    page.select_option("select[name=kind]", "academic")
    page.click("#invite-partner button[type=submit]")
    link = page.inner_text("#invitation-link")  # as mailed; the server's BASE_URL has no port, so keep the path
    link = url + link[link.index("/invitation/"):]
    assert "lee@uni.example" in page.inner_text("#invited")
    fits()
    shot(page, "datalab-partners-phone-zh")

    page.context.clear_cookies()
    page.goto(link)
    assert "數據實驗室合作夥伴或研究人員" in page.inner_text("main")
    page.fill("input[name=password]", "harbour-university-42")
    page.fill("input[name=confirm]", "harbour-university-42")
    fits()
    page.click("main form button.primary[type=submit]")
    page.wait_for_load_state()

    page.goto(url + "/datalab/")
    page.click("a.button.primary[href$='/datalab/applications/new']")
    page.fill("input[name=title]", "港口城市的跌倒風險")
    page.fill("textarea[name=lay_summary]", "哪些長者出院後在家跌倒。")
    page.click("form.card button[type=submit]")
    assert page.get_attribute("#application-status", "data-status") == "draft"
    assert "海港大學" in page.inner_text("#application-facts")
    fits()
    shot(page, "datalab-researcher-application-phone-zh")
    context.close()

"""The organisers' review: decisions, capacity, waitlist, mail, demo scoring, booths, documents, exports, API."""
import csv
import io

import pytest

from forum.errors import Conflict, ValidationError
from forum.exhibitors import applications, review, themes
from forum.exhibitors.models import ApplicationStaff, ApplicationStatus
from forum.extensions import db
from tests.factories import ApplicationFactory, CompanyFactory, SolutionFactory, ThemeFactory, UserFactory
from tests.support.documents import decode_qr, pdf_pages_png, pdf_text


@pytest.fixture
def organiser():
    return UserFactory(role="organiser")


def _submitted(forum, n, **fields):
    return [ApplicationFactory(forum=forum, company=CompanyFactory(contact_email=f"c{i}@co.example"), **fields)
            for i in range(n)]


def test_approving_past_capacity_is_refused_with_a_clear_message(open_forum, organiser):
    apps = _submitted(open_forum, 4)
    for application in apps[:3]:
        review.decide(organiser, application, "approve")
    with pytest.raises(Conflict) as caught:
        review.decide(organiser, apps[3], "approve")
    assert "All 3 booths are taken" in caught.value.message and apps[3].company.name_en in caught.value.message
    assert apps[3].status == ApplicationStatus.submitted


def test_rejecting_needs_a_reason_and_a_draft_cannot_be_decided(open_forum, organiser):
    application, = _submitted(open_forum, 1)
    with pytest.raises(ValidationError):
        review.decide(organiser, application, "reject", "")
    draft = ApplicationFactory(forum=open_forum, status=ApplicationStatus.draft)
    with pytest.raises(ValidationError):
        review.decide(organiser, draft, "approve")


def test_waitlisted_company_moves_up_when_a_booth_frees(open_forum, organiser, outbox):
    apps = _submitted(open_forum, 5)
    for application in apps[:3]:
        review.decide(organiser, application, "approve")
    review.decide(organiser, apps[3], "waitlist")
    review.decide(organiser, apps[4], "waitlist")
    db.session.commit()
    seen = len(outbox())
    review.decide(organiser, apps[0], "reject", "Withdrew: no staff available")
    db.session.commit()
    assert apps[3].status == ApplicationStatus.approved  # first on the waiting list
    assert apps[4].status == ApplicationStatus.waitlisted
    mails = {m["To"]: m for m in outbox()[seen:]}
    assert set(mails) == {apps[0].company.contact_email, apps[3].company.contact_email}
    approved_mail = mails[apps[3].company.contact_email].get_body(("plain",)).get_content()
    assert "is approved" in approved_mail and "已獲批准" in approved_mail  # English then Chinese
    rejected_mail = mails[apps[0].company.contact_email].get_body(("plain",)).get_content()
    assert "Withdrew: no staff available" in rejected_mail and "未獲接納" in rejected_mail


def test_bulk_approval_reports_the_ones_past_capacity(client, open_forum, login_as):
    apps = _submitted(open_forum, 5)
    login_as("organiser")
    response = client.post(f"/exhibitors/forums/{open_forum.slug}/review/decide",
                           data={"ids": [str(a.id) for a in apps], "decision": "approve", "reason": ""})
    assert response.status_code == 302
    statuses = [db.session.get(type(a), a.id).status for a in apps]
    assert statuses.count(ApplicationStatus.approved) == 3
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 application(s) updated" in page and page.count("All 3 booths are taken") == 2
    assert "3 of 3 booths approved" in page


def test_review_filters(client, open_forum, login_as):
    theme = ThemeFactory()
    with_theme = ApplicationFactory(forum=open_forum, demo_requested=True)
    solution = SolutionFactory(company=with_theme.company, themes=[theme])
    with_theme.solutions = [solution]
    other = ApplicationFactory(forum=open_forum, company=CompanyFactory(sector="materials"))
    login_as("organiser")
    url = f"/exhibitors/forums/{open_forum.slug}/review"

    def companies(**params):
        html = client.get(url, query_string=params).get_data(as_text=True)
        return {a.company.name_en for a in (with_theme, other) if f'data-company="{a.company.name_en}"' in html}

    assert companies() == {with_theme.company.name_en, other.company.name_en}
    assert companies(theme=theme.key) == {with_theme.company.name_en}
    assert companies(demo="yes") == {with_theme.company.name_en}
    assert companies(sector="materials") == {other.company.name_en}
    assert companies(status="approved") == set()


def test_demo_scoring_and_selection_up_to_the_slot_count(open_forum, organiser):
    apps = _submitted(open_forum, 3, demo_requested=True)
    for application in apps:
        review.decide(organiser, application, "approve")
    review.score_demo(organiser, apps[0], 4, "Good fit")
    colleague = UserFactory(role="organiser")
    review.score_demo(colleague, apps[0], 5)
    review.score_demo(organiser, apps[0], 2, "changed my mind")  # one score per reviewer, updated
    db.session.refresh(apps[0])
    assert apps[0].demo_score == 3.5
    with pytest.raises(ValidationError):
        review.score_demo(organiser, apps[1], 6)
    review.select_demo(organiser, apps[0], True)
    review.select_demo(organiser, apps[1], True)
    with pytest.raises(Conflict) as caught:
        review.select_demo(organiser, apps[2], True)
    assert "All 2 stage demo slots are taken" in caught.value.message


def test_booth_codes_are_unique_and_only_for_approved(open_forum, organiser):
    a, b, c = _submitted(open_forum, 3)
    review.decide(organiser, a, "approve")
    review.decide(organiser, b, "approve")
    assert review.booth_codes(open_forum) == ["A01", "A02", "A03"]
    review.assign_booth(organiser, a, "a01")
    assert a.booth_code == "A01"
    with pytest.raises(Conflict):
        review.assign_booth(organiser, b, "A01")
    with pytest.raises(ValidationError):
        review.assign_booth(organiser, b, "Z-1")
    with pytest.raises(ValidationError):
        review.assign_booth(organiser, c, "A03")


def test_booth_page_swaps_codes_in_one_save(client, open_forum, login_as):
    organiser = login_as("organiser")
    a, b = _submitted(open_forum, 2)
    for application, code in ((a, "A01"), (b, "A02")):
        review.decide(organiser, application, "approve")
        review.assign_booth(organiser, application, code)
    db.session.commit()
    client.post(f"/exhibitors/forums/{open_forum.slug}/booths", data={f"booth-{a.id}": "A02", f"booth-{b.id}": "A01"})
    db.session.refresh(a)
    db.session.refresh(b)
    assert (a.booth_code, b.booth_code) == ("A02", "A01")


def test_booth_poster_qr_holds_the_booth_url_and_nothing_personal(client, open_forum, make_company, app):
    company, admin = make_company(name_en="Poster Test Limited", name_zh="海報測試有限公司")
    application = ApplicationFactory(forum=open_forum, company=company, status=ApplicationStatus.approved,
                                     booth_code="A07")
    application.staff = [ApplicationStaff(name_en="Secret Person", email="secret@person.example")]
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = admin.get_id()
    response = client.get(f"/exhibitors/applications/{application.id}/poster.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="booth-A07.pdf"'
    texts = decode_qr(pdf_pages_png(response.data, dpi=110)[0])
    assert texts == [f"http://forum.test/exhibitors/forums/{open_forum.slug}/booths/A07"]
    assert "secret" not in texts[0].lower()
    text = pdf_text(response.data)
    assert "A07" in text and "海報測試有限公司" in text
    # The URL in the QR opens the exhibitor's page for a signed-in HA user.
    client.post("/logout")
    ha = UserFactory(role="ha_staff")
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = ha.get_id()
    page = client.get(texts[0].replace("http://forum.test", "")).get_data(as_text=True)
    assert "Poster Test Limited" in page and "A07" in page


def _catalogue_text(client, forum) -> str:
    """The directory's button queues the catalogue job (run at once in tests); its page links the file."""
    response = client.post(f"/exhibitors/forums/{forum.slug}/catalogue")
    assert response.status_code == 302 and "/jobs/" in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert f"{forum.slug}-catalogue.pdf" in page
    pdf = client.get(response.location + "/result")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    return pdf_text(pdf.data)


def test_catalogue_pdf_has_a_cover_and_chinese_text(client, open_forum, login_as):
    company = CompanyFactory(name_en="Catalogue Robotics Limited", name_zh="目錄機械人有限公司")
    application = ApplicationFactory(forum=open_forum, company=company, status=ApplicationStatus.approved,
                                     booth_code="B02")
    application.solutions = [SolutionFactory(company=company, title_en="Ward robot", title_zh="病房機械人")]
    login_as("ha_staff")
    text = _catalogue_text(client, open_forum)
    assert "參展商名錄" in text and "目錄機械人有限公司" in text and "病房機械人" in text and "B02" in text
    assert "Catalogue Robotics Limited" in text


def test_catalogue_prints_each_solutions_details_in_both_languages_when_given(client, open_forum, login_as):
    company = CompanyFactory(name_en="Detail Medical Limited", name_zh="細節醫療有限公司")
    application = ApplicationFactory(forum=open_forum, company=company, status=ApplicationStatus.approved)
    application.solutions = [
        SolutionFactory(company=company, title_en="Fall alarm", title_zh="跌倒警報",
                        problem="Falls at night go unseen", problem_zh="夜間跌倒無人察覺",
                        target_users="Ward nurses", target_users_zh="病房護士",
                        departments="Geriatrics", departments_zh="老人科",
                        regulatory_status="CE marked", regulatory_status_zh="已獲歐盟認證",
                        deployments="Two elderly homes", deployments_zh="兩間安老院"),
        SolutionFactory(company=company, title_en="Plain tool", title_zh="簡單工具", problem="", problem_zh="",
                        target_users="", target_users_zh="", departments="", departments_zh="",
                        regulatory_status="", regulatory_status_zh="", deployments="", deployments_zh=""),
    ]
    login_as("ha_staff")
    text = _catalogue_text(client, open_forum)
    for words in ("夜間跌倒無人察覺", "病房護士", "老人科", "已獲歐盟認證", "兩間安老院",
                  "Falls at night go unseen", "Ward nurses", "Geriatrics", "CE marked", "Two elderly homes"):
        assert words in text, words
    # Headings only where there is something under them: once each, for the first solution.
    assert text.count("目標使用者") == 1 and text.count("現有應用案例") == 1


def test_exports_csv_and_xlsx(client, open_forum, login_as):
    from openpyxl import load_workbook

    company = CompanyFactory(name_en="=HYPERLINK(evil)", name_zh="匯出測試")
    application = ApplicationFactory(forum=open_forum, company=company, status=ApplicationStatus.approved)
    application.solutions = [SolutionFactory(company=company)]
    login_as("organiser")
    response = client.get(f"/exhibitors/forums/{open_forum.slug}/export.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["application_id", "company_en", "company_zh"]
    assert rows[1][1] == "'=HYPERLINK(evil)" and rows[1][2] == "匯出測試" and rows[1][4] == "approved"
    response = client.get(f"/exhibitors/forums/{open_forum.slug}/export.xlsx", query_string={"kind": "exhibitors"})
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.values)
    assert values[0][0] == "company_id" and values[1][2] == "匯出測試"


def test_api_lists_approved_exhibitors_with_their_solutions(client, open_forum, api_token):
    theme = ThemeFactory()
    approved = ApplicationFactory(forum=open_forum, status=ApplicationStatus.approved, booth_code="A01")
    approved.solutions = [SolutionFactory(company=approved.company, themes=[theme], trl=7)]
    ApplicationFactory(forum=open_forum, status=ApplicationStatus.submitted)
    _user, token = api_token("ha_staff")
    db.session.commit()
    response = client.get(f"/api/v1/forums/{open_forum.slug}/exhibitors",
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    body = response.json
    assert [e["company_id"] for e in body["exhibitors"]] == [approved.company_id]
    exhibitor = body["exhibitors"][0]
    assert exhibitor["booth"] == "A01" and exhibitor["solutions"][0]["themes"] == [theme.key]
    assert exhibitor["solutions"][0]["trl"] == 7
    assert client.get("/api/v1/forums/no-such-forum/exhibitors",
                      headers={"Authorization": f"Bearer {token}"}).status_code == 404
    assert client.get(f"/api/v1/forums/{open_forum.slug}/exhibitors").status_code == 401
    spec = client.get("/api/v1/openapi.json", headers={"Authorization": f"Bearer {token}"}).json
    assert "get" in spec["paths"]["/api/v1/forums/{forum}/exhibitors"]


def test_staff_for_badges_lists_people_of_approved_applications_only(open_forum):
    approved = ApplicationFactory(forum=open_forum, status=ApplicationStatus.approved)
    approved.staff = [ApplicationStaff(name_en="Ann Lee", name_zh="李安", email="ann@x.example", title="CTO")]
    waiting = ApplicationFactory(forum=open_forum, status=ApplicationStatus.submitted)
    waiting.staff = [ApplicationStaff(name_en="Not Yet")]
    db.session.flush()
    assert applications.staff_for_badges(open_forum) == [
        {"company_id": approved.company_id, "name_en": "Ann Lee", "name_zh": "李安", "email": "ann@x.example",
         "title": "CTO"}]


def test_theme_list_is_edited_by_organisers(open_forum, organiser):
    theme = themes.save_theme(organiser, None, name_en="Workforce wellbeing", name_zh="員工健康")
    assert theme.key == "workforce_wellbeing"
    with pytest.raises(Conflict):
        themes.save_theme(organiser, None, name_en="workforce wellbeing", name_zh="其他")
    themes.save_theme(organiser, theme, name_en="Workforce wellbeing", name_zh="員工身心健康", active=False)
    assert theme not in themes.list_themes()

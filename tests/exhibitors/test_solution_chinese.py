"""A solution's details in Traditional Chinese beside English: kept, searched, shown to Chinese readers
(English when there is no Chinese) and served by the API."""
from forum.exhibitors import solutions
from forum.exhibitors.directory import DirectoryQuery, directory
from forum.exhibitors.models import ApplicationStatus
from forum.extensions import db
from tests.factories import ApplicationFactory

DETAILS = {"problem": "Beds are found by phone", "problem_zh": "以電話尋找病床",
           "target_users": "Bed managers", "target_users_zh": "病床管理人員",
           "departments": "Medicine", "departments_zh": "內科",
           "regulatory_status": "Class I", "regulatory_status_zh": "",  # no Chinese: English shown
           "deployments": "Two hospitals", "deployments_zh": "兩間醫院"}


def _approved_solution(open_forum, make_company):
    company, admin = make_company()
    solution = solutions.save_solution(admin, company, None, {"title_en": "Bed board", "title_zh": "病床看板",
                                                              **DETAILS})
    application = ApplicationFactory(forum=open_forum, company=company, status=ApplicationStatus.approved)
    application.solutions = [solution]
    db.session.flush()
    return solution


def test_the_chinese_details_are_kept_and_found_by_search(open_forum, make_company):
    solution = _approved_solution(open_forum, make_company)
    assert (solution.problem_zh, solution.departments_zh, solution.deployments_zh) == ("以電話尋找病床", "內科", "兩間醫院")
    page = directory(open_forum, DirectoryQuery(q="病床管理"))
    assert page.total == 1 and page.items[0].solutions == [solution]


def test_a_chinese_reader_sees_the_chinese_details_and_english_where_there_is_none(
        client, login_as, open_forum, make_company):
    solution = _approved_solution(open_forum, make_company)
    login_as("ha_staff", locale="zh_Hant_HK")
    page = client.get(f"/exhibitors/solutions/{solution.id}").get_data(as_text=True)
    assert "以電話尋找病床" in page and "病床管理人員" in page and "兩間醫院" in page
    assert "Beds are found by phone" not in page and "Class I" in page
    login_as("ha_staff", locale="en")
    page = client.get(f"/exhibitors/solutions/{solution.id}").get_data(as_text=True)
    assert "Beds are found by phone" in page and "以電話尋找病床" not in page


def test_the_solution_form_has_a_chinese_field_beside_each_detail(client, make_company):
    company, admin = make_company()
    with client.session_transaction() as session:
        session["_user_id"] = admin.get_id()
    page = client.get("/exhibitors/solutions/new").get_data(as_text=True)
    for name in ("problem_zh", "target_users_zh", "departments_zh", "regulatory_status_zh", "deployments_zh"):
        assert f'name="{name}"' in page


def test_the_api_serves_both_languages(client, open_forum, make_company, api_token):
    _approved_solution(open_forum, make_company)
    _user, token = api_token("ha_staff")
    body = client.get(f"/api/v1/forums/{open_forum.slug}/exhibitors",
                      headers={"Authorization": f"Bearer {token}"}).json
    served = body["exhibitors"][0]["solutions"][0]
    assert {k: served[k] for k in DETAILS} == DETAILS
    spec = client.get("/api/v1/openapi.json", headers={"Authorization": f"Bearer {token}"}).json
    assert "problem_zh" in str(spec)

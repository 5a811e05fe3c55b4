"""Recommendations: one function, reasons in words, the same answer on the page, the API and the batch."""
import csv
import io

import sqlalchemy as sa

from forum.attendees.models import AttendeeStatus
from forum.exhibitors.models import ApplicationStatus, Theme
from forum.extensions import db
from forum.matchmaking import bookmarks
from forum.matchmaking.recommendations import for_person, site_pairs
from forum.sites.services import find_site
from tests.factories import ApplicationFactory, AttendeeFactory, SolutionFactory, UserFactory


def _theme(key):
    return db.session.scalar(sa.select(Theme).where(Theme.key == key))


def _world(forum):
    """Solutions at four booths, an HA user in Radiology, three Radiology colleagues who bookmarked one."""
    solutions = {}
    for booth, key, title_en, title_zh, summary, summary_zh, themes in (
            ("B01", "triage", "Chest X-ray triage", "胸肺X光分流", "AI reads chest films first.", "人工智能先讀胸片。",
             ["data_ai"]),
            ("B02", "beds", "Bed board", "病床看板", "Cuts ward bed turnover time with live bed status.",
             "以即時病床狀態縮短病床周轉時間。", ["clinical_workflow"]),
            ("B03", "uv", "UV disinfection robot", "紫外光消毒機械人", "Infection control with AI route planning.",
             "以人工智能規劃路線的感染控制。", ["infection_control", "data_ai"]),
            ("B04", "linen", "Linen tracker", "布草追蹤", "RFID for linen.", "以無線射頻辨識追蹤布草。",
             ["logistics_supply"])):
        application = ApplicationFactory(forum=forum, status=ApplicationStatus.approved, booth_code=booth)
        solutions[key] = SolutionFactory(company=application.company, title_en=title_en, title_zh=title_zh,
                                         summary_en=summary, summary_zh=summary_zh, themes=[_theme(k) for k in themes])
        application.solutions = [solutions[key]]
    me = UserFactory(role="ha_staff", email="me@ha.example")
    AttendeeFactory(forum=forum, user_id=me.id, status=AttendeeStatus.registered, department="Radiology",
                    site_id=find_site("QMH").id, themes=["infection_control", "data_ai"], email="me@ha.example")
    for n in range(3):
        colleague = UserFactory(role="ha_staff")
        AttendeeFactory(forum=forum, user_id=colleague.id, status=AttendeeStatus.registered, department="Radiology",
                        site_id=find_site("PYNEH").id)
        bookmarks.add_bookmark(colleague, forum, solution_id=solutions["triage"].id)
    db.session.flush()
    return me, solutions


def test_reasons_in_words_and_nothing_already_bookmarked(forum):
    me, solutions = _world(forum)
    bookmarks.add_bookmark(me, forum, solution_id=solutions["linen"].id, note="ward bed turnover")
    found = {r.solution.id: r for r in for_person(me, forum)}
    assert solutions["linen"].id not in found
    assert "shares your themes Infection control and Data and AI" in found[solutions["uv"].id].sentences
    assert "3 colleagues in Radiology bookmarked it" in found[solutions["triage"].id].sentences
    assert "matches the need you described: ward bed turnover" in found[solutions["beds"].id].sentences
    assert found[solutions["uv"].id].booth == "B03"


def test_chinese_notes_match_chinese_text_without_segmentation(forum):
    me, solutions = _world(forum)
    bookmarks.add_bookmark(me, forum, solution_id=solutions["linen"].id, note="希望改善病床周轉")
    found = {r.solution.id: r for r in for_person(me, forum)}
    assert "matches the need you described: 希望改善病床周轉" in found[solutions["beds"].id].sentences


def test_pages_api_and_batch_agree(client, login_as, runner, forum):
    me, solutions = _world(forum)
    with client.session_transaction() as session:
        session["_user_id"] = me.get_id()
        session["_fresh"] = True
    mark, _ = bookmarks.add_bookmark(me, forum, solution_id=solutions["linen"].id)
    db.session.commit()
    expected = [r.solution.id for r in for_person(me, forum, 10)]
    api = client.get(f"/api/v1/forums/{forum.slug}/recommendations").json["recommendations"]
    assert [r["solution"] for r in api] == expected and api[0]["reasons"]
    page = client.get(f"/forums/{forum.slug}/recommendations").get_data(as_text=True)
    assert "shares your themes Infection control and Data and AI" in page
    after_bookmark = client.get(f"/bookmarks/{mark.id}").get_data(as_text=True)
    assert "3 colleagues in Radiology bookmarked it" in after_bookmark
    result = runner.invoke(args=["matchmaking", "recommend", forum.slug, "--limit", "10"])
    assert result.exit_code == 0, result.output
    rows = [r for r in csv.DictReader(io.StringIO(result.stdout)) if r["user_id"] == str(me.id)]
    assert [int(r["solution_id"]) for r in rows] == expected
    chinese = client.get(f"/api/v1/forums/{forum.slug}/recommendations", headers={"Accept-Language": "zh-HK"})
    assert chinese.status_code == 200


def test_home_page_shows_suggestions(client, forum):
    me, solutions = _world(forum)
    forum.status = forum.status  # the current forum
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = me.get_id()
        session["_fresh"] = True
    html = client.get("/").get_data(as_text=True)
    assert 'id="recommendations"' in html and "UV disinfection robot" in html


def test_exhibitor_meets_departments_and_people_without_contact_details(client, login_as, forum):
    me, solutions = _world(forum)
    triage_company = solutions["triage"].company_id
    db.session.commit()
    login_as("exhibitor", company_id=triage_company)
    html = client.get(f"/forums/{forum.slug}/meet").get_data(as_text=True)
    assert "Radiology" in html and "Bookmarked you" in html
    assert "@ha.example" not in html


def test_partnership_pairs_put_named_candidate_sites_first(client, login_as, forum):
    me, solutions = _world(forum)
    bookmarks.add_bookmark(me, forum, solution_id=solutions["uv"].id, interest="pilot", site_id=find_site("QMH").id)
    db.session.commit()
    pairs = site_pairs(UserFactory(role="partnership"), forum)
    assert (pairs[0].company.id, pairs[0].site.name_en, pairs[0].pilot) == (
        solutions["uv"].company_id, "Queen Mary Hospital", 1)
    login_as("partnership")
    html = client.get(f"/forums/{forum.slug}/pairs").get_data(as_text=True)
    assert "1 person wants to pilot it here" in html and "Queen Mary Hospital" in html


def test_nothing_to_suggest_yet_is_a_quiet_page(client, forum):
    """A forum without approved exhibitors, a person without themes or bookmarks: no error, a hint."""
    me = UserFactory(role="ha_staff")
    AttendeeFactory(forum=forum, user_id=me.id, status=AttendeeStatus.registered)
    assert for_person(me, forum) == []
    from forum.matchmaking import engine

    model = engine.Model([engine.Item(1, 1, "", "", "", [])], [engine.Person(1, notes=["x"])])
    assert engine.recommend(model, [engine.Person(1, notes=["anything"])]) == [[]]
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = me.get_id()
        session["_fresh"] = True
    html = client.get(f"/forums/{forum.slug}/recommendations").get_data(as_text=True)
    assert "suggestions appear here" in html

"""The directory: search in English and Chinese, filters, phone layout, bounded queries."""
import os
import re

import pytest
import sqlalchemy as sa

from forum.exhibitors import companies, solutions
from forum.exhibitors.models import ApplicationStatus
from forum.extensions import db
from tests.factories import ApplicationFactory, CompanyFactory, SolutionFactory, ThemeFactory


def _exhibitor(forum, name_en, name_zh, *, title_en="", title_zh="", summary_zh="", themes=(), trl=5,
               sector="other", status=ApplicationStatus.approved):
    company = CompanyFactory(name_en=name_en, name_zh=name_zh, sector=sector)
    companies.refresh_company_search(company)
    solution = SolutionFactory(company=company, title_en=title_en or f"{name_en} solution",
                               title_zh=title_zh or f"{name_zh}方案", summary_zh=summary_zh,
                               themes=list(themes), trl=trl)
    solutions.refresh_solution_search(solution)
    application = ApplicationFactory(forum=forum, company=company, status=status)
    application.solutions = [solution]
    db.session.flush()
    return application


def _names(client, forum, **params):
    html = client.get(f"/exhibitors/forums/{forum.slug}/directory", query_string=params).get_data(as_text=True)
    return set(re.findall(r'<h2><a href="[^"]+">([^<]+)</a></h2>', html))


@pytest.fixture
def populated(open_forum):
    infection = ThemeFactory(key="t_infection", name_en="Infection control", name_zh="感染控制")
    logistics = ThemeFactory(key="t_logistics", name_en="Logistics", name_zh="物流")
    _exhibitor(open_forum, "CareBot Limited", "護理機械人有限公司", title_en="Ward delivery robot",
               title_zh="病房送遞機械人", themes=[logistics], trl=8, sector="ai_robotics")
    _exhibitor(open_forum, "CleanCoat Limited", "潔塗有限公司", title_en="Antimicrobial coating",
               title_zh="抗菌塗層", summary_zh="用於床欄的抗菌塗層", themes=[infection], trl=6, sector="materials")
    _exhibitor(open_forum, "Hidden Pending Limited", "待審有限公司", title_en="Secret robot",
               status=ApplicationStatus.submitted)
    return open_forum


def test_only_signed_in_users_see_the_directory(client, populated):
    response = client.get(f"/exhibitors/forums/{populated.slug}/directory")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["ha_staff", "exhibitor", "organiser", "partnership"])
def test_directory_lists_approved_exhibitors_only(client, login_as, populated, role):
    login_as(role)
    assert _names(client, populated) == {"CareBot Limited", "CleanCoat Limited"}


@pytest.mark.parametrize("query,expected", [
    ("robot", {"CareBot Limited"}),
    ("ROBOT   ward", {"CareBot Limited"}),
    ("機械人", {"CareBot Limited"}),          # a Chinese query matches Chinese text
    ("床欄", {"CleanCoat Limited"}),           # ... inside a Chinese summary, no word breaks needed
    ("感染控制", {"CleanCoat Limited"}),        # theme names are searched too
    ("ｒｏｂｏｔ", {"CareBot Limited"}),         # full-width letters fold
    ("secret", set()),                        # not approved: not shown
    ("100%", set()),                          # LIKE wildcards are literal
])
def test_search_in_english_and_chinese(client, login_as, populated, query, expected):
    login_as("ha_staff")
    assert _names(client, populated, q=query) == expected


def test_filters_by_theme_maturity_and_sector(client, login_as, populated):
    login_as("ha_staff")
    assert _names(client, populated, theme="t_infection") == {"CleanCoat Limited"}
    assert _names(client, populated, trl="7") == {"CareBot Limited"}
    assert _names(client, populated, sector="materials") == {"CleanCoat Limited"}
    assert _names(client, populated, theme="t_logistics", q="抗菌") == set()


def test_directory_in_chinese_shows_chinese_names(client, login_as, populated):
    user = login_as("ha_staff")
    user.locale = "zh_Hant_HK"
    db.session.commit()
    assert _names(client, populated) == {"護理機械人有限公司", "潔塗有限公司"}
    html = client.get(f"/exhibitors/forums/{populated.slug}/directory").get_data(as_text=True)
    assert "搜尋公司及方案" in html and 'name="viewport"' in html


def _many(forum, start, n):
    theme = ThemeFactory()
    for i in range(start, start + n):
        _exhibitor(forum, f"Scale Co {i:04d} Limited", f"規模公司{i:04d}", themes=[theme])


@pytest.mark.parametrize("path", ["directory", "review"])
def test_queries_are_bounded_whatever_the_number_of_exhibitors(client, login_as, open_forum, query_counter, path):
    login_as("organiser")
    counts = []
    for n in (10, 300):
        open_forum.booth_capacity = 1000
        _many(open_forum, 0 if n == 10 else 10, n - (10 if n == 300 else 0))
        db.session.commit()
        url = f"/exhibitors/forums/{open_forum.slug}/{path}"
        with query_counter() as q:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1], counts
    assert counts[1] <= 12
    if path == "review":
        assert "300 of 1000 booths approved" in response.get_data(as_text=True)


postgresql_only = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                                     reason="trigram indexes exist on PostgreSQL only (TEST_DATABASE_URL)")


@postgresql_only
def test_search_text_has_trigram_indexes_after_migrating(app):
    rows = db.session.execute(sa.text(
        "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE '%search_text_trgm'")).all()
    assert {name: "USING gin (search_text gin_trgm_ops)" in definition for name, definition in rows} == {
        "ix_company_search_text_trgm": True, "ix_solution_search_text_trgm": True}


@postgresql_only
def test_a_search_can_be_answered_from_the_trigram_indexes(open_forum):
    """With sequential and plain index scans priced out, the search's plan reads both trigram indexes:
    the query's shape lets PostgreSQL use them (benchmarks/directory.py shows it does at 1,600 exhibitors)."""
    from forum.exhibitors.directory import DirectoryQuery, search_statement

    compiled = search_statement(open_forum, DirectoryQuery(q="機械人 robot")).compile(dialect=db.engine.dialect)
    connection = db.session.connection()
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
    plan = "\n".join(connection.exec_driver_sql("EXPLAIN " + str(compiled), compiled.params).scalars())
    assert "ix_company_search_text_trgm" in plan and "ix_solution_search_text_trgm" in plan, plan

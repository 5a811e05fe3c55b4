"""The directory's list is rendered once for everyone and kept until its data changes (forum.cache):
the next viewer's page runs none of the list's queries, a change shows at once, and nothing personal
is kept (each person's bookmark buttons and CSRF token are filled in per page)."""
import os
import re

import pytest
import sqlalchemy as sa

from forum.cache import fragments
from forum.exhibitors import companies
from forum.exhibitors.models import ApplicationStatus
from forum.extensions import db
from forum.matchmaking.models import Bookmark
from tests.exhibitors.test_directory import _exhibitor, _names
from tests.factories import ThemeFactory, UserFactory
from tests.support.databases import in_transaction


def _signed_in(app, role: str, **fields):
    """Another browser, with a new user of that role signed in."""
    client, user = app.test_client(), UserFactory(role=role, **fields)
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


@pytest.fixture
def listed(open_forum):
    theme = ThemeFactory(key="t_cache", name_en="Ward logistics", name_zh="病房物流")
    first = _exhibitor(open_forum, "CareBot Limited", "護理機械人有限公司", title_en="Ward delivery robot",
                       title_zh="病房送遞機械人", themes=[theme])
    second = _exhibitor(open_forum, "CleanCoat Limited", "潔塗有限公司", title_en="Antimicrobial coating")
    db.session.commit()
    return open_forum, first, second, theme


def _page(client, forum, **params) -> str:
    response = client.get(f"/exhibitors/forums/{forum.slug}/directory", query_string=params)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _list(client, forum, **params) -> str:
    """The page from the list on (the search form above it names every theme)."""
    html = _page(client, forum, **params)
    return html[html.index('id="result-count"'):]


def _statements(query_counter, client, forum, **params) -> list[str]:
    with query_counter() as q:
        _page(client, forum, **params)
    return q.statements


def test_the_next_viewer_gets_the_list_without_its_queries(client, login_as, listed, query_counter):
    forum = listed[0]
    login_as("ha_staff")
    first = _statements(query_counter, client, forum, q="robot")
    again = _statements(query_counter, client, forum, q="robot")
    assert len(again) < len(first)
    # The list's own statements (the search's count and page, the solutions and themes loaded for it)
    # ran the first time only.
    assert sum("FROM application" in s for s in again) == 0 < sum("FROM application" in s for s in first)
    assert any("content_change" in s for s in again)  # one look at whether the data changed
    assert _names(client, forum, q="robot") == {"CareBot Limited"}
    assert _names(client, forum, q="coating") == {"CleanCoat Limited"}  # another query, another list


@pytest.mark.parametrize("change", ["company", "solution", "theme", "application", "solutions shown"])
def test_a_change_shows_at_once(client, login_as, listed, change):
    forum, first, second, theme = listed
    login_as("ha_staff")
    before = _list(client, forum)
    assert "CareBot Limited" in before and "Ward delivery robot" in before and "Ward logistics" in before
    if change == "company":
        first.company.name_en = "CareBot Robotics Limited"
        companies.refresh_company_search(first.company)
        expected = "CareBot Robotics Limited"
    elif change == "solution":
        first.solutions[0].title_en = "Ward delivery robot, second edition"
        expected = "Ward delivery robot, second edition"
    elif change == "theme":
        theme.name_en = "Hospital logistics"
        expected = "Hospital logistics"
    elif change == "application":
        first.booth_code = "B17"
        expected = "Booth B17"
    else:
        first.solutions = [*first.solutions, *second.solutions]  # CareBot now shows the coating too
        expected = None
    db.session.commit()
    after = _list(client, forum)
    if expected:
        assert expected in after and expected not in before
    else:
        assert after.count("Antimicrobial coating") == before.count("Antimicrobial coating") + 1


def test_an_exhibitor_moved_to_the_waiting_list_leaves_the_list_at_once(client, login_as, listed):
    forum, first, _second, _theme = listed
    login_as("ha_staff")
    assert _names(client, forum) == {"CareBot Limited", "CleanCoat Limited"}
    first.status = ApplicationStatus.waitlisted
    db.session.commit()
    assert _names(client, forum) == {"CleanCoat Limited"}


def test_each_person_gets_their_own_bookmark_buttons(app, client, login_as, listed):
    forum, first, second, _theme = listed
    robot, coating = first.solutions[0], second.solutions[0]
    reader = login_as("ha_staff")
    mark = Bookmark(user_id=reader.id, forum_id=forum.id, solution_id=robot.id, company_id=first.company_id)
    db.session.add(mark)
    db.session.commit()
    mine = _page(client, forum)
    assert f'/bookmarks/{mark.id}"' in mine and "★ Bookmarked" in mine
    assert f'data-bookmark-solution="{robot.id}"' not in mine  # no "Bookmark" button for what is marked
    assert f'data-bookmark-solution="{coating.id}"' in mine

    other = _signed_in(app, "ha_staff")
    theirs = other.get(f"/exhibitors/forums/{forum.slug}/directory").get_data(as_text=True)
    assert "★ Bookmarked" not in theirs and f'/bookmarks/{mark.id}"' not in theirs
    assert f'data-bookmark-solution="{robot.id}"' in theirs and f'data-bookmark-solution="{coating.id}"' in theirs
    tokens = [set(re.findall(r'name="csrf_token" value="([^"]+)"', page)) for page in (mine, theirs)]
    assert len(tokens[0]) == 1 and len(tokens[1]) == 1 and tokens[0] != tokens[1]  # each their own session's

    organiser = _signed_in(app, "organiser")
    page = organiser.get(f"/exhibitors/forums/{forum.slug}/directory").get_data(as_text=True)
    assert "CareBot Limited" in page and "data-bookmark-solution" not in page  # organisers do not bookmark
    assert "<!--bookmark" not in page and "<bookmark-csrf>" not in page


def test_the_kept_list_holds_nothing_personal(client, login_as, listed):
    forum = listed[0]
    login_as("ha_staff")
    page = _page(client, forum)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    kept = list(fragments._items.values())
    assert len(kept) == 1 and "CareBot Limited" in kept[0]
    assert token not in kept[0] and "<bookmark-csrf>" in kept[0]


def test_each_language_has_its_own_list(app, client, login_as, listed):
    forum = listed[0]
    login_as("ha_staff", locale="en")
    english = _page(client, forum)
    reader = _signed_in(app, "ha_staff", locale="zh_Hant_HK")
    chinese = reader.get(f"/exhibitors/forums/{forum.slug}/directory").get_data(as_text=True)
    assert "護理機械人有限公司" in chinese and "病房送遞機械人" in chinese and "間參展商" in chinese
    assert "護理機械人有限公司" not in english and "exhibitors" in english


def test_a_list_read_inside_a_change_is_not_kept(app, listed):
    """A page rendered by a transaction that changed the data itself is not kept: it may roll back."""
    from forum import cache

    forum, first, _second, _theme = listed
    first.company.name_en = "Renamed, then rolled back"
    db.session.flush()
    seen = cache.fragment("directory", ("test",), lambda: first.company.name_en)
    assert seen == "Renamed, then rolled back" and not fragments._items
    db.session.rollback()
    assert cache.fragment("directory", ("test",), lambda: "kept") == "kept" and len(fragments._items) == 1


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="two writers at once: PostgreSQL (SQLite has one writer at a time)")
@pytest.mark.committed
def test_a_change_committed_after_a_later_one_still_moves_the_generation(app, committed):
    """Ids are handed out when the rows are written: the first writer can commit last. Its change
    must still tell every page that its kept lists are out of date."""
    from forum import cache
    from forum.cache import ContentChange

    insert = sa.insert(ContentChange).values(topic="directory", changed_at=sa.func.now())
    with db.engine.connect() as first, db.engine.connect() as second:
        first.execute(insert)  # the smaller id, not committed yet
        second.execute(insert)
        second.commit()
        seen = cache.generation("directory")
        db.session.rollback()  # a new transaction: the next statement sees what has committed since
        first.commit()
    assert cache.generation("directory") != seen


def _what_the_database_saw(app, client, path: str) -> tuple[int, list[tuple[str, bool]]]:
    """(status, [(first word of each statement, whether it ran inside a transaction)])."""
    seen = []

    def before(conn, _cursor, statement, _params, _context, _many):
        seen.append((statement.split()[0], in_transaction(conn.connection.dbapi_connection)))

    sa.event.listen(db.engine, "before_cursor_execute", before)
    try:
        status = client.get(path).status_code
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before)
    return status, seen


@pytest.mark.committed
def test_the_directory_reads_without_a_transaction_around_its_statements(app, committed, open_forum):
    """The page only reads (@reads_only): no BEGIN and no ROLLBACK travel to the database, two round trips
    of its seven on PostgreSQL. Other pages keep their transaction."""
    _exhibitor(open_forum, "CareBot Limited", "護理機械人有限公司", title_en="Ward delivery robot")
    db.session.commit()
    client = _signed_in(app, "ha_staff")
    db.session.commit()
    status, seen = _what_the_database_saw(app, client, f"/exhibitors/forums/{open_forum.slug}/directory?q=robot")
    assert status == 200
    assert len(seen) >= 4 and {kind for kind, _ in seen} == {"SELECT"}
    assert [inside for _, inside in seen] == [False] * len(seen)
    status, seen = _what_the_database_saw(app, client, "/")
    # The first is SQLite's own BEGIN, or on PostgreSQL the statement psycopg sends BEGIN ahead of.
    assert status == 200 and len(seen) >= 2 and all(inside for _, inside in seen[1:])

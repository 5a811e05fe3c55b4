"""A pilot proposed from a bookmark: prefilled form, origin link both ways, the funnel's bookmarked step."""
import sqlalchemy as sa

from forum.extensions import db
from forum.matchmaking.bookmarks import add_bookmark, candidate_sites
from forum.pilots.dashboard import figures
from forum.pilots.models import Pilot, PilotOrigin
from tests.factories import ApplicationFactory, ForumFactory, SolutionFactory, UserFactory


def _bookmark(owner, *, site=True):
    from forum.exhibitors.models import ApplicationStatus

    forum = ForumFactory()
    application = ApplicationFactory(forum=forum, status=ApplicationStatus.approved, booth_code="B07")
    solution = SolutionFactory(company=application.company, title_en="Falls radar", title_zh="跌倒雷達")
    application.solutions = [solution]
    db.session.flush()
    place = candidate_sites()[0]
    bookmark, _created = add_bookmark(owner, forum, solution_id=solution.id, interest="pilot",
                                      site_id=place.id if site else None)
    return bookmark, solution, place


def test_my_bookmarks_offers_a_prefilled_pilot_form(client, login_as):
    me = login_as("ha_staff", name_en="Wong Siu Ming")
    bookmark, solution, place = _bookmark(me)
    listing = client.get("/my/bookmarks").get_data(as_text=True)
    assert f"/pilots/from-bookmark/{bookmark.id}" in listing
    page = client.get(f"/pilots/from-bookmark/{bookmark.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Falls radar" in text
    assert f'selected value="{place.id}"' in text and 'value="Falls radar"' in text
    assert 'name="sponsor_user_id"' not in text  # an HA user is the sponsor, and sees no list of accounts


def test_ha_owner_proposes_and_the_path_is_traced_both_ways(client, login_as):
    me = login_as("ha_staff", name_en="Wong Siu Ming")
    bookmark, solution, place = _bookmark(me)
    other = SolutionFactory()
    response = client.post(f"/pilots/from-bookmark/{bookmark.id}", data={
        "title": "Falls radar at the ward", "sites": [place.id], "objectives": "Fewer falls at night",
        "company_id": other.company_id, "solution_id": other.id})  # an HA owner cannot swap the solution
    assert response.status_code == 302
    pilot = db.session.scalar(sa.select(Pilot).where(Pilot.title == "Falls radar at the ward"))
    assert pilot.solution_id == solution.id and pilot.company_id == solution.company_id
    assert pilot.sponsor_user_id == me.id and [s.site_id for s in pilot.sites] == [place.id]
    (origin,) = pilot.origins
    assert (origin.kind, origin.ref_id, origin.forum_id) == ("bookmark", bookmark.id, bookmark.forum_id)
    page = client.get(f"/pilots/{pilot.id}").get_data(as_text=True)
    assert "Wong Siu Ming" in page and "bookmark" in page and bookmark.forum.title_en in page
    back = client.get(f"/bookmarks/{bookmark.id}").get_data(as_text=True)
    assert f"/pilots/{pilot.id}" in back
    assert f"/pilots/{pilot.id}" in client.get("/my/bookmarks").get_data(as_text=True)


def test_someone_elses_bookmark_is_not_found(client, login_as):
    owner = UserFactory(role="ha_staff")
    bookmark, _s, place = _bookmark(owner)
    login_as("ha_staff")
    assert client.get(f"/pilots/from-bookmark/{bookmark.id}").status_code == 404
    assert client.post(f"/pilots/from-bookmark/{bookmark.id}", data={"sites": [place.id]}).status_code == 404
    login_as("exhibitor")
    assert client.get(f"/pilots/from-bookmark/{bookmark.id}").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PilotOrigin)
                             .where(PilotOrigin.kind == "bookmark")) == 0


def test_partnership_proposes_from_a_bookmark_keeping_the_owner_as_sponsor(client, login_as):
    owner = UserFactory(role="ha_staff", name_en="Chan Tai Man")
    bookmark, solution, place = _bookmark(owner)
    login_as("partnership")
    page = client.get(f"/pilots/from-bookmark/{bookmark.id}").get_data(as_text=True)
    assert f'selected value="{owner.id}"' in page and f'selected value="{solution.id}"' in page
    response = client.post(f"/pilots/from-bookmark/{bookmark.id}", data={
        "company_id": solution.company_id, "solution_id": solution.id, "sites": [place.id],
        "sponsor_user_id": owner.id, "title": "From the team"})
    assert response.status_code == 302
    pilot = db.session.scalar(sa.select(Pilot).where(Pilot.title == "From the team"))
    assert pilot.sponsor_user_id == owner.id and pilot.origins[0].ref_id == bookmark.id


def test_a_missing_site_keeps_what_was_typed(client, login_as):
    me = login_as("ha_staff")
    bookmark, _s, _p = _bookmark(me, site=False)
    response = client.post(f"/pilots/from-bookmark/{bookmark.id}", data={"title": "Kept", "objectives": "Kept too"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "Kept too" in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pilot)) == 0


def test_the_funnel_counts_bookmarked_companies_from_real_bookmarks():
    team = UserFactory(role="partnership")
    a, b = UserFactory(role="ha_staff"), UserFactory(role="ha_staff")
    bookmark, solution, _p = _bookmark(a)
    forum = bookmark.forum
    steps = lambda f: {s["step"]: s["companies"] for s in figures(team, f).funnel}  # noqa: E731
    assert steps(forum)["bookmarked"] == 1
    add_bookmark(b, forum, solution_id=solution.id)
    assert steps(forum)["bookmarked"] == 1  # companies, not bookmarks
    assert [s["step"] for s in figures(team, forum).funnel][:2] == ["exhibitors", "bookmarked"]
    assert "bookmarked" not in steps(ForumFactory())  # no bookmarks there: no step, never a made-up 0
    assert steps(None)["bookmarked"] >= 1


def test_the_team_proposes_from_a_startup_site_pair(client, login_as):
    owner = UserFactory(role="ha_staff")
    bookmark, solution, place = _bookmark(owner)
    login_as("partnership")
    page = client.get(f"/forums/{bookmark.forum.slug}/pairs").get_data(as_text=True)
    assert f"/pilots/from-bookmark/{bookmark.id}" in page

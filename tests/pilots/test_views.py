"""Pages: wiring, refusals next to the field, the version check, permissions by role."""
import re

import sqlalchemy as sa

from forum.extensions import db
from forum.pilots.models import Pilot, PilotSite, Stage
from forum.pilots.services import add_champion
from tests.factories import CompanyFactory, ForumFactory, SolutionFactory, UserFactory
from tests.pilots.conftest import sites, walk


def test_partnership_proposes_a_pilot_from_the_forum_page(client, login_as):
    login_as("partnership")
    forum = ForumFactory()
    solution = SolutionFactory()
    page = client.get(f"/pilots/new?forum={forum.id}&company={solution.company_id}")
    assert page.status_code == 200 and solution.title_en in page.get_data(as_text=True)
    a, b = sites(2)
    response = client.post(f"/pilots/new?forum={forum.id}", data={
        "company_id": solution.company_id, "solution_id": solution.id, "sites": [a.id, b.id],
        "forums": [forum.id], "title": "Smart ward rounds", "planned_start": "2024-01-10",
        "planned_end": "2024-06-30"})
    assert response.status_code == 302
    pilot = db.session.scalar(sa.select(Pilot).where(Pilot.title == "Smart ward rounds"))
    assert [s.site_id for s in pilot.sites] == [a.id, b.id] and pilot.forums == [forum]
    assert pilot.origins[0].kind == "forum" and pilot.origins[0].forum_id == forum.id
    text = client.get(f"/pilots/{pilot.id}").get_data(as_text=True)
    assert forum.title_en in text  # the path back to the forum
    assert "proposed the pilot at" in text


def test_dates_out_of_order_keep_what_was_typed(client, login_as):
    login_as("partnership")
    solution = SolutionFactory()
    response = client.post("/pilots/new", data={
        "company_id": solution.company_id, "sites": [sites(1)[0].id], "title": "Kept title",
        "planned_start": "2024-06-01", "planned_end": "2024-01-01", "objectives": "Fewer falls"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'id="planned_end-error">The end date is before the start date', text)
    assert 'value="Kept title"' in text and "Fewer falls" in text


def test_move_refusals_sit_next_to_their_field(client, login_as, make_pilot):
    user = login_as("partnership")
    pilot = walk(user, make_pilot(user), "under_assessment", "approved", "running")
    db.session.commit()
    response = client.post(f"/pilots/{pilot.id}/move", data={"stage": "discontinued", "version": pilot.version})
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="reason-error">Say why it was discontinued.' in text
    response = client.post(f"/pilots/{pilot.id}/move", data={"stage": "adopted", "version": pilot.version})
    assert 'id="stage-error">A decision needs an evaluation first' in response.get_data(as_text=True)


def test_the_second_editor_is_told_who_changed_it(client, login_as, make_pilot):
    user = login_as("partnership")
    pilot = make_pilot(user)
    read = pilot.version
    walk(UserFactory(role="organiser", name_en="Winnie Cheung"), pilot, "under_assessment")
    db.session.commit()
    response = client.post(f"/pilots/{pilot.id}/edit", data={"title": "Mine", "version": read})
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "Changed by Winnie Cheung at" in text and "since you opened it" in text
    db.session.refresh(pilot)
    assert pilot.title != "Mine" and pilot.stage == Stage.under_assessment


def test_board_moves_a_card_and_history_names_the_author(client, login_as, make_pilot):
    user = login_as("partnership", name_en="Grace Leung")
    pilot = make_pilot(user)
    board = client.get("/pilots/board").get_data(as_text=True)
    assert f'id="card-{pilot.id}"' in board and "<script>" not in board and "onclick" not in board
    response = client.post(f"/pilots/{pilot.id}/move", data={"stage": "under_assessment", "version": pilot.version,
                                                             "back": "board"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/pilots/board")
    text = client.get(f"/pilots/{pilot.id}").get_data(as_text=True)
    assert re.search(r"Grace Leung</strong> moved the pilot from Proposed to Under assessment", text)


def test_site_page_warns_about_a_single_champion_and_shows_earlier_similar_pilots(client, login_as, make_pilot):
    from tests.factories import ThemeFactory

    user = login_as("partnership")
    theme = ThemeFactory()
    earlier = make_pilot(user, n_sites=1, solution=SolutionFactory(themes=[theme]))
    walk(user, earlier, "under_assessment", "approved", "running")
    add_champion(user, earlier, earlier.sites[0].id, "Dr Lonely", read_version=earlier.version)
    site_id = earlier.sites[0].site_id
    text = client.get(f"/pilots/sites/{site_id}").get_data(as_text=True)
    assert "is running here with fewer than two champions" in text
    walk(user, earlier, "discontinued", reason="champion_left")
    newer = make_pilot(user, n_sites=1, solution=SolutionFactory(themes=[theme]))
    text = client.get(f"/pilots/{newer.id}").get_data(as_text=True)
    assert "Earlier pilots of similar solutions here" in text and "Champion left" in text


def test_exhibitor_sees_and_comments_on_its_own_pilots_only(client, login_as, make_pilot):
    team = UserFactory(role="partnership")
    mine = make_pilot(team)
    theirs = make_pilot(team)
    login_as("exhibitor", company_id=mine.company_id)
    listing = client.get("/pilots/").get_data(as_text=True)
    assert mine.title in listing and theirs.title not in listing
    assert client.get(f"/pilots/{theirs.id}").status_code == 403
    assert client.post(f"/pilots/{mine.id}/comments", data={"body": "We can start in March"}).status_code == 302
    assert client.post(f"/pilots/{mine.id}/move", data={"stage": "withdrawn", "version": 1}).status_code == 403
    assert client.get(f"/pilots/companies/{theirs.company_id}").status_code == 403


def test_ha_user_sees_pilots_at_their_sites_and_those_they_sponsor(client, login_as, make_pilot):
    from tests.factories import AttendeeFactory

    team = UserFactory(role="partnership")
    ha = login_as("ha_staff")
    at_my_site = make_pilot(team, n_sites=1)
    AttendeeFactory(user_id=ha.id, site_id=at_my_site.sites[0].site_id)
    sponsored = make_pilot(team, n_sites=1, sponsor_user_id=ha.id)
    other = make_pilot(team, n_sites=1)
    db.session.execute(sa.update(PilotSite).where(PilotSite.pilot_id.in_([sponsored.id, other.id]))
                       .values(site_id=sites(3)[2].id))
    listing = client.get("/pilots/").get_data(as_text=True)
    assert at_my_site.title in listing and sponsored.title in listing and other.title not in listing
    assert client.get(f"/pilots/{other.id}").status_code == 403


def test_table_filters_and_sorts(client, login_as, make_pilot):
    user = login_as("organiser")
    company = CompanyFactory()
    a = make_pilot(user, solution=SolutionFactory(company=company), title="Alpha pilot")
    b = make_pilot(user, title="Beta pilot", sponsor_name="Dr Chan")
    walk(user, b, "under_assessment")
    text = client.get(f"/pilots/?company={company.id}").get_data(as_text=True)
    assert "Alpha pilot" in text and "Beta pilot" not in text
    text = client.get("/pilots/?stage=under_assessment&sponsor=chan").get_data(as_text=True)
    assert "Beta pilot" in text and "Alpha pilot" not in text
    text = client.get("/pilots/?sort=title&desc=0").get_data(as_text=True)
    assert text.index("Alpha pilot") < text.index("Beta pilot")
    text = client.get("/pilots/?sort=stage&desc=0").get_data(as_text=True)
    assert text.index("Alpha pilot") < text.index("Beta pilot")  # pipeline order, not alphabetical
    text = client.get("/pilots/?sort=stage&desc=1").get_data(as_text=True)
    assert text.index("Beta pilot") < text.index("Alpha pilot")


def test_partnership_home_lists_what_needs_attention(client, login_as, make_pilot, app):
    from datetime import timedelta

    from forum.db import utcnow
    from forum.pilots.stages import today

    user = login_as("partnership")
    quiet = make_pilot(user, title="Quiet pilot")
    running = walk(user, make_pilot(user, title="Due pilot"), "under_assessment", "approved", "running")
    running.evaluation_due = today() + timedelta(days=3)
    db.session.execute(sa.update(Pilot).where(Pilot.id == quiet.id).values(updated_at=utcnow() - timedelta(days=91)))
    home = client.get("/").get_data(as_text=True)
    assert "1 with no update for 90 days, 1 evaluations due." in home
    page = client.get("/pilots/attention").get_data(as_text=True)
    assert "Quiet pilot" in page and "Due pilot" in page
    app.config["PILOTS_STALE_DAYS"] = 120
    try:
        assert "0 with no update for 120 days" in client.get("/").get_data(as_text=True)
    finally:
        app.config["PILOTS_STALE_DAYS"] = 90


def test_forum_and_company_pages_offer_a_new_pilot(client, login_as):
    login_as("partnership")
    forum = ForumFactory()
    text = client.get(f"/forums/{forum.slug}").get_data(as_text=True)
    assert f"/pilots/new?forum={forum.id}" in text


def test_sponsor_account_chosen_on_the_page_lets_that_ha_user_see_the_pilot(client, login_as, make_pilot):
    team = login_as("partnership")
    pilot = make_pilot(team, n_sites=1)
    sponsor = UserFactory(role="ha_staff", name_en="Dr Sponsor")
    assert f'value="{sponsor.id}"' in client.get(f"/pilots/{pilot.id}").get_data(as_text=True)
    response = client.post(f"/pilots/{pilot.id}/edit", data={"version": pilot.version, "title": pilot.title,
                                                            "sponsor_user_id": str(sponsor.id)})
    assert response.status_code == 302
    db.session.refresh(pilot)
    assert pilot.sponsor_user_id == sponsor.id
    not_ha = UserFactory(role="exhibitor")
    response = client.post(f"/pilots/{pilot.id}/edit", data={"version": pilot.version, "title": pilot.title,
                                                            "sponsor_user_id": str(not_ha.id)})
    assert 'id="sponsor_user_id-error">The sponsor must be an HA user.' in response.get_data(as_text=True)
    from forum.pilots.queries import visible_pilots

    assert db.session.scalars(visible_pilots(sponsor)).all() == [pilot]

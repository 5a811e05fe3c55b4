"""Meeting pages: propose from an exhibitor, accept, record "propose a pilot", the prefilled pilot form."""
from datetime import timedelta

import sqlalchemy as sa

from forum.db import HK, utcnow
from forum.extensions import db
from forum.matchmaking import meeting_outcomes, meetings
from forum.matchmaking.models import Bookmark, Meeting, MeetingStatus
from tests.factories import AttendeeFactory, UserFactory


def sign_in(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def test_propose_accept_outcome_and_pilot_linked_back(client, forum, exhibitors, outbox):
    from forum.pilots.models import PilotOrigin
    from forum.sites.models import Site

    company, solution = exhibitors[0].company, exhibitors[0].solutions[0]
    ha = UserFactory(role="ha_staff")
    booth = UserFactory(role="exhibitor", company_id=company.id)
    partner = UserFactory(role="partnership")
    site = db.session.scalar(sa.select(Site).where(Site.name_en == "Queen Mary Hospital"))
    AttendeeFactory(forum=forum, user_id=ha.id, email=ha.email, email_key=ha.email)
    db.session.add(Bookmark(forum_id=forum.id, user_id=ha.id, company_id=company.id, solution_id=solution.id,
                            site_id=site.id))
    db.session.commit()
    sign_in(client, ha)
    url = f"/forums/{forum.slug}/meetings/new?company={company.id}&solution={solution.id}&origin=recommendation"
    page = client.get(url)
    assert page.status_code == 200 and "propose-meeting" in page.get_data(as_text=True)
    start = (utcnow() + timedelta(days=2)).astimezone(HK).replace(minute=0, second=0, microsecond=0)
    fmt = "%Y-%m-%dT%H:%M"
    answer = client.post(url, data={"solution_id": str(solution.id), "option_1": start.strftime(fmt),
                                    "option_2": (start + timedelta(days=1)).strftime(fmt), "minutes": "45",
                                    "place": ""})
    assert answer.status_code == 200 and "Give a place or a video link." in answer.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 0
    answer = client.post(url, data={"solution_id": str(solution.id), "option_1": start.strftime(fmt),
                                    "option_2": (start + timedelta(days=1)).strftime(fmt), "minutes": "45",
                                    "place": "QMH Block K"})
    assert answer.status_code == 302
    meeting = db.session.scalar(sa.select(Meeting))
    assert meeting.origin == "recommendation" and meeting.solution_id == solution.id
    sign_in(client, booth)
    shown = client.get(f"/forums/{forum.slug}/meetings/{meeting.id}").get_data(as_text=True)
    assert "contact details not shared" in shown and ha.email not in shown
    client.post(f"/forums/{forum.slug}/meetings/{meeting.id}/answer", data={"choice": str(meeting.options[1].id)})
    db.session.refresh(meeting)
    assert meeting.status == MeetingStatus.confirmed and len(outbox()) == 2
    ics = client.get(f"/forums/{forum.slug}/meetings/{meeting.id}/invite.ics")
    assert b"METHOD:REQUEST" in ics.data
    # The meeting has taken place: the HA user records "propose a pilot", which waits for the partnership team.
    meeting.starts_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    sign_in(client, ha)
    client.post(f"/forums/{forum.slug}/meetings/{meeting.id}/outcome", data={"kind": "pilot", "next_step": "Trial in ward"})
    assert [m.id for m in meeting_outcomes.awaiting_pilot()] == [meeting.id]
    sign_in(client, partner)
    assert "Trial in ward" in client.get("/pilots/attention").get_data(as_text=True)
    to_form = client.get(f"/forums/{forum.slug}/meetings/{meeting.id}/pilot")
    form = client.get(to_form.headers["Location"])
    html = form.get_data(as_text=True)
    assert f'<option selected value="{solution.id}"' in html and f'<option selected value="{site.id}"' in html
    created = client.post(to_form.headers["Location"], data={"company_id": str(company.id), "solution_id": str(solution.id),
                                                             "sites": [str(site.id)], "title": "Bed board pilot"})
    assert created.status_code == 302, created.get_data(as_text=True)[:2000]
    origin = db.session.scalar(sa.select(PilotOrigin).where(PilotOrigin.kind == "meeting"))
    assert origin.ref_id == meeting.id and meeting_outcomes.awaiting_pilot() == []


def test_not_invited_people_do_not_see_the_meeting(client, forum, exhibitors):
    company = exhibitors[0].company
    ha = UserFactory(role="ha_staff")
    UserFactory(role="exhibitor", company_id=company.id)
    start = utcnow() + timedelta(days=1)
    meeting = meetings.propose(ha, forum, company_id=company.id, ha_user_ids=[], place="x",
                               options=[(start, start + timedelta(hours=1)), (start + timedelta(days=1),
                                                                             start + timedelta(days=1, hours=1))])
    db.session.commit()
    sign_in(client, UserFactory(role="ha_staff"))
    assert client.get(f"/forums/{forum.slug}/meetings/{meeting.id}").status_code == 404
    assert client.post(f"/forums/{forum.slug}/meetings/{meeting.id}/answer",
                       data={"choice": "decline"}).status_code == 404


def test_my_meetings_page_runs_a_bounded_number_of_queries(client, forum, exhibitors, query_counter):
    company = exhibitors[0].company
    booth = UserFactory(role="exhibitor", company_id=company.id)
    start = utcnow() + timedelta(days=2)

    def one():
        ha = UserFactory(role="ha_staff")
        meetings.propose(ha, forum, company_id=company.id, ha_user_ids=[], place="QMH",
                         solution_id=exhibitors[0].solutions[0].id,
                         options=[(start, start + timedelta(hours=1)), (start + timedelta(days=1),
                                                                       start + timedelta(days=1, hours=1))])

    one()
    db.session.commit()
    sign_in(client, booth)
    with query_counter() as few:
        assert client.get(f"/forums/{forum.slug}/meetings").status_code == 200
    for _ in range(12):
        one()
    db.session.commit()
    with query_counter() as many:
        html = client.get(f"/forums/{forum.slug}/meetings").get_data(as_text=True)
    assert html.count("/meetings/") >= 13
    assert many.count == few.count, "\n".join(s[:150] for s in many.statements)


def test_the_partnership_team_picks_the_company_and_ha_people_by_searching(client, forum, exhibitors):
    from forum.matchmaking.models import MeetingParticipant

    company, other = exhibitors[0].company, exhibitors[1].company
    company.name_en, company.name_zh, other.name_en = "Bedside Robotics Ltd", "床邊機械人", "Coating Works Ltd"
    people = [UserFactory(role="ha_staff", name_en=name) for name in ("Amy Wong", "Bob Lee", "Cathy Chan")]
    for person, department in zip(people, ("Radiology", "Nursing", "Radiology")):
        AttendeeFactory(forum=forum, user_id=person.id, email=person.email, email_key=person.email,
                        department=department)
    team = UserFactory(role="partnership")
    UserFactory(role="exhibitor", company_id=company.id)
    db.session.commit()
    sign_in(client, team)
    url = f"/forums/{forum.slug}/meetings/new"
    html = client.get(url).get_data(as_text=True)
    assert 'id="company-picker"' in html and "Coating Works Ltd" in html and "Choose the company" in html
    assert "Not yet approved" not in html and html.count('name="ha_people"') == 3
    found = client.post(url, data={"action": "find", "company_search": "床邊", "people_search": "radio"})
    html = found.get_data(as_text=True)
    assert found.status_code == 200 and "1 company found" in html
    assert "Bedside Robotics Ltd" in html and "Coating Works Ltd" not in html
    assert "Amy Wong · Radiology" in html and "Cathy Chan" in html and "Bob Lee" not in html
    # A new search keeps the people already ticked, ticked.
    kept = client.post(url, data={"action": "find", "company_id": str(company.id), "people_search": "Bob",
                                  "ha_people": [str(people[0].id)]}).get_data(as_text=True)
    assert f'value="{people[0].id}" checked' in kept and "Bob Lee" in kept and "Cathy Chan" not in kept
    assert company.solutions[0].title_en in kept  # the chosen company's solutions are listed
    start = (utcnow() + timedelta(days=3)).astimezone(HK).replace(minute=0, second=0, microsecond=0)
    times = {"option_1": start.strftime("%Y-%m-%dT%H:%M"),
             "option_2": (start + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"), "minutes": "30",
             "video_url": "https://meet.example/abc"}
    none = client.post(url, data={"action": "send", "company_id": str(company.id), **times})
    assert none.status_code == 200 and 'id="ha_people-error"' in none.get_data(as_text=True)
    sent = client.post(url, data={"action": "send", "company_id": str(company.id),
                                  "ha_people": [str(people[0].id), str(people[1].id)], **times})
    assert sent.status_code == 302
    meeting = db.session.scalar(sa.select(Meeting))
    invited = set(db.session.scalars(sa.select(MeetingParticipant.user_id).where(MeetingParticipant.side == "ha")))
    assert meeting.company_id == company.id and invited == {people[0].id, people[1].id}


def test_an_exhibitor_proposes_for_its_own_company_only(client, forum, exhibitors):
    company = exhibitors[0].company
    booth = UserFactory(role="exhibitor", company_id=company.id)
    db.session.commit()
    sign_in(client, booth)
    html = client.get(f"/forums/{forum.slug}/meetings/new?company={exhibitors[1].company_id}").get_data(as_text=True)
    assert 'id="company-picker"' not in html and f'name="company_id" value="{company.id}"' in html


def test_the_proposal_page_runs_the_same_queries_for_few_and_many_people(client, forum, exhibitors, query_counter):
    def add_people(n):
        for _ in range(n):
            person = UserFactory(role="ha_staff")
            AttendeeFactory(forum=forum, user_id=person.id, email=person.email, email_key=person.email)
        db.session.commit()

    team = UserFactory(role="partnership")
    add_people(3)
    sign_in(client, team)
    url = f"/forums/{forum.slug}/meetings/new?company={exhibitors[0].company_id}"
    client.get(url)
    with query_counter() as few:
        client.get(url)
    add_people(40)  # more than the 30 listed: the rest is counted
    with query_counter() as many:
        html = client.get(url).get_data(as_text=True)
    assert "13 more: search by name or department" in html
    assert many.count <= few.count + 1, "\n".join(s[:150] for s in many.statements)

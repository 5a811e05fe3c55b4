"""Two people booking the last seat (or the last day of a pass) at once end in one booking.

Real commits from several threads through the JSON API, on the suite's database (SQLite, or
PostgreSQL with TEST_DATABASE_URL); the unique indexes decide, not the application.
"""
from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum.accounts.services import issue_token
from forum.cli import SystemActor
from forum.datalab import applications, bookings, lab, review
from forum.datalab.models import Booking
from forum.extensions import db
from tests.datalab.conftest import VALUES
from tests.factories import CompanyFactory, UserFactory


def _fire(send, jobs: list) -> list:
    results = [None] * len(jobs)
    barrier = threading.Barrier(len(jobs))

    def worker(index, job):
        barrier.wait()
        results[index] = send(job)

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def _approved_team(size: int):
    system = SystemActor()
    staff = UserFactory(role="partnership")
    lab.add_staff(system, staff)
    stations = [lab.add_workstation(staff, f"WS{n}") for n in range(1, size + 1)]
    people = [UserFactory(role="ha_staff") for _ in lab.committees()]
    for committee, person in zip(lab.committees(), people):
        lab.add_committee_member(staff, committee, person, chair=True)
    company = CompanyFactory()
    team = [UserFactory(role="exhibitor", company_id=company.id) for _ in range(size)]
    application = applications.create_draft(team[0], dict(VALUES))
    for person in team[1:]:
        applications.add_team_member(team[0], application, person.email)
    applications.submit(team[0], application)
    for r, person in zip(review.current_reviews(application), people):
        review.decide(person, r, "approve")
    for person in team:
        applications.accept_undertaking(person, application)
    first = applications.today_hk() + timedelta(days=2)
    days = lab.open_days(first, first + timedelta(days=30))
    return application, team, stations, days


def _post(app, token, application_id, body):
    response = app.test_client().post(f"/api/v1/datalab/applications/{application_id}/bookings", json=body,
                                      headers={"Authorization": f"Bearer {token}"})
    assert response.status_code in (201, 409, 400), response.get_data(as_text=True)
    return response.status_code


@pytest.mark.committed
def test_eight_people_booking_one_seat_at_once_end_in_one_booking(app, committed):
    application, team, stations, days = _approved_team(8)
    tokens = [issue_token(person, "race") for person in team]
    jobs = [(tokens[i], {"member_id": team[i].id, "workstation_id": stations[0].id, "day": days[0].isoformat(),
                         "session": "am"}) for i in range(8)]
    application_id = application.id
    db.session.commit()
    results = _fire(lambda job: _post(app, job[0], application_id, job[1]), jobs)
    assert Counter(results) == {201: 1, 409: 7}
    db.session.rollback()
    live = db.session.scalar(sa.select(sa.func.count()).select_from(Booking).where(Booking.released_at.is_(None)))
    assert live == 1


@pytest.mark.committed
def test_racing_for_the_last_day_of_a_pass_gives_it_to_one(app, committed):
    application, team, stations, days = _approved_team(6)
    for n in range(4):  # four of five days used
        bookings.book(team[0], application, team[0].id, stations[0].id, days[n], "am")
    tokens = [issue_token(person, "race") for person in team]
    # six people, six different seats, six different new days: only one day is left
    jobs = [(tokens[i], {"member_id": team[i].id, "workstation_id": stations[i].id, "day": days[4 + i].isoformat(),
                         "session": "pm"}) for i in range(6)]
    application_id = application.id
    db.session.commit()
    results = _fire(lambda job: _post(app, job[0], application_id, job[1]), jobs)
    assert results.count(201) == 1 and all(code in (400, 409) for code in results if code != 201)
    db.session.rollback()
    db.session.expire_all()
    assert bookings.days_left(application) == 0
    assert db.session.scalar(sa.select(sa.func.count(sa.distinct(Booking.day))).where(
        Booking.application_id == application.id, Booking.released_at.is_(None))) == 5

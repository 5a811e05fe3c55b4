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

from forum.accounts.tokens import issue_token
from forum.cli import SystemActor
from forum.datalab import applications, bookings, lab, review
from forum.datalab.models import Booking
from forum.extensions import db
from tests.support.datalab import VALUES
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


def _signed_in_client(app, user):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
    return client


@pytest.mark.committed
def test_two_members_deciding_for_one_committee_at_once_record_one_decision(app, committed):
    from forum.datalab.models import Review

    system = SystemActor()
    staff = UserFactory(role="partnership")
    lab.add_staff(system, staff)
    ethics, _governance = lab.committees()
    members = [UserFactory(role="ha_staff") for _ in range(4)]
    for person in members:
        lab.add_committee_member(staff, ethics, person)
    company = CompanyFactory()
    applicant = UserFactory(role="exhibitor", company_id=company.id)
    application = applications.create_draft(applicant, dict(VALUES))
    applications.submit(applicant, application)
    target = next(r for r in review.current_reviews(application) if r.committee_id == ethics.id)
    clients = [_signed_in_client(app, person) for person in members]
    review_id = target.id
    db.session.commit()
    decisions = ["approve", "reject", "request_changes", "approve_with_conditions"]

    def send(index):
        response = clients[index].post(f"/datalab/staff/reviews/{review_id}",
                                       data={"decision": decisions[index], "comments": f"Member {index}."})
        return response.status_code

    results = _fire(send, list(range(4)))
    assert Counter(results) == {302: 1, 200: 3}
    db.session.rollback()
    db.session.expire_all()
    decided = db.session.get(Review, review_id)
    winner = results.index(302)
    assert decided.decision.value == decisions[winner] and decided.decided_by_id == members[winner].id


@pytest.mark.committed
def test_both_committees_approving_at_once_approve_the_application(app, committed):
    from forum.datalab.models import LabApplication, LabApplicationStatus

    system = SystemActor()
    staff = UserFactory(role="partnership")
    lab.add_staff(system, staff)
    chairs = [UserFactory(role="ha_staff") for _ in lab.committees()]
    for committee, person in zip(lab.committees(), chairs):
        lab.add_committee_member(staff, committee, person, chair=True)
    company = CompanyFactory()
    applicant = UserFactory(role="exhibitor", company_id=company.id)
    application = applications.create_draft(applicant, dict(VALUES))
    applications.submit(applicant, application)
    jobs = [(_signed_in_client(app, person), r.id) for person, r in zip(chairs, review.current_reviews(application))]
    application_id = application.id
    db.session.commit()
    results = _fire(lambda job: job[0].post(f"/datalab/staff/reviews/{job[1]}", data={"decision": "approve"})
                    .status_code, jobs)
    assert results == [302, 302]
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(LabApplication, application_id).status == LabApplicationStatus.approved


@pytest.mark.committed
def test_two_output_reviews_at_once_release_the_request(app, committed):
    from forum.datalab import outputs
    from forum.datalab.models import OutputRequest, OutputStatus

    application, team, _stations, _days = _approved_team(1)
    reviewers = [UserFactory(role="ha_staff") for _ in range(2)]
    for person in reviewers:
        lab.add_staff(SystemActor(), person)
    request = outputs.create_request(team[0], application, "Counts", [(b"a,b\n100,200\n", "t.csv")])
    jobs = [(_signed_in_client(app, person), request.id) for person in reviewers]
    request_id = request.id
    db.session.commit()
    results = _fire(lambda job: job[0].post(f"/datalab/staff/outputs/{job[1]}", data={"verdict": "release"})
                    .status_code, jobs)
    assert results == [302, 302]
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(OutputRequest, request_id).status == OutputStatus.released


@pytest.mark.committed
def test_eight_scans_of_one_pass_at_once_let_the_member_in_once(app, committed):
    """Eight lab staff devices scanning the same pass at the lab point at once: one entry, seven "already
    in". The conditional UPDATE of entered_at and uq_datalab_door_first_entry decide, not a read."""
    from forum.checkin.services import Scan
    from forum.datalab import door
    from forum.datalab.models import DoorScan

    application, team, stations, days = _approved_team(1)
    booking = bookings.book(team[0], application, team[0].id, stations[0].id, days[0], "am")
    staff_id = db.session.scalar(sa.select(lab.LabStaff.user_id))
    point_id = door.open_door_point(db.session.get(type(team[0]), staff_id)).id
    code = door.pass_code(application.team[0])
    moment = lab.session_start(days[0], "am")
    booking_id = booking.id
    db.session.commit()

    def send(index):
        from forum.db import write_transactions

        with app.app_context(), write_transactions():  # as a POST to the point's API declares
            from forum.accounts.models import User
            from forum.checkin.models import CheckInPoint

            actor = db.session.get(User, staff_id)
            scan = Scan(code=code, nonce=f"lab-race-{index:04d}", scanned_at=moment, direction="in")
            answer = door.judge(actor, db.session.get(CheckInPoint, point_id), scan, now=moment)
            db.session.commit()
            db.session.remove()
            return answer["result"]

    results = _fire(send, list(range(8)))
    assert Counter(results) == {"ok": 1, "already_checked_in": 7}
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DoorScan)
                             .where(DoorScan.booking_id == booking_id, DoorScan.first_entry)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DoorScan)) == 8
    assert db.session.get(Booking, booking_id).entered_at == moment

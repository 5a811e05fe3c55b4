"""The waiting list: a released seat is held for the longest-waiting member, then passed on."""
from datetime import timedelta

import pytest

from forum.datalab import applications, bookings, review, waitlist
from forum.datalab.models import Booking
from forum.errors import Conflict, ValidationError
from tests.support.datalab import APPROVAL_DAY, VALUES, day
from tests.factories import UserFactory

NOW = APPROVAL_DAY


def approved_team(datalab, company, size: int):
    people = [UserFactory(role="exhibitor", company_id=company.id) for _ in range(size)]
    application = applications.create_draft(people[0], dict(VALUES))
    for person in people[1:]:
        applications.add_team_member(people[0], application, person.email)
    applications.submit(people[0], application, now=NOW)
    for r, who in zip(review.current_reviews(application), (datalab.ethics_member, datalab.governance_chair)):
        review.decide(who, r, "approve", now=NOW)
    for person in people:
        applications.accept_undertaking(person, application, now=NOW)
    return application, people


@pytest.fixture
def full(datalab, company):
    """All three workstations taken on 2 Dec morning; two people of two teams wait for that session."""
    first, (ann, ben, cat) = approved_team(datalab, company[0], 3)
    second, (dan, eve) = approved_team(datalab, company[0], 2)
    seats = [bookings.book(ann, first, person.id, station.id, day(2), "am", now=NOW)
             for person, station in zip((ann, ben), datalab.stations[:2])]
    seats.append(bookings.book(dan, second, dan.id, datalab.stations[2].id, day(2), "am", now=NOW))
    waitlist.join(dan, second, eve.id, day(2), "am", now=NOW)
    waitlist.join(ann, first, cat.id, day(2), "am", now=NOW + timedelta(minutes=1))
    return first, second, seats, {"ann": ann, "ben": ben, "cat": cat, "dan": dan, "eve": eve}


def test_joining_is_for_full_sessions_and_once_per_person(datalab, company, full):
    first, second, _seats, p = full
    with pytest.raises(ValidationError, match="free"):
        waitlist.join(p["ann"], first, p["cat"].id, day(3), "am", now=NOW)
    with pytest.raises(Conflict):
        waitlist.join(p["dan"], second, p["eve"].id, day(2), "am", now=NOW)


def test_a_released_seat_is_held_for_the_first_in_line_then_passed_on(datalab, company, full, outbox):
    first, second, seats, p = full
    bookings.cancel(p["ann"], seats[0], now=NOW)
    from forum.extensions import db

    held = db.session.scalars(db.select(Booking).where(Booking.user_id == p["eve"].id)).one()
    assert held.workstation_id == seats[0].workstation_id and held.held_until == NOW + timedelta(minutes=120)
    # a held seat does not open the lab door until it is confirmed
    from datetime import datetime

    from forum.datalab import door
    from forum.db import HK

    member = next(m for m in second.team if m.user_id == p["eve"].id)
    answer = door.scan(datalab.staff, door.pass_code(member), "in", now=datetime(2026, 12, 2, 9, 40, tzinfo=HK))
    assert answer["result"] == "refused"
    # nobody else can take the held seat
    with pytest.raises(Conflict):
        bookings.book(p["ann"], first, p["cat"].id, held.workstation_id, day(2), "am", now=NOW)
    # not confirmed in time: released, and held for the next in line
    later = NOW + timedelta(hours=3)
    with pytest.raises(ValidationError, match="expired"):
        waitlist.confirm(p["dan"], held, now=later)
    assert waitlist.expire_holds(datalab.staff, now=later) == 1
    assert held.release_reason == "hold_expired"
    passed = db.session.scalars(db.select(Booking).where(Booking.user_id == p["cat"].id)).one()
    assert passed.held_until == later + timedelta(minutes=120)
    with pytest.raises(ValidationError, match="no held seat"):
        waitlist.confirm(p["dan"], held, now=later)
    waitlist.confirm(p["ann"], passed, now=later + timedelta(minutes=10))
    assert passed.held_until is None and passed.released_at is None
    assert waitlist.entries_of(first) == [] and waitlist.entries_of(second) == []


def test_a_no_show_seat_goes_to_the_waiting_list_for_the_rest_of_the_session(datalab, company, full):
    from datetime import datetime

    from forum.db import HK
    from forum.extensions import db

    _first, _second, _seats, p = full
    found = bookings.mark_no_shows(datalab.staff, now=datetime(2026, 12, 2, 10, 0, tzinfo=HK))
    assert len(found) == 3
    offered = db.session.scalars(db.select(Booking).where(Booking.held_until.is_not(None))).all()
    assert sorted(b.user_id for b in offered) == sorted([p["eve"].id, p["cat"].id])

"""Booking the pass by seat: quota of session-days, window, closed days, cancellation, no-shows."""
from datetime import date, datetime, timedelta

import pytest

from forum.datalab import applications, bookings, lab, review
from forum.datalab.models import Booking
from forum.db import HK
from forum.errors import Conflict, PermissionDenied, ValidationError
from forum.extensions import db
from tests.support.datalab import APPROVAL_DAY, day
from tests.factories import CompanyFactory, UserFactory

NOW = APPROVAL_DAY


def test_booking_opens_only_after_both_approvals_and_every_undertaking(datalab, company, submitted):
    _company, applicant, colleague = company
    station = datalab.stations[0]
    with pytest.raises(ValidationError, match="both committees"):
        bookings.book(applicant, submitted, applicant.id, station.id, day(1), "am", now=NOW)
    for r, who in zip(review.current_reviews(submitted), (datalab.ethics_member, datalab.governance_chair)):
        review.decide(who, r, "approve", now=NOW)
    applications.accept_undertaking(applicant, submitted, now=NOW)
    with pytest.raises(ValidationError, match="undertaking"):
        bookings.book(applicant, submitted, applicant.id, station.id, day(1), "am", now=NOW)
    applications.accept_undertaking(colleague, submitted, now=NOW)
    booking = bookings.book(applicant, submitted, colleague.id, station.id, day(1), "am", now=NOW)
    assert booking.user_id == colleague.id and bookings.days_left(submitted) == 4


def test_quota_counts_days_not_seats_and_stops_at_five(datalab, company, approved):
    _company, applicant, colleague = company
    s1, s2 = datalab.stations[0].id, datalab.stations[1].id
    bookings.book(applicant, approved, applicant.id, s1, day(1), "am", now=NOW)
    bookings.book(applicant, approved, colleague.id, s2, day(1), "am", now=NOW)
    bookings.book(applicant, approved, colleague.id, s2, day(1), "pm", now=NOW)
    assert bookings.days_left(approved) == 4  # one day, three seats
    for d in (2, 3, 4, 7):
        bookings.book(applicant, approved, applicant.id, s1, day(d), "am", now=NOW)
    assert bookings.days_left(approved) == 0
    with pytest.raises(ValidationError, match="All 5 days"):
        bookings.book(applicant, approved, applicant.id, s1, day(8), "am", now=NOW)
    # another seat on a day already taken costs nothing
    bookings.book(applicant, approved, colleague.id, s2, day(7), "pm", now=NOW)


def test_no_seat_is_booked_twice_and_nobody_sits_twice(datalab, company, approved):
    _company, applicant, colleague = company
    s1, s2 = datalab.stations[0].id, datalab.stations[1].id
    bookings.book(applicant, approved, applicant.id, s1, day(1), "am", now=NOW)
    with pytest.raises(Conflict):
        bookings.book(applicant, approved, colleague.id, s1, day(1), "am", now=NOW)
    with pytest.raises(Conflict):
        bookings.book(applicant, approved, applicant.id, s2, day(1), "am", now=NOW)
    assert bookings.days_left(approved) == 4  # the refused bookings took nothing
    bookings.book(applicant, approved, colleague.id, s2, day(1), "am", now=NOW)


@pytest.mark.parametrize("when, session, message", [
    (date(2026, 12, 5), "am", "closed"),  # Saturday
    (date(2026, 12, 25), "am", "closed"),  # Christmas Day, from the shipped list
    (date(2027, 6, 1), "am", "Book between"),  # after the window
    (date(2026, 11, 30), "am", "already started"),  # today, 09:30 has passed at 10:00
])
def test_refused_days(datalab, company, approved, when, session, message):
    _company, applicant, _colleague = company
    with pytest.raises(ValidationError, match=message):
        bookings.book(applicant, approved, applicant.id, datalab.stations[0].id, when, session, now=NOW)


def test_blackout_days_close_the_lab(datalab, company, approved):
    _company, applicant, _colleague = company
    lab.set_blackout(datalab.staff, day(9), "Network maintenance")
    with pytest.raises(ValidationError, match="closed"):
        bookings.book(applicant, approved, applicant.id, datalab.stations[0].id, day(9), "am", now=NOW)
    with pytest.raises(PermissionDenied):
        lab.set_blackout(applicant, day(10), "Mine")


def test_only_named_members_and_own_company_or_lab_staff(datalab, company, approved):
    _company, applicant, _colleague = company
    stranger = UserFactory(role="exhibitor", company_id=CompanyFactory().id)
    with pytest.raises(PermissionDenied):
        bookings.book(stranger, approved, applicant.id, datalab.stations[0].id, day(1), "am", now=NOW)
    with pytest.raises(ValidationError, match="named team members"):
        bookings.book(applicant, approved, stranger.id, datalab.stations[0].id, day(1), "am", now=NOW)
    booking = bookings.book(datalab.staff, approved, applicant.id, datalab.stations[0].id, day(1), "am", now=NOW)
    assert booking.booked_by_id == datalab.staff.id


def test_cancelling_frees_the_seat_and_the_day(datalab, company, approved):
    _company, applicant, colleague = company
    s1 = datalab.stations[0].id
    booking = bookings.book(applicant, approved, applicant.id, s1, day(2), "am", now=NOW)
    bookings.cancel(applicant, booking, now=NOW)
    assert bookings.days_left(approved) == 5
    again = bookings.book(applicant, approved, colleague.id, s1, day(2), "am", now=NOW)
    assert again.id != booking.id and booking.release_reason == "cancelled"
    # late cancellation is for lab staff only
    late = datetime(2026, 12, 2, 8, 0, tzinfo=HK)
    with pytest.raises(ValidationError, match="hours before"):
        bookings.cancel(applicant, again, now=late)
    bookings.cancel(datalab.staff, again, now=late)


def test_the_pass_expires_by_itself(datalab, company, approved):
    _company, applicant, _colleague = company
    after = datetime.combine(approved.pass_until + timedelta(days=1), datetime.min.time(), tzinfo=HK)
    assert "expired" in bookings.booking_open(approved, after.date())
    with pytest.raises(ValidationError, match="expired"):
        bookings.book(applicant, approved, applicant.id, datalab.stations[0].id, after.date() + timedelta(days=1),
                      "am", now=after)


def test_no_shows_are_recorded_kept_and_release_the_seat(datalab, company, approved, outbox):
    _company, applicant, colleague = company
    s1 = datalab.stations[0].id
    missed = bookings.book(applicant, approved, colleague.id, s1, day(1), "am", now=NOW)
    kept = bookings.book(applicant, approved, applicant.id, datalab.stations[1].id, day(1), "am", now=NOW)
    kept.entered_at = datetime(2026, 12, 1, 9, 35, tzinfo=HK)
    assert bookings.mark_no_shows(datalab.staff, now=datetime(2026, 12, 1, 9, 59, tzinfo=HK)) == []
    found = bookings.mark_no_shows(datalab.staff, now=datetime(2026, 12, 1, 10, 0, tzinfo=HK))
    assert found == [missed] and missed.release_reason == "no_show"
    assert db.session.get(Booking, missed.id) is not None  # kept, never deleted
    assert bookings.days_left(approved) == 4  # a no-show still used the day
    # the seat is free again for someone else
    other = bookings.book(datalab.staff, approved, colleague.id, s1, day(1), "am", now=NOW)
    assert other.workstation_id == missed.workstation_id and other.day == missed.day
    # the committees see the history on the team's next application
    copy = applications.copy_application(applicant, approved)
    assert review.no_show_history(copy) == [missed]

"""Amending an approved application: a new revision both committees review again; the pass window stays
(a pass is never extended) and only bookings that are still valid are kept."""
from datetime import datetime

import pytest

from forum.audit.models import AuditEvent
from forum.datalab import applications, bookings, door, review
from forum.datalab.models import Booking, LabApplicationStatus as Status
from forum.db import HK
from forum.errors import ValidationError
from forum.extensions import db
from tests.support.datalab import APPROVAL_DAY, day

LATER = datetime(2026, 12, 2, 10, 0, tzinfo=HK)


@pytest.fixture
def booked(datalab, company, approved):
    _company, applicant, colleague = company
    mine = bookings.book(applicant, approved, applicant.id, datalab.stations[0].id, day(9), "am", now=APPROVAL_DAY)
    theirs = bookings.book(applicant, approved, colleague.id, datalab.stations[1].id, day(10), "am",
                           now=APPROVAL_DAY)
    return mine, theirs


def decide_all(datalab, application, decision="approve", comments=""):
    for item in review.current_reviews(application):
        member = datalab.ethics_chair if item.committee_id == datalab.ethics.id else datalab.governance_chair
        review.decide(member, item, decision, comments, now=LATER)


def test_an_approved_amendment_keeps_the_window_and_the_bookings_still_valid(datalab, company, approved, booked):
    _company, applicant, colleague = company
    mine, theirs = booked
    window = (approved.pass_from, approved.pass_until)
    applications.start_amendment(applicant, approved, now=LATER)
    assert approved.status == Status.amending
    applications.update(applicant, approved, {"purpose": "Train a risk model; add falls in clinics."})
    member = next(m for m in approved.team if m.user_id == colleague.id)
    applications.remove_team_member(applicant, approved, member.id)
    applications.submit(applicant, approved, now=LATER)
    assert approved.status == Status.under_review and approved.revision == 2
    assert [r.revision for r in review.current_reviews(approved)] == [2, 2]
    assert ("Purpose", "Train a risk model.", "Train a risk model; add falls in clinics.") in [
        (str(label), before, after) for label, before, after in applications.differences(approved)]
    decide_all(datalab, approved)
    assert approved.status == Status.approved
    assert (approved.pass_from, approved.pass_until) == window  # a pass is never extended
    db.session.refresh(mine)
    db.session.refresh(theirs)
    assert mine.released_at is None
    assert theirs.released_at is not None and theirs.release_reason == "amended"
    actions = set(db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.object_id == approved.id)))
    assert {"datalab.amendment_started", "datalab.resubmitted"} <= actions


def test_a_rejected_amendment_releases_the_future_bookings(datalab, company, approved, booked):
    _company, applicant, _colleague = company
    applications.start_amendment(applicant, approved, now=LATER)
    applications.submit(applicant, approved, now=LATER)
    ethics = next(r for r in review.current_reviews(approved) if r.committee_id == datalab.ethics.id)
    review.decide(datalab.ethics_chair, ethics, "reject", "Out of scope.", now=LATER)
    assert approved.status == Status.rejected
    assert db.session.scalar(db.select(db.func.count()).select_from(Booking).where(
        Booking.application_id == approved.id, Booking.released_at.is_(None))) == 0


def test_the_door_refuses_while_an_amendment_is_open(datalab, company, approved, booked):
    _company, applicant, _colleague = company
    mine, _theirs = booked
    code = door.pass_code(next(m for m in approved.team if m.user_id == applicant.id))
    applications.start_amendment(applicant, approved, now=LATER)
    answer = door.scan(datalab.staff, code, "in", now=datetime(2026, 12, 9, 9, 40, tzinfo=HK))
    assert answer["result"] == "refused"
    # ...and a booked session missed meanwhile is not counted as a no-show.
    assert bookings.mark_no_shows(datalab.staff, now=datetime(2026, 12, 9, 11, 0, tzinfo=HK)) == []


def test_only_a_live_approved_pass_can_be_amended(datalab, company, submitted, approved):
    _company, applicant, _colleague = company
    with pytest.raises(ValidationError, match="further access needs a new application"):
        applications.start_amendment(applicant, approved, now=datetime(2027, 6, 1, 10, 0, tzinfo=HK))
    draft = applications.create_draft(applicant, {"title": "Draft"})
    with pytest.raises(ValidationError):
        applications.start_amendment(applicant, draft, now=LATER)


def test_an_expired_pass_says_further_access_needs_a_new_application(datalab, company, approved):
    after = approved.pass_until.toordinal() + 1
    message = bookings.booking_open(approved, approved.pass_until.fromordinal(after))
    assert "further access needs a new application" in message


def test_amending_through_the_page(client, datalab, company, approved):
    _company, applicant, _colleague = company
    with client.session_transaction() as session:
        session["_user_id"] = applicant.get_id()
    page = client.get(f"/datalab/applications/{approved.id}").get_data(as_text=True)
    assert 'id="amend-application"' in page
    response = client.post(f"/datalab/applications/{approved.id}/amend")
    assert response.status_code == 302
    assert approved.status == Status.amending
    page = client.get(f"/datalab/applications/{approved.id}").get_data(as_text=True)
    assert 'id="submit-application"' in page and 'id="amendment-note"' in page

"""Both committees in parallel: decisions, change requests and revisions, conflicts, the queue."""
from datetime import date, timedelta

import pytest

from forum.datalab import applications, review
from forum.datalab.models import LabApplicationStatus as S
from forum.errors import Conflict, PermissionDenied, ValidationError
from tests.support.datalab import APPROVAL_DAY
from tests.factories import UserFactory


def test_both_committees_must_approve_and_the_pass_window_starts(datalab, submitted, outbox):
    ethics, governance = review.current_reviews(submitted)
    review.decide(datalab.ethics_member, ethics, "approve_with_conditions", "Only aggregated results.",
                  now=APPROVAL_DAY)
    assert submitted.status == S.under_review
    review.decide(datalab.governance_chair, governance, "approve", now=APPROVAL_DAY)
    assert submitted.status == S.approved
    assert submitted.pass_from == date(2026, 11, 30) and submitted.pass_until == date(2026, 11, 30) + timedelta(91)


def test_members_cannot_decide_for_the_other_committee(datalab, submitted):
    ethics, governance = review.current_reviews(submitted)
    with pytest.raises(PermissionDenied):
        review.decide(datalab.ethics_member, governance, "approve")
    with pytest.raises(PermissionDenied):
        review.decide(datalab.staff, ethics, "approve")  # lab staff are not committee members
    assert governance.decision is None and ethics.decision is None


def test_an_administrator_does_not_decide_for_a_committee(datalab, submitted):
    ethics, _governance = review.current_reviews(submitted)
    with pytest.raises(PermissionDenied):
        review.decide(UserFactory(role="admin"), ethics, "approve")


def test_a_declared_conflict_takes_the_member_out(datalab, submitted):
    ethics, _governance = review.current_reviews(submitted)
    assert ethics in review.for_committee_member(datalab.ethics_member)
    review.declare_conflict(datalab.ethics_member, submitted, "I advise this company.")
    assert review.for_committee_member(datalab.ethics_member) == []
    with pytest.raises(PermissionDenied):
        review.decide(datalab.ethics_member, ethics, "approve")
    review.decide(datalab.ethics_chair, ethics, "approve")  # the other member still can
    assert ethics.decided_by_id == datalab.ethics_chair.id


def test_one_decision_per_committee(datalab, submitted):
    ethics, _governance = review.current_reviews(submitted)
    review.decide(datalab.ethics_member, ethics, "approve")
    with pytest.raises((Conflict, ValidationError)):
        review.decide(datalab.ethics_chair, ethics, "reject", "No.")


def test_a_decision_other_than_approve_needs_comments(datalab, submitted):
    ethics, _governance = review.current_reviews(submitted)
    with pytest.raises(ValidationError) as error:
        review.decide(datalab.ethics_member, ethics, "request_changes", "")
    assert error.value.field == "comments"


def test_changes_requested_come_back_as_a_new_revision_with_differences(datalab, company, submitted, outbox):
    _company, applicant, _colleague = company
    ethics, governance = review.current_reviews(submitted)
    review.decide(datalab.ethics_member, ethics, "request_changes", "Say how consent is handled.",
                  section="purpose", now=APPROVAL_DAY)
    review.decide(datalab.governance_chair, governance, "approve", now=APPROVAL_DAY)
    assert submitted.status == S.changes_requested
    mail = outbox()  # nothing sent before commit
    assert mail == []
    applications.update(applicant, submitted, {"purpose": "Train a risk model; consent waived by the committee."})
    applications.submit(applicant, submitted, now=APPROVAL_DAY + timedelta(days=2))
    assert submitted.status == S.under_review and submitted.revision == 2
    changed = applications.differences(submitted)
    assert [(str(label), after) for label, _before, after in changed] == [
        ("Purpose", "Train a risk model; consent waived by the committee.")]
    # both committees look at the new revision
    assert {r.revision for r in review.current_reviews(submitted)} == {2}
    for r, who in zip(review.current_reviews(submitted), (datalab.ethics_chair, datalab.governance_chair)):
        review.decide(who, r, "approve", now=APPROVAL_DAY + timedelta(days=3))
    assert submitted.status == S.approved


def test_a_rejection_closes_the_application(datalab, submitted):
    ethics, governance = review.current_reviews(submitted)
    review.decide(datalab.governance_chair, governance, "reject", "Data domains not justified.")
    assert submitted.status == S.rejected
    with pytest.raises(ValidationError):
        review.decide(datalab.ethics_member, ethics, "approve")


def test_undertaking_only_after_approval_and_by_named_members(datalab, company, submitted):
    _company, applicant, colleague = company
    with pytest.raises(ValidationError):
        applications.accept_undertaking(applicant, submitted)
    for r, who in zip(review.current_reviews(submitted), (datalab.ethics_member, datalab.governance_chair)):
        review.decide(who, r, "approve")
    stranger = UserFactory(role="exhibitor", company_id=_company.id)
    with pytest.raises(PermissionDenied):
        applications.accept_undertaking(stranger, submitted)
    applications.accept_undertaking(applicant, submitted)
    assert not applications.undertaking_complete(submitted)
    applications.accept_undertaking(colleague, submitted)
    assert applications.undertaking_complete(submitted)


def test_queue_says_what_waits_on_whom_and_turnaround_is_in_working_days(datalab, submitted):
    rows = review.queue(datalab.staff)
    assert [r.application for r in rows] == [submitted]
    assert sorted(rows[0].waiting_on) == sorted([datalab.ethics.name_en, datalab.governance.name_en])
    ethics, _governance = review.current_reviews(submitted)
    # opened Monday 30 Nov, decided Friday 11 Dec: 9 working days
    review.decide(datalab.ethics_member, ethics, "approve", now=APPROVAL_DAY + timedelta(days=11))
    stats = {t["committee"].key: t for t in review.turnaround()}
    assert stats["ethics"]["decided"] == 1 and stats["ethics"]["average"] == 9
    assert stats["ethics"]["within_target"] == 1 and stats["governance"]["waiting"] == 1
    assert review.queue(datalab.staff)[0].waiting_on == [datalab.governance.name_en]
    with pytest.raises(PermissionDenied):
        review.queue(datalab.ethics_member)


def test_the_chair_is_named_as_such_and_any_member_without_a_conflict_decides(datalab, submitted):
    from forum.audit.models import AuditEvent
    from forum.extensions import db
    from forum.datalab.sentences import sentence

    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action.in_(
        ("datalab.committee_chair", "datalab.committee_member"))).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["datalab.committee_chair", "datalab.committee_member",
                                          "datalab.committee_chair"]
    assert "to chair the HKSTP Clinical Research Ethics Committee" in sentence(events[0])
    ethics, _governance = review.current_reviews(submitted)
    review.decide(datalab.ethics_member, ethics, "approve", now=APPROVAL_DAY)  # a member, not the chair
    assert ethics.decided_by_id == datalab.ethics_member.id

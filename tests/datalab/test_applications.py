"""Applications: drafts, team and profiles, attachments, submission, withdrawal, copies, mail."""
import io

import pytest
from pypdf import PdfWriter

from forum.datalab import applications
from forum.datalab.models import LabApplicationStatus, Review
from forum.errors import PermissionDenied, ValidationError
from forum.extensions import db
from tests.support.datalab import APPROVAL_DAY, VALUES
from tests.factories import CompanyFactory, UserFactory


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_draft_is_saved_incomplete_and_submission_says_what_is_missing(datalab, company):
    _company, applicant, _colleague = company
    draft = applications.create_draft(applicant, {"title": "Only a title"})
    assert draft.status == LabApplicationStatus.draft and [m.user_id for m in draft.team] == [applicant.id]
    with pytest.raises(ValidationError) as error:
        applications.submit(applicant, draft)
    assert set(error.value.fields) == {"lay_summary", "purpose", "data_domains"}
    assert draft.status == LabApplicationStatus.draft


def test_unknown_data_domain_and_foreign_team_member_are_refused(datalab, company):
    _company, applicant, _colleague = company
    with pytest.raises(ValidationError) as error:
        applications.create_draft(applicant, {"data_domains": ["genomics"]})
    assert error.value.field == "data_domains"
    draft = applications.create_draft(applicant, dict(VALUES))
    outsider = UserFactory(role="exhibitor", company_id=CompanyFactory().id)
    with pytest.raises(ValidationError) as error:
        applications.add_team_member(applicant, draft, outsider.email)
    assert error.value.field == "email"


def test_submission_opens_one_review_per_committee_and_mails_the_team(datalab, company, outbox):
    _company, applicant, colleague = company
    draft = applications.create_draft(applicant, dict(VALUES))
    applications.add_team_member(applicant, draft, colleague.email)
    applications.submit(applicant, draft, now=APPROVAL_DAY)
    db.session.commit()
    assert draft.status == LabApplicationStatus.under_review and draft.revision == 1
    reviews = db.session.scalars(db.select(Review).where(Review.application_id == draft.id)).all()
    assert sorted(r.committee_id for r in reviews) == sorted([datalab.ethics.id, datalab.governance.id])
    sent = outbox()
    assert sorted(m["To"] for m in sent) == sorted([applicant.email, colleague.email])
    assert "Your application is with both committees." in sent[0].get_body(("plain",)).get_content()
    with pytest.raises(ValidationError):
        applications.update(applicant, draft, {"title": "Changed after submission"})


def test_other_companies_cannot_see_or_change_an_application(datalab, submitted):
    stranger = UserFactory(role="exhibitor", company_id=CompanyFactory().id)
    with pytest.raises(PermissionDenied):
        applications.get_application(stranger, submitted.id)
    with pytest.raises(PermissionDenied):
        applications.withdraw(stranger, submitted)
    # committee members and lab staff see it; someone from neither does not
    assert applications.get_application(datalab.ethics_member, submitted.id) is submitted
    assert applications.get_application(datalab.staff, submitted.id) is submitted
    with pytest.raises(PermissionDenied):
        applications.get_application(UserFactory(role="ha_staff"), submitted.id)


def test_committee_members_do_not_see_drafts(datalab, company):
    _company, applicant, _colleague = company
    draft = applications.create_draft(applicant, dict(VALUES))
    with pytest.raises(PermissionDenied):
        applications.get_application(datalab.ethics_member, draft.id)


def test_withdrawal_and_the_history_of_steps(datalab, company, submitted):
    _company, applicant, _colleague = company
    applications.withdraw(applicant, submitted)
    assert submitted.status == LabApplicationStatus.withdrawn
    steps = [e.action for e in applications.history(submitted)]
    assert steps == ["datalab.application_created", "datalab.team_member_added", "datalab.submitted",
                     "datalab.withdrawn"]
    assert all(e.actor_id == applicant.id for e in applications.history(submitted))


def test_new_application_prefilled_from_an_earlier_one(datalab, company, submitted):
    _company, applicant, colleague = company
    copy = applications.copy_application(applicant, submitted)
    assert copy.id != submitted.id and copy.prefilled_from_id == submitted.id
    assert copy.status == LabApplicationStatus.draft and copy.title == submitted.title
    assert copy.data_domains == submitted.data_domains
    assert sorted(m.user_id for m in copy.team) == sorted([applicant.id, colleague.id])
    assert all(m.undertaking_at is None for m in copy.team)


def test_training_is_kept_on_the_profile_and_shown_on_the_next_application(datalab, company, submitted):
    from datetime import date

    _company, applicant, colleague = company
    applications.update_profile(colleague, {"training": "HA data privacy course", "training_on": date(2026, 6, 1)})
    copy = applications.copy_application(applicant, submitted)
    profiles = applications.profiles_for(copy)
    assert profiles[colleague.id].training == "HA data privacy course"


def test_attachments_follow_the_upload_rules(datalab, company):
    _company, applicant, _colleague = company
    draft = applications.create_draft(applicant, dict(VALUES))
    with pytest.raises(ValidationError) as error:
        applications.add_attachment(applicant, draft, "protocol", b"not a pdf", "protocol.pdf")
    assert error.value.field == "file"
    row = applications.add_attachment(applicant, draft, "protocol", pdf_bytes(), "protocol.pdf")
    assert row.file.content_type == "application/pdf" and draft.attachments == [row]


def test_a_solution_of_another_company_cannot_be_linked(datalab, company):
    from tests.factories import SolutionFactory

    _company, applicant, _colleague = company
    own = SolutionFactory(company=_company)
    draft = applications.create_draft(applicant, dict(VALUES, solution_id=own.id))
    assert draft.solution_id == own.id
    with pytest.raises(ValidationError) as error:
        applications.update(applicant, draft, {"solution_id": SolutionFactory().id})
    assert error.value.field == "solution_id"

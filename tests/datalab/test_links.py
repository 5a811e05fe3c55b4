"""An application links to a related pilot (as well as a solution); the pilot page lists the approved
data-lab projects that cite it."""
import pytest

from forum.datalab import applications, review
from forum.errors import ValidationError
from forum.extensions import db
from tests.support.datalab import APPROVAL_DAY, VALUES
from tests.factories import SolutionFactory, UserFactory


@pytest.fixture
def pilot_of(app):
    from forum.pilots.services import create_pilot
    from forum.sites.models import Site
    from tests.factories import ForumFactory

    def _make(company):
        solution = SolutionFactory(company=company)
        site = db.session.scalar(db.select(Site).order_by(Site.id).limit(1))
        return create_pilot(UserFactory(role="organiser"),
                            {"company_id": company.id, "solution_id": solution.id, "title": "Falls sensor pilot",
                             "sites": [site.id], "forums": [ForumFactory().id]})

    return _make


def sign_in(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()


def test_an_application_links_to_its_companys_pilot_only(app, datalab, company, pilot_of):
    from tests.factories import CompanyFactory

    the_company, applicant, _colleague = company
    pilot = pilot_of(the_company)
    other = pilot_of(CompanyFactory())
    with app.test_request_context():
        application = applications.create_draft(applicant, dict(VALUES, pilot_id=pilot.id))
        assert application.pilot_id == pilot.id
        with pytest.raises(ValidationError) as refused:
            applications.update(applicant, application, {"pilot_id": other.id})
        assert refused.value.field == "pilot_id"
        copy = applications.copy_application(applicant, application)
        assert copy.pilot_id == pilot.id


def test_the_pilot_page_lists_the_approved_projects_citing_it(app, client, datalab, company, pilot_of):
    the_company, applicant, colleague = company
    pilot = pilot_of(the_company)
    with app.test_request_context():
        cited = applications.create_draft(applicant, dict(VALUES, pilot_id=pilot.id, title="Falls at home"))
        applications.submit(applicant, cited, now=APPROVAL_DAY)
        for item in review.current_reviews(cited):
            member = datalab.ethics_chair if item.committee_id == datalab.ethics.id else datalab.governance_chair
            review.decide(member, item, "approve", now=APPROVAL_DAY)
        applications.create_draft(applicant, dict(VALUES, pilot_id=pilot.id, title="Still a draft"))
    db.session.flush()
    sign_in(client, applicant)
    page = client.get(f"/pilots/{pilot.id}").get_data(as_text=True)
    assert 'id="datalab-projects"' in page and "Falls at home" in page
    assert "Still a draft" not in page


def _meeting(company):
    from datetime import timedelta

    from forum.db import utcnow
    from forum.matchmaking.models import Meeting
    from tests.factories import ForumFactory

    row = Meeting(forum_id=ForumFactory().id, company_id=company.id, subject="Falls follow-up", uid=f"m{company.id}",
                  expires_at=utcnow() + timedelta(days=7))
    db.session.add(row)
    db.session.flush()
    return row


def test_an_application_links_to_a_meeting_of_the_company_only(datalab, company):
    from tests.factories import CompanyFactory

    _company, applicant, _colleague = company
    mine, theirs = _meeting(_company), _meeting(CompanyFactory())
    with pytest.raises(ValidationError) as error:
        applications.create_draft(applicant, dict(VALUES, meeting_id=theirs.id))
    assert error.value.field == "meeting_id"
    draft = applications.create_draft(applicant, dict(VALUES, meeting_id=mine.id))
    assert draft.meeting_id == mine.id
    assert applications.copy_application(applicant, draft).meeting_id == mine.id


def test_the_summary_shows_the_meeting_and_the_attachments_open(client, datalab, company):
    from tests.datalab.test_applications import pdf_bytes

    _company, applicant, _colleague = company
    draft = applications.create_draft(applicant, dict(VALUES, meeting_id=_meeting(_company).id))
    row = applications.add_attachment(applicant, draft, "protocol", pdf_bytes(), "protocol.pdf")
    sign_in(client, applicant)
    page = client.get(f"/datalab/applications/{draft.id}").get_data(as_text=True)
    assert "Falls follow-up" in page
    url = f"/datalab/applications/{draft.id}/attachments/{row.id}"
    assert url in page
    response = client.get(url)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert client.get(f"/datalab/applications/{draft.id}/attachments/{row.id + 99}").status_code == 404
    sign_in(client, UserFactory(role="exhibitor"))
    assert client.get(url).status_code == 403

"""Partners of park companies and academic researchers: invited by lab staff, they sign up from the
invitation, apply for their organisation, join teams, book seats and enter the lab."""
from datetime import datetime

import pytest

from forum.accounts import services as accounts
from forum.datalab import applications, bookings, door, partners, review
from forum.datalab.models import LabApplication, LabOrganisation, Researcher
from forum.db import HK
from forum.errors import Conflict, PermissionDenied, ValidationError
from forum.extensions import db
from forum.permissions import can
from tests.support.datalab import APPROVAL_DAY, VALUES, day
from tests.datalab.test_applications import pdf_bytes
from tests.factories import UserFactory



def sign_up(invitation, name_en="Dr Lee", name_zh="李博士"):
    token = invitation.link.rsplit("/", 1)[1]
    return accounts.accept_invitation(token, password="a long enough passphrase 42", name_en=name_en,
                                      name_zh=name_zh)


def invite_academic(staff, email="lee@cuhk.example", **fields):
    values = {"email": email, "name_en": "Dr Lee", "name_zh": "李博士", "organisation_en": "Chinese University",
              "organisation_zh": "中文大學", "kind": "academic"} | fields
    return partners.invite(staff, **values)


def test_lab_staff_invite_an_academic_who_signs_up_as_a_researcher(datalab, outbox):
    invitation = invite_academic(datalab.staff)
    assert invitation.role == "researcher" and invitation.company_id is None
    organisation = db.session.scalars(db.select(LabOrganisation)).one()
    assert (organisation.kind, organisation.company_id, organisation.name_zh) == ("academic", None, "中文大學")
    user = sign_up(invitation)
    assert user.role == "researcher" and user.company_id is None and user.email_verified
    assert partners.organisation_of(user).id == organisation.id
    rows = partners.invited(datalab.staff)
    assert rows[0]["user"].id == user.id and rows[0]["organisation"].id == organisation.id


def test_only_lab_staff_invite_and_the_ordinary_invitation_refuses_researchers(datalab, company):
    with pytest.raises(PermissionDenied):
        invite_academic(UserFactory(role="ha_staff"))
    with pytest.raises(PermissionDenied):
        invite_academic(company[1])
    with pytest.raises(ValidationError) as error:
        accounts.invite(UserFactory(role="organiser"), "x@uni.example", "researcher")
    assert error.value.field == "role"


def test_bad_invitations_are_refused_with_the_field(datalab, company):
    with pytest.raises(ValidationError) as error:
        invite_academic(datalab.staff, kind="partner")  # a partner names its park company
    assert error.value.field == "company_id"
    with pytest.raises(ValidationError) as error:
        invite_academic(datalab.staff, organisation_en="", organisation_zh="")
    assert error.value.field == "organisation_en"
    with pytest.raises(ValidationError) as error:
        invite_academic(datalab.staff, name_en="", name_zh="")
    assert error.value.field == "name_en"
    invite_academic(datalab.staff)
    with pytest.raises(ValidationError) as error:  # the same name cannot turn into a partner
        invite_academic(datalab.staff, email="b@x.example", organisation_en=" chinese  UNIVERSITY", kind="partner",
                        company_id=company[0].id)
    assert error.value.field == "organisation_en"
    with pytest.raises(Conflict):
        invite_academic(datalab.staff, email=company[1].email)


def test_an_academic_applies_names_a_colleague_and_enters_the_lab(datalab, company):
    lee = sign_up(invite_academic(datalab.staff))
    wong = sign_up(invite_academic(datalab.staff, email="wong@cuhk.example", name_en="Dr Wong"), name_en="Dr Wong")
    application = applications.create_draft(lee, dict(VALUES))
    assert application.company_id is None and application.owner.name_en == "Chinese University"
    with pytest.raises(ValidationError):  # a park company's person is not the university's colleague
        applications.add_team_member(lee, application, company[1].email)
    applications.add_team_member(lee, application, wong.email)
    applications.add_attachment(lee, application, "protocol", pdf_bytes(), "protocol.pdf")
    applications.submit(lee, application, now=APPROVAL_DAY)
    for item in review.current_reviews(application):
        member = datalab.ethics_member if item.committee_id == datalab.ethics.id else datalab.governance_chair
        review.decide(member, item, "approve", now=APPROVAL_DAY)
    applications.accept_undertaking(lee, application, now=APPROVAL_DAY)
    applications.accept_undertaking(wong, application, now=APPROVAL_DAY)
    bookings.book(wong, application, wong.id, datalab.stations[0].id, day(3), "am", now=APPROVAL_DAY)
    code = door.pass_code(next(m for m in application.team if m.user_id == wong.id))
    answer = door.scan(datalab.staff, code, "in", now=datetime(2026, 12, 3, 9, 40, tzinfo=HK))
    assert answer["result"] == "ok" and answer["attendee"]["organisation"] == "Chinese University"
    # The company's people see nothing of it; the university's researchers see their own.
    assert not can(company[1], "datalab.view", application)
    assert partners.applications_of(wong) == [application]


def test_a_partner_joins_the_park_company_team_and_books_their_own_seat(datalab, company, submitted):
    _company, applicant, colleague = company
    partner = sign_up(partners.invite(datalab.staff, email="pat@partner.example", name_en="Pat Partner",
                                      organisation_en="Partner Imaging Ltd", kind="partner",
                                      company_id=_company.id), name_en="Pat Partner")
    other = sign_up(invite_academic(datalab.staff, email="other@uni.example"))
    draft = applications.copy_application(applicant, submitted)
    applications.add_team_member(applicant, draft, partner.email)
    with pytest.raises(ValidationError):  # a researcher of another organisation is not a partner of this company
        applications.add_team_member(applicant, draft, other.email)
    assert can(partner, "datalab.view", draft) and can(partner, "datalab.undertake", draft)
    assert not can(partner, "datalab.apply", draft)  # on the team, but the application stays the company's
    assert draft in partners.applications_of(partner)
    assert not can(other, "datalab.view", draft)


def test_a_partners_application_can_name_the_partner_company_people(datalab, company):
    _company, applicant, _colleague = company
    partner = sign_up(partners.invite(datalab.staff, email="pat@partner.example", name_en="Pat Partner",
                                      organisation_en="Partner Imaging Ltd", kind="partner",
                                      company_id=_company.id))
    application = applications.create_draft(partner, dict(VALUES))
    assert application.organisation.company_id == _company.id
    applications.add_team_member(partner, application, applicant.email)
    assert can(applicant, "datalab.view", application)
    assert not can(applicant, "datalab.apply", application)


def test_a_researcher_without_an_organisation_cannot_apply(datalab):
    stray = UserFactory(role="researcher")  # made by an administrator, not invited by the lab
    with pytest.raises(ValidationError):
        applications.create_draft(stray, dict(VALUES))
    assert db.session.scalar(db.select(db.func.count()).select_from(LabApplication)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(Researcher)) == 0


# --- pages and API --------------------------------------------------------------------------------

def sign_in(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()


def test_the_invitation_page_is_for_lab_staff(client, datalab, outbox):
    sign_in(client, UserFactory(role="ha_staff"))
    assert client.get("/datalab/staff/partners").status_code == 403
    sign_in(client, datalab.staff)
    assert client.get("/datalab/staff/partners").status_code == 200
    response = client.post("/datalab/staff/partners", data={
        "email": "lee@cuhk.example", "name_en": "Dr Lee", "organisation_en": "Chinese University",
        "kind": "academic", "company_id": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "lee@cuhk.example" in page and "/invitation/" in page
    assert any("lee@cuhk.example" in m["To"] for m in outbox())
    response = client.post("/datalab/staff/partners", data={"email": "pat@p.example", "name_en": "Pat",
                                                             "organisation_en": "P Ltd", "kind": "partner"})
    assert response.status_code == 200 and "Choose the park company" in response.get_data(as_text=True)


def test_a_researcher_applies_through_the_pages_and_reads_the_api(client, datalab):
    lee = sign_up(invite_academic(datalab.staff))
    sign_in(client, lee)
    assert "Apply for access" in client.get("/datalab/").get_data(as_text=True)
    form = {k: v for k, v in VALUES.items() if k != "data_domains"} | {"data_domains": VALUES["data_domains"],
                                                                     "solution_id": "0", "pilot_id": "0"}
    assert client.post("/datalab/applications/new", data=form).status_code == 302
    application = db.session.scalars(db.select(LabApplication)).one()
    page = client.get(f"/datalab/applications/{application.id}").get_data(as_text=True)
    assert "Chinese University" in page
    assert client.get(f"/api/v1/datalab/applications/{application.id}").json["status"] == "draft"
    assert "Falls after discharge" in client.get("/datalab/").get_data(as_text=True)


@pytest.mark.parametrize("role", ["ha_staff", "researcher"])
def test_an_existing_account_gains_the_standing_without_a_new_account(client, datalab, outbox, role):
    """An academic who already has an account (an HA clinician with a university post, or a researcher account
    made from the command line) is named for the organisation: same account, same password, no mail link."""
    from forum.accounts.models import Invitation, User
    from forum.audit.models import AuditEvent
    from forum.datalab.sentences import sentence

    person = UserFactory(role=role, email="chan@hku.example", name_en="Dr Chan")
    password_hash = person.password_hash
    assert partners.organisation_of(person) is None
    assert not can(person, "datalab.apply", LabApplication(organisation_id=-1))
    result = invite_academic(datalab.staff, email="Chan@HKU.example", name_en="", name_zh="",
                             organisation_en="University of Hong Kong", organisation_zh="香港大學")
    assert result is None
    db.session.flush()
    assert db.session.scalar(db.select(db.func.count()).select_from(Invitation)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(User)
                             .where(User.email == "chan@hku.example")) == 1
    db.session.refresh(person)
    assert person.role == role and person.password_hash == password_hash and person.email_verified
    organisation = partners.organisation_of(person)
    assert organisation.name_en == "University of Hong Kong"
    assert [r["user"].id for r in partners.invited(datalab.staff)] == [person.id]
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "datalab.researcher_added"))
    assert event.actor_id == datalab.staff.id
    assert sentence(event) == (f"{datalab.staff.display_name} named Dr Chan's existing account for University of "
                               "Hong Kong: they may now use the lab for it.")
    # With the standing, the account applies for the organisation like an invited researcher.
    application = applications.create_draft(person, dict(VALUES))
    assert application.organisation_id == organisation.id and application.company_id is None
    with client.session_transaction() as session:
        session["_user_id"] = person.get_id()
    page = client.get("/datalab/").get_data(as_text=True)
    assert "/datalab/applications/new" in page and application.title in page


def test_a_park_companys_account_is_not_named_for_an_organisation(datalab, company):
    with pytest.raises(Conflict) as error:
        invite_academic(datalab.staff, email=company[1].email)
    assert error.value.field == "email"
    assert db.session.scalar(db.select(db.func.count()).select_from(Researcher)) == 0

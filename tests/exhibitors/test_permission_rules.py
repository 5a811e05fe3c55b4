"""The exhibitors' object rules, asked through can() as views, services and templates ask them."""
import pytest

from forum.exhibitors.models import ApplicationStatus, StoredFile
from forum.extensions import db
from forum.permissions import can
from tests.factories import ApplicationFactory, CompanyFactory, SolutionFactory, UserFactory

# who: (role, belongs to the application's company)
WHO = {"admin": ("admin", False), "organiser": ("organiser", False), "own exhibitor": ("exhibitor", True),
       "other exhibitor": ("exhibitor", False), "ha staff": ("ha_staff", False),
       "partnership": ("partnership", False), "scanner": ("scanner", False)}


def _user(who, company):
    role, own = WHO[who]
    return UserFactory(role=role, company_id=company.id if own else (CompanyFactory().id if role == "exhibitor"
                                                                     else None))


@pytest.mark.parametrize("who, allowed", [
    ("admin", True), ("organiser", True), ("own exhibitor", True),
    ("other exhibitor", False), ("ha staff", False), ("scanner", False)])
def test_an_application_is_seen_by_its_company_and_the_organisers(who, allowed):
    application = ApplicationFactory()
    assert can(_user(who, application.company), "application.view", application) is allowed


@pytest.mark.parametrize("who, allowed", [
    ("admin", True), ("organiser", True), ("own exhibitor", False), ("other exhibitor", False),
    ("ha staff", False)])
def test_only_organisers_change_applications_after_the_deadline(who, allowed):
    application = ApplicationFactory()
    assert can(_user(who, application.company), "application.edit_closed") is allowed


@pytest.mark.parametrize("approved", [False, True])
@pytest.mark.parametrize("who, own_side", [
    ("admin", True), ("organiser", True), ("own exhibitor", True), ("other exhibitor", False),
    ("ha staff", False), ("partnership", False), ("scanner", False)])
def test_a_solution_is_seen_by_others_only_in_an_approved_application(who, own_side, approved):
    company = CompanyFactory()
    solution = SolutionFactory(company=company)
    application = ApplicationFactory(company=company, status=ApplicationStatus.approved if approved
                                     else ApplicationStatus.submitted)
    application.solutions = [solution]
    db.session.flush()
    assert can(_user(who, company), "solution.see", solution) is (own_side or approved)


@pytest.mark.parametrize("approved", [False, True])
@pytest.mark.parametrize("who, own_side", [
    ("admin", True), ("organiser", True), ("own exhibitor", True), ("other exhibitor", False),
    ("ha staff", False), ("partnership", False)])
def test_a_logo_is_seen_by_others_once_the_company_is_approved(who, own_side, approved):
    company = CompanyFactory()
    logo = StoredFile(company_id=company.id, kind="image", content_type="image/png", size=10,
                      original_name="logo.png", stored_name="logo-rule.png")
    db.session.add(logo)
    db.session.flush()
    company.logo_id = logo.id
    ApplicationFactory(company=company, status=ApplicationStatus.approved if approved
                       else ApplicationStatus.submitted)
    db.session.flush()
    assert can(_user(who, company), "file.see", logo) is (own_side or approved)


def test_a_data_lab_attachment_is_never_seen_through_the_directory():
    stored = StoredFile(company_id=None, kind="pdf", content_type="application/pdf", size=10,
                        original_name="lab.pdf", stored_name="lab-rule.pdf")
    db.session.add(stored)
    db.session.flush()
    assert not can(UserFactory(role="ha_staff"), "file.see", stored)
    assert can(UserFactory(role="organiser"), "file.see", stored)

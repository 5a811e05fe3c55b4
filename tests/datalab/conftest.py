from __future__ import annotations

from dataclasses import dataclass

import pytest

from forum.cli import SystemActor
from forum.datalab import applications, lab, review
from forum.datalab import permissions as _grants  # noqa: F401
from forum.extensions import db
from tests.factories import CompanyFactory, UserFactory
from tests.support.datalab import APPROVAL_DAY, VALUES


@dataclass
class Lab:
    staff: object
    staff2: object
    ethics: object
    governance: object
    ethics_chair: object
    ethics_member: object
    governance_chair: object
    stations: list


@pytest.fixture
def datalab():
    system = SystemActor()
    staff, staff2 = UserFactory(role="partnership"), UserFactory(role="ha_staff")
    lab.add_staff(system, staff)
    lab.add_staff(system, staff2)
    stations = [lab.add_workstation(staff, f"WS{n}") for n in range(1, 4)]
    ethics, governance = lab.committees()
    people = [UserFactory(role="ha_staff") for _ in range(3)]
    lab.add_committee_member(staff, ethics, people[0], chair=True)
    lab.add_committee_member(staff, ethics, people[1])
    lab.add_committee_member(staff, governance, people[2], chair=True)
    db.session.flush()
    return Lab(staff, staff2, ethics, governance, people[0], people[1], people[2], stations)


@pytest.fixture
def company():
    """(company, applicant, colleague)"""
    company = CompanyFactory()
    return (company, UserFactory(role="exhibitor", company_id=company.id),
            UserFactory(role="exhibitor", company_id=company.id))


@pytest.fixture
def submitted(datalab, company):
    _company, applicant, colleague = company
    application = applications.create_draft(applicant, dict(VALUES))
    applications.add_team_member(applicant, application, colleague.email)
    applications.submit(applicant, application, now=APPROVAL_DAY)
    return application


@pytest.fixture
def approved(datalab, company, submitted):
    """Approved by both committees, undertaking accepted by both members; pass from 30 Nov 2026."""
    _company, applicant, colleague = company
    ethics_review, governance_review = review.current_reviews(submitted)
    review.decide(datalab.ethics_member, ethics_review, "approve", now=APPROVAL_DAY)
    review.decide(datalab.governance_chair, governance_review, "approve", now=APPROVAL_DAY)
    applications.accept_undertaking(applicant, submitted, now=APPROVAL_DAY)
    applications.accept_undertaking(colleague, submitted, now=APPROVAL_DAY)
    return submitted


@pytest.fixture
def lab_point(datalab):
    """The lab door's check-in point (kind "data lab"), set up by lab staff."""
    from forum.datalab import door

    return door.open_door_point(datalab.staff)

"""Who may do what in the data lab.

Lab staff and committee members are data (LabStaff, CommitteeMember rows), not roles: the role
grant says who may try, the rule below checks the membership on the object. Admin passes every
rule (the mechanism's own rule), except that a committee decision also needs a member (review.py).
"""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..permissions import grant

# People of a park company, and partners and academics invited by lab staff for an organisation.
APPLICANTS = {"exhibitor", "researcher"}
# HKSTP and HA people who may be named lab staff or committee members.
LAB_PEOPLE = {"organiser", "partnership", "ha_staff", "scanner"}


def is_lab_staff(user) -> bool:
    from .models import LabStaff

    if getattr(user, "id", None) is None:
        return False
    return db.session.scalar(sa.select(sa.func.count()).select_from(LabStaff)
                             .where(LabStaff.user_id == user.id)) > 0


def committee_ids_of(user) -> set[int]:
    from .models import CommitteeMember

    if getattr(user, "id", None) is None:
        return set()
    return set(db.session.scalars(sa.select(CommitteeMember.committee_id).where(CommitteeMember.user_id == user.id)))


def has_conflict(user, application_id: int) -> bool:
    from .models import Conflict

    return db.session.scalar(sa.select(sa.func.count()).select_from(Conflict).where(
        Conflict.application_id == application_id, Conflict.user_id == user.id)) > 0


def organisation_of(user):
    """The partner or academic organisation lab staff named the user for (None for everyone else): a
    `researcher` account made from their invitation, or an existing account without a company."""
    from .models import Researcher

    if getattr(user, "company_id", None) is not None or not getattr(user, "email", None):
        return None
    row = db.session.scalar(sa.select(Researcher).where(Researcher.email == user.email))
    return row.organisation if row is not None else None


def own_application(user, application) -> bool:
    """The applying company's people, or the applying organisation's researchers."""
    if application.company_id is not None:
        return user.company_id is not None and user.company_id == application.company_id
    organisation = organisation_of(user)
    return organisation is not None and organisation.id == application.organisation_id


def sees_application(user, application) -> bool:
    """Applicants see their own, and team members the applications naming them; lab staff all;
    committee members what is (or was) in review."""
    from .models import LabApplicationStatus

    if own_application(user, application) or team_member(user, application) or is_lab_staff(user):
        return True
    return application.status != LabApplicationStatus.draft and bool(committee_ids_of(user))


def member_of_committee(user, review) -> bool:
    """A review (or anything with committee_id and application_id): member of that committee, no conflict."""
    return review.committee_id in committee_ids_of(user) and not has_conflict(user, review.application_id)


def team_member(user, application) -> bool:
    return any(m.user_id == user.id for m in application.team)


def lab_staff(user, _obj) -> bool:
    return is_lab_staff(user)


def output_reviewer(user, request) -> bool:
    """Lab staff, and never the author of the request."""
    return is_lab_staff(user) and request.author_id != user.id


def register() -> None:
    """This feature's grants; its init_app calls this before anything asks can()."""
    # HKSTP and HA people too: an existing account that lab staff named for a partner or academic organisation
    # (partners.invite) applies for it; the rules check the company or organisation, never the role.
    grant("datalab.apply", APPLICANTS | LAB_PEOPLE, rule=own_application)
    grant("datalab.view", APPLICANTS | LAB_PEOPLE, rule=sees_application)
    grant("datalab.undertake", APPLICANTS | LAB_PEOPLE, rule=team_member)
    grant("datalab.review", LAB_PEOPLE, rule=member_of_committee)
    grant("datalab.staff", LAB_PEOPLE, rule=lab_staff)
    # Inviting partners and academics: lab staff (checked again on the lab by the service).
    grant("datalab.invite", LAB_PEOPLE, rule=lab_staff)
    grant("datalab.output_review", LAB_PEOPLE, rule=output_reviewer)
    # Role-level only: the service decides (the applicant's people, or lab staff on their behalf).
    grant("datalab.book", APPLICANTS | LAB_PEOPLE)

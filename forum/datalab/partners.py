"""Partners of park companies and academic researchers: people without a company account.

Lab staff invite a person for an organisation (a partner of a named park company, or an academic
institution). The invitation is the platform's own (forum/accounts): opening its link proves the
address and makes an account with the `researcher` role. A person who already has a confirmed account
without a company (an HA clinician who also holds a university post, a researcher account made from the
command line) gets no invitation: their account gains the standing as it is. That person can then apply for their
organisation, be named on a team (their organisation's, or the partner company's), accept the
undertaking, book seats and enter the lab like a company's people.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from flask_babel import lazy_gettext as _l

from ..accounts.models import Invitation, User
from ..accounts.services import find_by_email, send_invitation
from ..audit.services import record
from ..errors import Conflict, ValidationError
from ..exhibitors.models import Company
from ..extensions import db
from ..permissions import can, ensure
from ..text import clean, normalise, normalise_email
from .lab import get_lab
from .models import ORGANISATION_KINDS, LabApplication, LabOrganisation, Researcher, TeamMember
from .permissions import organisation_of


def _organisation(actor, name_en: str, name_zh: str, kind: str, company_id: int | None) -> LabOrganisation:
    """The organisation of that name, made on first use; a name keeps the kind and company it was made with."""
    name_en, name_zh = clean(name_en), clean(name_zh)
    if not (name_en or name_zh):
        raise ValidationError(_l("Enter the organisation's name."), field="organisation_en")
    if kind not in ORGANISATION_KINDS:
        raise ValidationError(_l("Choose partner of a park company or academic institution."), field="kind")
    if kind == "partner":
        if not company_id or db.session.get(Company, company_id) is None:
            raise ValidationError(_l("Choose the park company this partner works with."), field="company_id")
    else:
        company_id = None
    key = normalise(name_en or name_zh)
    row = db.session.scalar(sa.select(LabOrganisation).where(LabOrganisation.name_key == key))
    if row is not None:
        if row.kind != kind or row.company_id != company_id:
            raise ValidationError(_l("%(name)s is already known as another kind of organisation or with another "
                                     "company.", name=row.display_name), field="organisation_en")
        return row
    row = LabOrganisation(name_en=name_en, name_zh=name_zh, name_key=key, kind=kind, company_id=company_id)
    db.session.add(row)
    db.session.flush()
    record(actor, "datalab.organisation_added", row, changes={"name": row.display_name, "kind": kind})
    return row


def _existing_account(email_key: str) -> User | None:
    """The confirmed account at this address, if it may take the standing; None when there is none
    (an unconfirmed sign-up is replaced by the invitation, as for any invitation)."""
    user = find_by_email(email_key)
    if user is None or not user.email_verified:
        return None
    if user.company_id is not None:
        raise Conflict(_l("%(email)s is the account of a park company's person: name them on the company's "
                          "applications instead.", email=email_key), field="email")
    if not user.active:
        raise Conflict(_l("The account at %(email)s is switched off.", email=email_key), field="email")
    return user


def invite(actor, *, email: str, name_en: str = "", name_zh: str = "", organisation_en: str = "",
           organisation_zh: str = "", kind: str = "", company_id: int | None = None) -> Invitation | None:
    """Lab staff invite a partner or academic: the organisation is recorded, the invitation mailed.

    An address with a confirmed account (without a company) is not invited again: the account keeps its
    role, password and sign-in and gains the standing for the organisation; None comes back."""
    ensure(actor, "datalab.invite", get_lab())
    email_key = normalise_email(email)
    if "@" not in email_key:
        raise ValidationError(_l("Enter a valid email address."), field="email")
    existing = _existing_account(email_key)
    if existing is None and not (clean(name_en) or clean(name_zh)):
        raise ValidationError(_l("Enter the person's name in English or Chinese."), field="name_en")
    organisation = _organisation(actor, organisation_en, organisation_zh, kind, company_id)
    invitation = None
    if existing is None:
        invitation = send_invitation(actor, email_key, "researcher", name_en=name_en, name_zh=name_zh)
    row = db.session.scalar(sa.select(Researcher).where(Researcher.email == email_key))
    if row is None:  # a second invitation (the first expired or was withdrawn) may name another organisation
        row = Researcher(email=email_key)
        db.session.add(row)
    row.organisation_id, row.invited_by_id = organisation.id, actor.id
    db.session.flush()
    if existing is not None:
        record(actor, "datalab.researcher_added", organisation,
               changes={"organisation": organisation.display_name, "kind": kind, "person": existing.display_name})
        return None
    record(actor, "datalab.researcher_invited", organisation,
           changes={"organisation": organisation.display_name, "kind": kind})
    return invitation


def invited(actor) -> list[dict]:
    """Everyone invited for an organisation, with their account once they have signed up."""
    ensure(actor, "datalab.invite", get_lab())
    rows = db.session.execute(
        sa.select(Researcher, User).outerjoin(User, sa.and_(User.email == Researcher.email,
                                                            User.email_verified.is_(True)))
        .options(joinedload(Researcher.organisation).joinedload(LabOrganisation.company))
        .order_by(Researcher.invited_at.desc()).limit(500)).all()
    return [{"researcher": r, "user": u, "organisation": r.organisation} for r, u in rows]


def organisations() -> list[LabOrganisation]:
    return db.session.scalars(sa.select(LabOrganisation).order_by(LabOrganisation.name_en)).all()


def may_apply(user) -> bool:
    """Whether the user has a side to apply for: a park company, or an organisation lab staff named."""
    return can(user, "datalab.apply") and (user.company_id is not None or organisation_of(user) is not None)


def owner_of_new_application(actor) -> dict:
    """Who a new application belongs to: the actor's company, else their organisation."""
    if actor.company_id is not None:
        return {"company_id": actor.company_id}
    organisation = organisation_of(actor)
    if organisation is None:
        raise ValidationError(_l("Only people of a park company, or partners and researchers invited by the "
                                 "lab, can apply."))
    return {"organisation_id": organisation.id}


def may_join_team(user: User, application: LabApplication) -> bool:
    """Colleagues of the applicant, and across a partnership: a company's partners on its applications,
    the partner company's people on a partner's applications."""
    if not user.active:
        return False
    organisation = organisation_of(user)
    if application.company_id is not None:
        return user.company_id == application.company_id or (
            organisation is not None and organisation.company_id == application.company_id)
    if organisation is not None and organisation.id == application.organisation_id:
        return True
    sponsor = application.organisation.company_id if application.organisation else None
    return sponsor is not None and user.company_id == sponsor


def applications_of(user) -> list[LabApplication]:
    """The applications of the user's company or organisation, and those naming the user on the team."""
    owned = []
    if user.company_id is not None:
        owned.append(LabApplication.company_id == user.company_id)
    organisation = organisation_of(user)
    if organisation is not None:
        owned.append(LabApplication.organisation_id == organisation.id)
    named = sa.select(TeamMember.application_id).where(TeamMember.user_id == user.id)
    return db.session.scalars(sa.select(LabApplication).where(sa.or_(LabApplication.id.in_(named), *owned))
                              .order_by(LabApplication.id.desc())).all()

"""What an application links to: a solution, a pilot and a follow-up meeting of the applying company
(for a partner organisation: of the park company it works with). A pilot or a meeting often leads to
an application, and a pilot's evidence can cite the project."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..errors import ValidationError
from ..extensions import db
from .models import LabApplication
from .permissions import organisation_of

LINK_FIELDS = ("solution_id", "pilot_id", "meeting_id")


def company_for(user) -> int | None:
    """The park company whose solutions, pilots and meetings the user's applications may link to."""
    if user.company_id is not None:
        return user.company_id
    organisation = organisation_of(user)
    return organisation.company_id if organisation is not None else None


def company_of(application: LabApplication) -> int | None:
    if application.company_id is not None:
        return application.company_id
    return application.organisation.company_id if application.organisation is not None else None


def solutions_of(company_id: int | None) -> list:
    from ..exhibitors.models import Solution

    if company_id is None:
        return []
    return db.session.scalars(sa.select(Solution).where(Solution.company_id == company_id)
                              .order_by(Solution.title_en)).all()


def pilots_of(company_id: int | None) -> list:
    from ..pilots.models import Pilot

    if company_id is None:
        return []
    return db.session.scalars(sa.select(Pilot).where(Pilot.company_id == company_id).order_by(Pilot.title)).all()


def meetings_of(company_id: int | None) -> list:
    from ..matchmaking.models import Meeting

    if company_id is None:
        return []
    return db.session.scalars(sa.select(Meeting).where(Meeting.company_id == company_id)
                              .order_by(Meeting.starts_at.desc(), Meeting.id.desc()).limit(200)).all()


def check_links(application: LabApplication, values: dict) -> None:
    """Each link names something of the applying (or partner) company."""
    from ..exhibitors.models import Solution
    from ..matchmaking.models import Meeting
    from ..pilots.models import Pilot

    company_id = company_of(application)
    checks = (("solution_id", Solution, _l("Choose one of your company's solutions.")),
              ("pilot_id", Pilot, _l("Choose one of your company's pilots.")),
              ("meeting_id", Meeting, _l("Choose one of your company's meetings.")))
    for field, model, message in checks:
        if values.get(field):
            row = db.session.get(model, values[field])
            if row is None or company_id is None or row.company_id != company_id:
                raise ValidationError(message, field=field)

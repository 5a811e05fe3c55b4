"""Home-page suggestions for the data lab: only to people with something to do there."""
from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..home.next_steps import Step, step
from .models import LabApplication, LabApplicationStatus, TeamMember
from .permissions import is_lab_staff


@step("exhibitor", "researcher", "organiser", "partnership", "ha_staff", "scanner", order=60)
def _applicant_steps(user, forum):
    rows = db.session.execute(
        sa.select(LabApplication, TeamMember.undertaking_at)
        .join(TeamMember, sa.and_(TeamMember.application_id == LabApplication.id, TeamMember.user_id == user.id))
        .where(LabApplication.status.in_((LabApplicationStatus.changes_requested, LabApplicationStatus.approved)))
    ).all()
    out = []
    for application, undertaking_at in rows:
        link = url_for("datalab.application", application_id=application.id)
        if application.status == LabApplicationStatus.changes_requested:
            out.append(Step(_l("Answer the committee's change request"), link, application.title))
        elif undertaking_at is None:
            out.append(Step(_l("Accept the data-use undertaking"), link, application.title))
    return out


@step("organiser", "partnership", "ha_staff", "scanner", order=60)
def _lab_steps(user, forum):
    from .review import for_committee_member

    out = []
    waiting = for_committee_member(user)
    if waiting:
        out.append(Step(_l("%(n)d data lab applications wait for your committee", n=len(waiting)),
                        url_for("datalab_staff.reviews")))
    if is_lab_staff(user):
        out.append(Step(_l("Open the data lab queue"), url_for("datalab_staff.queue"),
                        _l("What waits on whom, output requests, no-shows.")))
    return out

"""Who may see, edit and comment on pilots.

Partnership and organisers edit every pilot. An exhibitor sees and comments on its own
company's pilots. An HA user sees the pilots at their own sites (those of their forum
registrations and those where they are a named champion) and those they sponsor.
visible_clause() is the same rule as SQL, so every list query takes the acting user.
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm  # noqa: F401  (sa.orm.aliased)

from ..permissions import ORGANISERS, grant

EDITORS = ORGANISERS | {"partnership"}
READERS = EDITORS | {"exhibitor", "ha_staff"}


def user_site_ids(user):
    """A subquery of the sites an HA user belongs to."""
    from ..attendees.models import Attendee
    from .models import Champion, PilotSite

    # aliases: a query that itself selects from pilot_site must not correlate these subqueries away
    site, champion = sa.orm.aliased(PilotSite), sa.orm.aliased(Champion)
    registered = sa.select(Attendee.site_id).where(Attendee.user_id == user.id, Attendee.site_id.is_not(None))
    championed = (sa.select(site.site_id).join(champion, champion.pilot_site_id == site.id)
                  .where(champion.user_id == user.id))
    return registered.union(championed)


def visible_clause(user):
    """A WHERE clause on Pilot limiting a query to what `user` may see."""
    from .models import Pilot, PilotSite

    if user is None or not getattr(user, "is_authenticated", False):
        return sa.false()
    if user.role == "admin" or user.role in EDITORS:
        return sa.true()
    if user.role == "exhibitor":
        return Pilot.company_id == user.company_id if user.company_id else sa.false()
    if user.role == "ha_staff":
        site = sa.orm.aliased(PilotSite)
        at_my_sites = sa.exists().where(site.pilot_id == Pilot.id, site.site_id.in_(user_site_ids(user)))
        return sa.or_(Pilot.sponsor_user_id == user.id, at_my_sites)
    return sa.false()


def can_see(user, pilot) -> bool:
    if user.role in EDITORS:
        return True
    if user.role == "exhibitor":
        return user.company_id is not None and user.company_id == pilot.company_id
    if user.role == "ha_staff":
        from ..extensions import db
        from .models import Pilot

        return bool(db.session.scalar(sa.select(sa.literal(True)).where(Pilot.id == pilot.id,
                                                                         visible_clause(user))))
    return False


def _edits(user, pilot) -> bool:
    return user.role in EDITORS


def _proposes_from(user, bookmark) -> bool:
    """The team proposes from anyone's bookmark; an HA person from their own."""
    return user.role in EDITORS or bookmark.user_id == user.id


def _company_page(user, company) -> bool:
    """A company's pilot page: an exhibitor sees its own company's only, the other readers any."""
    return user.role != "exhibitor" or user.company_id == company.id


def register() -> None:
    """This feature's grants; its init_app calls this before anything asks can()."""
    grant("pilot.view", READERS, rule=can_see)
    grant("pilot.comment", READERS, rule=can_see)
    grant("pilot.edit", EDITORS, rule=_edits)
    grant("pilot.dashboard", EDITORS)
    grant("survey.manage", ORGANISERS)
    grant("survey.results", EDITORS)
    grant("pilot.propose_from_bookmark", EDITORS | {"ha_staff"}, rule=_proposes_from)
    # The team chooses the company, solution and sponsor of a pilot proposed from a bookmark; an HA owner gets
    # the bookmark's own and sponsors it themselves.
    grant("pilot.choose_sponsor", EDITORS)
    grant("pilot.company_page", READERS, rule=_company_page)

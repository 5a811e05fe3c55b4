"""Who may bookmark, see recommendations and work with leads."""
from __future__ import annotations

from ..permissions import ORGANISERS, SIGNED_IN, grant


def own_company(user, obj) -> bool:
    if user.role in ORGANISERS:
        return True
    return user.company_id is not None and user.company_id == getattr(obj, "company_id", getattr(obj, "id", None))


def own_bookmark(user, bookmark) -> bool:
    return bookmark.user_id == user.id


def proposes_for_own_company(user, company) -> bool:
    """An exhibitor proposes meetings for its own company only; the other proposers for any company."""
    return user.role != "exhibitor" or user.company_id == company.id


def _takes_part(user, meeting) -> bool:
    return any(p.user_id == user.id for p in meeting.participants)


def sees_meeting(user, meeting) -> bool:
    """Organisers and the partnership team see every meeting; others those they proposed or take part in."""
    return (user.role in ORGANISERS or user.role == "partnership" or meeting.proposed_by_id == user.id
            or _takes_part(user, meeting))


def changes_meeting(user, meeting) -> bool:
    return user.role in ORGANISERS or _takes_part(user, meeting)


MEETING_SIDES = {"ha_staff", "exhibitor", "partnership"} | ORGANISERS


def register() -> None:
    """This feature's grants; its init_app calls this before anything asks can()."""
    grant("bookmark.own", {"ha_staff"}, rule=own_bookmark)
    grant("recommendation.own", {"ha_staff"})
    grant("recommendation.exhibitor", {"exhibitor"} | ORGANISERS, rule=own_company)
    grant("recommendation.pairs", {"partnership"} | ORGANISERS)
    grant("recommendation.batch", ORGANISERS)
    grant("lead.manage", {"exhibitor"}, rule=own_company)
    grant("meeting.propose", MEETING_SIDES)
    grant("meeting.propose_for", MEETING_SIDES, rule=proposes_for_own_company)
    grant("meeting.answer", MEETING_SIDES)
    grant("meeting.see", SIGNED_IN, rule=sees_meeting)
    grant("meeting.change", MEETING_SIDES, rule=changes_meeting)
    grant("networking.join", {"ha_staff", "exhibitor"})
    grant("networking.manage", ORGANISERS)
    # At the table: door staff scan anyone's badge, a participant the badge of the person they meet.
    grant("networking.scan", {"scanner", "ha_staff", "exhibitor"} | ORGANISERS)
    grant("networking.scan_any", {"scanner"} | ORGANISERS)
    # Everyone but an exhibitor sees a meeting's HA people with their contact details; an exhibitor
    # sees them only under each person's consent (the leads rule, matchmaking.leads.visible_person).
    grant("meeting.contacts_unfiltered", SIGNED_IN - {"exhibitor"})

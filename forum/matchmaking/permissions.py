"""Who may bookmark, see recommendations and work with leads."""
from __future__ import annotations

from ..permissions import ORGANISERS, grant


def own_company(user, obj) -> bool:
    if user.role in ORGANISERS:
        return True
    return user.company_id is not None and user.company_id == getattr(obj, "company_id", getattr(obj, "id", None))


def own_bookmark(user, bookmark) -> bool:
    return bookmark.user_id == user.id


grant("bookmark.own", {"ha_staff"}, rule=own_bookmark)
grant("recommendation.own", {"ha_staff"})
grant("recommendation.exhibitor", {"exhibitor"} | ORGANISERS, rule=own_company)
grant("recommendation.pairs", {"partnership"} | ORGANISERS)
grant("recommendation.batch", ORGANISERS)
grant("lead.manage", {"exhibitor"}, rule=own_company)
grant("meeting.propose", {"ha_staff", "exhibitor", "partnership"} | ORGANISERS)
grant("meeting.answer", {"ha_staff", "exhibitor", "partnership"} | ORGANISERS)
grant("networking.join", {"ha_staff", "exhibitor"})
grant("networking.manage", ORGANISERS)
# At the table: door staff scan anyone's badge, a participant the badge of the person they meet.
grant("networking.scan", {"scanner", "ha_staff", "exhibitor"} | ORGANISERS)

"""Who may bookmark, see recommendations and work with leads."""
from __future__ import annotations

from ..permissions import STAFF, grant


def own_company(user, obj) -> bool:
    if user.role in STAFF:
        return True
    return user.company_id is not None and user.company_id == getattr(obj, "company_id", getattr(obj, "id", None))


def own_bookmark(user, bookmark) -> bool:
    return bookmark.user_id == user.id


grant("bookmark.own", {"ha_staff"}, rule=own_bookmark)
grant("recommendation.own", {"ha_staff"})
grant("recommendation.exhibitor", {"exhibitor"} | STAFF, rule=own_company)
grant("recommendation.pairs", {"partnership"} | STAFF)
grant("recommendation.batch", STAFF)
grant("lead.manage", {"exhibitor"}, rule=own_company)
grant("meeting.propose", {"ha_staff", "exhibitor", "partnership"} | STAFF)
grant("meeting.answer", {"ha_staff", "exhibitor", "partnership"} | STAFF)
grant("networking.join", {"ha_staff", "exhibitor"})
grant("networking.manage", STAFF)
# At the table: door staff scan anyone's badge, a participant the badge of the person they meet.
grant("networking.scan", {"scanner", "ha_staff", "exhibitor"} | STAFF)

"""Who may see which forum: written once, used by the forum pages, the API, the directory and the agenda."""
from __future__ import annotations

from ..permissions import can
from .models import ForumStatus


def may_see(user, forum) -> bool:
    """A draft forum is seen only by those who manage forums; every other forum by anyone with the page's grant."""
    return forum.status != ForumStatus.draft or can(user, "forum.manage")

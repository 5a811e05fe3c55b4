"""A draft forum's matchmaking pages: the same rule as every forum page (forums.permissions.may_see)."""
import pytest

from forum.forums.models import ForumStatus
from tests.factories import ForumFactory


@pytest.mark.parametrize("role, path, seen", [
    ("partnership", "/forums/{slug}/pairs", False),
    ("organiser", "/forums/{slug}/pairs", True),
    ("ha_staff", "/forums/{slug}/meetings", False),
    ("organiser", "/forums/{slug}/meetings", True),
])
def test_a_draft_forum_s_matchmaking_pages_are_for_those_who_manage_forums(client, login_as, role, path, seen):
    draft = ForumFactory(status=ForumStatus.draft)
    login_as(role)
    status = client.get(path.format(slug=draft.slug)).status_code
    assert (status == 200) is seen and (status == 404) is not seen

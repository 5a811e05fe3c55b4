"""Every search box matches what was typed literally: % and _ are no wildcards anywhere LIKE is used."""
import pytest

from forum.db import contains, like_escape
from forum.extensions import db
from tests.factories import AttendeeFactory, ForumFactory, UserFactory


def test_like_escape_makes_wildcards_and_the_escape_literal():
    assert like_escape("50%_off\\") == "50\\%\\_off\\\\"


@pytest.mark.parametrize("typed", ["%", "_", "%%", "__"])
def test_attendee_list_filter(typed):
    from forum.attendees.services import AttendeeFilter, filtered_query

    forum = ForumFactory()
    AttendeeFactory(forum=forum, name_en="Plain Name")
    special = AttendeeFactory(forum=forum, name_en=f"Odd {typed} Name")
    found = db.session.scalars(filtered_query(forum, AttendeeFilter(q=typed))).all()
    assert found == [special]


@pytest.mark.parametrize("typed", ["%", "_"])
def test_user_list_and_site_search(typed):
    from forum.accounts.services import list_users
    from forum.sites.services import list_sites

    admin = UserFactory(role="admin")
    assert list_users(admin, query=typed) == []
    assert list_sites(query=typed) == []


def test_contains_matches_a_literal_percent():
    from forum.attendees.models import Attendee
    import sqlalchemy as sa

    forum = ForumFactory()
    hit = AttendeeFactory(forum=forum, organisation="100% Care")
    AttendeeFactory(forum=forum, organisation="1000 Care")
    rows = db.session.scalars(sa.select(Attendee).where(Attendee.forum_id == forum.id,
                                                        contains(Attendee.organisation, "100%"))).all()
    assert rows == [hit]

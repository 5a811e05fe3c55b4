import pytest

from forum.attendees.models import AttendeeStatus
from forum.attendees.tickets import issue_ticket
from tests.factories import AttendeeFactory, ForumFactory


@pytest.fixture
def forum():
    return ForumFactory()


def registered(forum, n: int) -> None:
    for _ in range(n):
        issue_ticket(AttendeeFactory(forum=forum, status=AttendeeStatus.registered))

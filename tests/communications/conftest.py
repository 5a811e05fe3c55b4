import pytest

from forum.cli import SystemActor


@pytest.fixture
def organiser():
    from tests.factories import UserFactory

    return UserFactory(role="organiser", email="organiser@hkstp.example")


@pytest.fixture
def forum():
    from tests.factories import ForumFactory

    return ForumFactory()


@pytest.fixture
def system():
    return SystemActor()

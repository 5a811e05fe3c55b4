import pytest


@pytest.fixture(autouse=True)
def _request_context(app):
    """Domain errors carry lazy translated messages; they need a request to pick the language."""
    with app.test_request_context():
        yield


@pytest.fixture
def organiser():
    from tests.factories import UserFactory

    return UserFactory(role="organiser")


@pytest.fixture
def forum():
    from tests.factories import ForumFactory

    return ForumFactory()

"""Each role's home page says what to do next, most pressing first."""
import re

import pytest

from forum.forums.models import ForumStatus
from tests.factories import ForumFactory


def _steps(html: str) -> list[str]:
    section = html.split('class="step-list"')[1].split("</ol>")[0]
    return re.findall(r"<strong>(.*?)</strong>", section)


def test_feature_work_comes_before_housekeeping_for_organisers(client, login_as):
    ForumFactory(status=ForumStatus.open_for_exhibitors)
    login_as("organiser")
    steps = _steps(client.get("/").get_data(as_text=True))
    assert "Review exhibitor applications" in steps
    assert steps.index("Review exhibitor applications") < steps.index("Invite colleagues")


def test_without_any_forum_the_organiser_is_asked_to_create_one(client, login_as):
    login_as("organiser")
    assert _steps(client.get("/").get_data(as_text=True))[0] == "Create the first forum"


@pytest.mark.parametrize("role,expected", [
    ("exhibitor", "Exhibitor home"), ("ha_staff", "Welcome"), ("scanner", "Door scanning"),
    ("partnership", "Partnership home"), ("admin", "Administration"),
])
def test_every_role_has_its_own_home(client, login_as, role, expected):
    ForumFactory()
    login_as(role)
    html = client.get("/").get_data(as_text=True)
    assert f"<h1>{expected}" in html
    assert 'class="steps"' in html

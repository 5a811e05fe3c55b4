"""Only administrators may invite administrators: the invitation page offers the role by the same rule."""
import pytest


@pytest.mark.parametrize("role, offered", [("admin", True), ("organiser", False)])
def test_the_administrator_role_is_offered_only_to_administrators(client, login_as, role, offered):
    login_as(role)
    page = client.get("/invitations/new")
    assert page.status_code == 200
    assert ('value="admin"' in page.get_data(as_text=True)) is offered

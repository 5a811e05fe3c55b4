"""Who may revoke an API token, asked through can() as revoke_token() asks it."""
import pytest

from forum.accounts.tokens import issue_token, revoke_token, tokens_of
from forum.errors import NotFound
from forum.permissions import can
from tests.factories import UserFactory


@pytest.mark.parametrize("who, allowed", [
    ("owner", True), ("admin", True), ("organiser", False), ("other ha staff", False)])
def test_a_token_is_revoked_by_its_owner_or_an_administrator(who, allowed):
    owner = UserFactory(role="ha_staff")
    issue_token(owner, "phone")
    [row] = tokens_of(owner)
    actor = owner if who == "owner" else UserFactory(role="ha_staff" if who == "other ha staff" else who)
    assert can(actor, "token.revoke", row) is allowed
    if allowed:
        revoke_token(actor, row.id)
        assert tokens_of(owner) == []
    else:
        with pytest.raises(NotFound):
            revoke_token(actor, row.id)
        assert tokens_of(owner) == [row]

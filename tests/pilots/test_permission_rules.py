"""The pilots' object rules, asked through can() as the pilot pages and services ask them."""
import pytest

from forum.permissions import can
from tests.factories import CompanyFactory, UserFactory


@pytest.mark.parametrize("who, allowed", [
    ("admin", True), ("organiser", True), ("partnership", True), ("ha_staff", True),
    ("own exhibitor", True), ("other exhibitor", False), ("scanner", False), ("researcher", False)])
def test_a_company_pilot_page_is_closed_to_other_companies(who, allowed):
    company = CompanyFactory()
    if who.endswith("exhibitor"):
        user = UserFactory(role="exhibitor", company_id=company.id if who == "own exhibitor" else CompanyFactory().id)
    else:
        user = UserFactory(role=who)
    assert can(user, "pilot.company_page", company) is allowed


@pytest.mark.parametrize("role, allowed", [
    ("admin", True), ("organiser", True), ("partnership", True), ("ha_staff", False), ("exhibitor", False)])
def test_only_the_team_chooses_the_sponsor_of_a_pilot_from_a_bookmark(role, allowed):
    assert can(UserFactory(role=role), "pilot.choose_sponsor") is allowed

"""The main menu lists what the signed-in person may open, by the same permission rules as the pages."""
import re

import pytest


def menu(client) -> list[str]:
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    nav = re.search(r'<nav class="nav" id="main-nav".*?</nav>', page, re.S).group(0)
    return re.findall(r'<a href="[^"]*"(?: aria-current="page")?>([^<]+)</a>', nav)


@pytest.mark.parametrize("role, shown, hidden", [
    ("organiser", {"Forums", "Attendees", "Review exhibitors", "Check-in", "Agenda"}, {"Users", "My ticket"}),
    ("ha_staff", {"Exhibitors", "My ticket", "My bookmarks"}, {"Attendees", "Check-in", "Review exhibitors", "Audit"}),
    ("scanner", {"Check-in"}, {"Attendees", "Review exhibitors", "Audit", "Users"}),
])
def test_the_menu_shows_each_role_what_it_may_open(client, login_as, role, shown, hidden):
    login_as(role)
    entries = set(menu(client))
    assert shown <= entries, entries
    assert not hidden & entries, entries


def test_an_unconfirmed_sign_up_gets_the_signed_out_menu(client, login_as):
    # Until the address is confirmed the account is not signed in at all: no entry of anyone's menu.
    login_as("exhibitor", email_verified=False)
    assert set(menu(client)) == {"Sign in", "Company sign-up"}
    login_as("exhibitor")
    assert {"Home", "Exhibitors"} <= set(menu(client))  # once confirmed, signed in

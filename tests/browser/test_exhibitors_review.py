"""The organiser's review of the demo forum: filters, bulk approval, and the refusal past the booth limit."""
import re

from tests.support.browser import login, shot

FORUM = "innovation-forum-2026-12"


def _capacity(page):
    approved, booths = re.search(r"(\d+) of (\d+) booths approved", page.locator("#capacity").inner_text()).groups()
    return int(approved), int(booths)


def test_organiser_filters_bulk_approves_and_is_refused_past_capacity(live_server, page):
    login(page, live_server, "organiser@forum.example")
    page.click("nav a:has-text('Review exhibitors')")
    page.wait_for_load_state()
    assert page.url.endswith(f"/exhibitors/forums/{FORUM}/review")
    approved_before, booths = _capacity(page)
    assert booths == 30

    # Filters: the waiting list, then demo requests.
    page.select_option("form.filters select[name=status]", "waitlisted")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    rows = page.locator("#bulk tbody tr[data-company]")
    assert rows.count() >= 2
    assert all("Waitlisted" in r.inner_text() for r in rows.all())
    page.goto(live_server.url + f"/exhibitors/forums/{FORUM}/review?demo=yes")
    assert all("Requested" in r.inner_text() for r in page.locator("#bulk tbody tr[data-company]").all())
    shot(page, "organiser-review-filtered")

    # Bulk approval of everything still waiting: more than the free booths.
    pending = 0
    refusals = 0
    for status in ("waitlisted", "submitted"):
        page.goto(live_server.url + f"/exhibitors/forums/{FORUM}/review?status={status}")
        boxes = page.locator("#bulk input[name=ids]")
        pending += boxes.count()
        page.check("#bulk thead input[type=checkbox]")  # select all
        page.select_option("#bulk select[name=decision]", "approve")
        page.click("#bulk button[type=submit]")
        page.wait_for_load_state()
        refusals += page.locator(".flash-error:has-text('booths are taken')").count()
    free = booths - approved_before
    assert pending > free
    approved_after, _ = _capacity(page)
    assert approved_after == booths
    assert refusals == pending - free
    assert "All 30 booths are taken" in page.locator(".flash-error").first.inner_text()
    shot(page, "organiser-review-capacity")

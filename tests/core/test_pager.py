"""The one pager (templates/_macros/pager.html over db.paginate): pages keep the list's filters."""
import re

from forum.extensions import db
from tests.factories import AttendeeFactory, ForumFactory


def _links(html: str) -> list[str]:
    return [href.replace("&amp;", "&") for href in re.findall(r'<a class="button small" href="([^"]+)"', html)]


def test_attendee_pages_go_forward_and_back_with_the_filter_kept(client, login_as):
    login_as("organiser")
    forum = ForumFactory()
    for _ in range(51):
        AttendeeFactory(forum=forum, department="Nursing Services")
    db.session.flush()
    first = client.get(f"/forums/{forum.slug}/attendees/", query_string={"q": "chan"}).get_data(as_text=True)
    assert "Page 1 of 2" in first
    forward = [href for href in _links(first) if "page=2" in href]
    assert forward and "q=chan" in forward[0]
    second = client.get(forward[0]).get_data(as_text=True)
    assert "Page 2 of 2" in second and "CHAN Tai Man" in second
    assert any("page=1" in href and "q=chan" in href for href in _links(second))


def test_one_page_shows_no_pager(client, login_as):
    login_as("organiser")
    forum = ForumFactory()
    AttendeeFactory(forum=forum)
    db.session.flush()
    html = client.get(f"/forums/{forum.slug}/attendees/").get_data(as_text=True)
    assert "Page 1 of" not in html


def test_a_page_past_the_end_shows_an_empty_page_not_an_error(client, login_as):
    login_as("organiser")
    forum = ForumFactory()
    AttendeeFactory(forum=forum)
    db.session.flush()
    assert client.get(f"/forums/{forum.slug}/attendees/?page=99").status_code == 200

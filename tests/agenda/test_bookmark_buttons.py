"""Live demos on the public agenda and on "My agenda" carry the bookmark button of their solution."""
from __future__ import annotations

import re
from datetime import timedelta

from forum.agenda import bookings, releases, sessions
from forum.extensions import db
from forum.matchmaking.bookmarks import add_bookmark


def _demos(ctx, n: int, first: int = 0):
    forum = ctx["forum"]
    made = []
    for i in range(first, first + n):
        app = ctx["apps"][i % len(ctx["apps"])]
        app.solutions = [app.demo_solution]
        made.append(sessions.save_session(ctx["actor"], forum, {
            "kind": "live_demo", "title_en": f"Live demo {i}", "title_zh": f"現場示範{i}",
            "starts_at": forum.starts_at + timedelta(minutes=20 * i),
            "ends_at": forum.starts_at + timedelta(minutes=20 * i + 10), "room_id": None,
            "application_id": app.id, "solution_id": app.demo_solution_id}))
    sessions.save_session(ctx["actor"], forum, {
        "kind": "keynote", "title_en": f"Keynote {first}", "starts_at": forum.starts_at + timedelta(minutes=5 + first),
        "ends_at": forum.starts_at + timedelta(minutes=15 + first), "room_id": None})
    return made


def _buttons(html: str) -> set[str]:
    return set(re.findall(r'data-bookmark-solution="(\d+)"', html))


def test_live_demos_get_a_bookmark_button_and_bookmarks_load_in_one_query(client, login_as, demo_forum,
                                                                           query_counter):
    me = login_as("ha_staff")
    forum = demo_forum["forum"]
    counts = []
    for first, n in ((0, 2), (2, 3)):
        _demos(demo_forum, n, first)
        releases.publish(demo_forum["actor"], forum)
        db.session.commit()
        with query_counter() as q:
            response = client.get(f"/forums/{forum.slug}/agenda")
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        counts.append(q.count)
        assert len([s for s in q.statements if "FROM bookmark" in s]) == 1, q.statements
    assert counts[0] == counts[1], counts
    demo_solutions = {str(a.demo_solution_id) for a in demo_forum["apps"]}
    assert _buttons(html) == demo_solutions  # every live demo's solution; the keynotes have none
    add_bookmark(me, forum, solution_id=demo_forum["apps"][0].demo_solution_id)
    db.session.commit()
    html = client.get(f"/forums/{forum.slug}/agenda").get_data(as_text=True)
    assert str(demo_forum["apps"][0].demo_solution_id) not in _buttons(html) and "★ Bookmarked" in html


def test_anonymous_visitors_get_no_bookmark_button(client, demo_forum):
    _demos(demo_forum, 2)
    releases.publish(demo_forum["actor"], demo_forum["forum"])
    db.session.commit()
    assert _buttons(client.get(f"/forums/{demo_forum['forum'].slug}/agenda").get_data(as_text=True)) == set()


def test_my_agenda_shows_the_button_on_starred_live_demos(client, login_as, demo_forum):
    me = login_as("ha_staff")
    forum = demo_forum["forum"]
    demo, other = _demos(demo_forum, 2)
    releases.publish(demo_forum["actor"], forum)
    bookings.toggle_star(me, forum, demo.id)
    db.session.commit()
    html = client.get(f"/forums/{forum.slug}/my-agenda").get_data(as_text=True)
    assert _buttons(html) == {str(demo.solution_id)}

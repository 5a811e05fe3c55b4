"""Session rules (refusals with field messages) and the one conflicts service."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from forum.agenda import sessions
from forum.agenda.conflicts import find_conflicts
from forum.agenda.models import AgendaSession
from forum.db import write_transactions
from forum.errors import Conflict, ValidationError


def _at(forum, minutes):
    return forum.starts_at + timedelta(minutes=minutes)


def _add(ctx, minutes, length=30, room="stage", **extra):
    forum = ctx["forum"]
    data = {"kind": "keynote", "title_en": extra.pop("title", f"Talk {minutes}"), "starts_at": _at(forum, minutes),
            "ends_at": _at(forum, minutes + length), "room_id": ctx[room].id if room else None, **extra}
    return sessions.save_session(ctx["actor"], forum, data)


@pytest.mark.parametrize("start, end, field, words", [
    (0, 0, "ends_at", "the end equals the start"),
    (30, 0, "ends_at", "The end is before the start"),
    (-30, 10, "starts_at", "within the forum's hours"),
    (200, 300, "starts_at", "within the forum's hours"),
])
def test_bad_times_are_refused_with_the_field_named(demo_forum, start, end, field, words):
    forum = demo_forum["forum"]
    with pytest.raises(ValidationError) as error:
        sessions.save_session(demo_forum["actor"], forum, {"kind": "panel", "title_en": "Panel",
                                                           "starts_at": _at(forum, start), "ends_at": _at(forum, end)})
    assert error.value.field == field and words in error.value.message


def test_overlap_in_one_room_is_refused_but_back_to_back_is_fine(demo_forum):
    _add(demo_forum, 0, title="Opening")
    with pytest.raises(ValidationError) as error:
        _add(demo_forum, 15)
    assert error.value.field == "starts_at" and "Main stage already holds Opening" in error.value.message
    _add(demo_forum, 30)  # starts as the opening ends
    _add(demo_forum, 15, room="side")


def test_unknown_kind_room_and_missing_title_are_refused(demo_forum):
    forum, actor = demo_forum["forum"], demo_forum["actor"]
    base = {"kind": "panel", "title_en": "P", "starts_at": _at(forum, 0), "ends_at": _at(forum, 10)}
    for change, field in (({"kind": "party"}, "kind"), ({"room_id": 999999}, "room_id"),
                          ({"title_en": " "}, "title_en")):
        with pytest.raises(ValidationError) as error:
            sessions.save_session(actor, forum, {**base, **change})
        assert error.value.field == field


def test_conflicts_name_speakers_exhibitors_hours_windows_and_capacity(demo_forum):
    ctx, forum = demo_forum, demo_forum["forum"]
    a = _add(ctx, 0, title="Opening", speakers=[{"name_en": "Dr Chan"}])
    b = _add(ctx, 15, room="side", title="Panel", speakers=[{"name_en": "dr chan "}])
    app = ctx["apps"][0]
    app.demo_windows = "11:00-12:00"
    d1 = _add(ctx, 60, kind="live_demo", title="Demo A", application_id=app.id, expected_audience=300)
    d2 = _add(ctx, 60, room="side", kind="live_demo", title="Demo B", application_id=app.id)
    ctx["side"].closes_at = _at(forum, 40)
    found = {(c.kind, tuple(c.session_ids)): c.message for c in find_conflicts(forum)}
    assert found[("speaker", (a.id, b.id))] == "Dr Chan speaks in Opening and Panel at once (09:15)."
    assert ("exhibitor", (d1.id, d2.id)) in found
    assert found[("presenter_window", (d1.id,))].startswith("Demo A at 10:00 is outside the presenter's times")
    assert found[("capacity", (d1.id,))] == "Demo A expects 300 people; Main stage holds 200."
    assert ("room_hours", (d2.id,)) in found
    assert not [c for c in find_conflicts(forum) if c.kind == "room"]
    only = find_conflicts(forum, only={b.id})
    assert {c.kind for c in only} == {"speaker", "room_hours"}  # the panel runs past 09:40 too


def test_stale_version_is_refused(demo_forum):
    s = _add(demo_forum, 0)
    forum = demo_forum["forum"]
    sessions.move_session(demo_forum["actor"], forum, s, _at(forum, 30), _at(forum, 60), demo_forum["stage"].id,
                          version=1)
    assert s.version == 2
    with pytest.raises(Conflict):
        sessions.move_session(demo_forum["actor"], forum, s, _at(forum, 60), _at(forum, 90),
                              demo_forum["stage"].id, version=1)


@pytest.mark.committed
def test_two_people_moving_one_session_at_once_end_with_one_winner(app, committed):
    from forum.cli import SystemActor
    from forum.extensions import db
    from tests.factories import ForumFactory

    actor = SystemActor()
    forum = ForumFactory()
    room = sessions.add_room(actor, forum, "Stage")
    s = sessions.save_session(actor, forum, {"kind": "panel", "title_en": "P", "starts_at": _at(forum, 0),
                                             "ends_at": _at(forum, 30), "room_id": room.id})
    db.session.commit()
    ids = (forum.id, s.id, room.id)
    barrier, outcomes = threading.Barrier(2), []

    def move(offset):
        barrier.wait()
        with app.app_context(), write_transactions():
            from forum.forums.models import Forum

            try:
                f = db.session.get(Forum, ids[0])
                row = db.session.get(AgendaSession, ids[1])
                sessions.move_session(actor, f, row, _at(f, offset), _at(f, offset + 30), ids[2], version=1)
                db.session.commit()
                outcomes.append("ok")
            except Conflict:
                db.session.rollback()
                outcomes.append("conflict")
            except Exception as error:  # the database's own lock refusal counts as losing
                db.session.rollback()
                outcomes.append(type(error).__name__)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=move, args=(m,)) for m in (60, 120)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert outcomes.count("ok") == 1, outcomes
    db.session.rollback()  # end this thread's read snapshot
    assert db.session.get(AgendaSession, ids[1]).version == 2

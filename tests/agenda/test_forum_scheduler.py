"""The forum adapter: instance from the database, result back as draft sessions, pins, CLI."""
from __future__ import annotations

from datetime import timedelta

from forum.agenda import scheduler, sessions
from forum.agenda.models import SessionKind
from forum.agenda.scheduling.solve import solve

from .checker import check


def test_instance_from_the_database_is_valid_and_complete(demo_forum):
    instance, names = scheduler.build_instance(demo_forum["forum"])
    assert len(instance["times"]) == 6 and len(instance["rooms"]) == 2
    assert [d["id"] for d in instance["demos"]] == [f"app{a.id}" for a in demo_forum["apps"]]
    side = next(r for r in instance["rooms"] if r["id"] == f"room{demo_forum['side'].id}")
    assert side["unavailable"] == ["t1"] and side["capacity"] == 40
    # 20 want the three care demos, 10 want all five
    assert sorted(len(a["wants"]) for a in instance["attendees"]) == [3] * 20 + [5] * 10
    assert instance["demos"][0]["expected_audience"] == 30 and instance["demos"][4]["expected_audience"] == 10
    result = solve(instance, time_limit=5)
    assert check(instance, result) == []


def test_presenter_windows_limit_the_times(demo_forum):
    app = demo_forum["apps"][0]
    app.demo_windows = "10:15-10:45"
    instance, _ = scheduler.build_instance(demo_forum["forum"])
    assert instance["demos"][0]["available"] == ["t2", "t3"]


def test_run_writes_draft_sessions_and_conflicts_in_words(demo_forum):
    forum, actor = demo_forum["forum"], demo_forum["actor"]
    run = scheduler.run_scheduler(actor, forum, time_limit=5)
    assert run.status == "optimal" and run.bound == run.missed == 0  # 11 room-times, 5 demos: no clash needed
    made = scheduler.demo_sessions(forum)
    assert set(made) == {a.id for a in demo_forum["apps"]}
    assert all(s.kind == SessionKind.live_demo and s.status.value == "draft" for s in made.values())
    starts = sorted(s.starts_at for s in made.values())
    assert len(set(starts)) == 5  # everyone who wants several sees them all


def test_unavoidable_conflict_is_described_and_pinned_demo_never_moves(demo_forum):
    forum, actor = demo_forum["forum"], demo_forum["actor"]
    # Only two times left: five demos must share them
    from forum.agenda.models import DemoSlot
    from forum.extensions import db

    for slot in db.session.query(DemoSlot).filter(DemoSlot.forum_id == forum.id):
        if slot.starts_at >= forum.starts_at + timedelta(hours=1, minutes=45):
            db.session.delete(slot)
    extra = sessions.add_room(actor, forum, "Lab", capacity=30)
    sessions.open_demo_slots(actor, forum, extra, forum.starts_at + timedelta(hours=1), 15, 3)
    db.session.flush()
    run = scheduler.run_scheduler(actor, forum, time_limit=5)
    assert run.status == "optimal" and run.missed > 0
    lines = scheduler.describe_conflicts(run)
    assert lines and "attendees want both Demo" in lines[0] and " at 10:" in lines[0]
    # Pin one demo where it is, move nothing else by hand, re-run: it stays put
    demo = scheduler.demo_sessions(forum)[demo_forum["apps"][4].id]
    sessions.set_pinned(actor, forum, demo, True)
    where = (demo.room_id, demo.starts_at)
    scheduler.run_scheduler(actor, forum, time_limit=5)
    assert (demo.room_id, demo.starts_at) == where


def test_infeasible_request_names_the_demos_in_words(demo_forum):
    forum, actor = demo_forum["forum"], demo_forum["actor"]
    for app in demo_forum["apps"]:
        app.demo_windows = "10:00-10:15"
    run = scheduler.run_scheduler(actor, forum, time_limit=5)
    assert run.status == "infeasible"
    text = " ".join(scheduler.describe_reasons(run))
    assert "Demo 0" in text and "10:00" in text and "room-times" in text


def test_no_slots_is_explained(app):
    from forum.cli import SystemActor
    from tests.factories import ForumFactory

    run = scheduler.run_scheduler(SystemActor(), ForumFactory(), time_limit=1)
    assert run.status == "invalid" and "demo slots" in run.result["reasons"][0]


def test_cli_schedule_and_solve(demo_forum, runner, tmp_path):
    import json

    result = runner.invoke(args=["agenda", "schedule", demo_forum["forum"].slug, "--time-limit", "5"])
    assert result.exit_code == 0, result.output
    assert "optimal: 5 demos, 0 missed wants" in result.output
    instance, _ = scheduler.build_instance(demo_forum["forum"])
    path = tmp_path / "in.json"
    path.write_text(json.dumps(instance))
    out = tmp_path / "out.json"
    result = runner.invoke(args=["agenda", "solve", str(path), "--time-limit", "3", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert check(instance, json.loads(out.read_text())) == []
    path.write_text('{"times": [], "rooms": "x"}')
    result = runner.invoke(args=["agenda", "solve", str(path)])
    assert result.exit_code == 1 and '"status": "invalid"' in result.output and "Traceback" not in result.output
    path.write_text("{not json")
    result = runner.invoke(args=["agenda", "solve", str(path)])
    assert result.exit_code == 1 and "is not JSON" in result.output


def test_agenda_solve_on_a_benchmark_instance_passes_the_independent_check(runner, tmp_path):
    import json

    from benchmarks.scheduler import instance

    data = instance(60, 4, 16, 800)
    path, out = tmp_path / "demos60.json", tmp_path / "out.json"
    path.write_text(json.dumps(data))
    result = runner.invoke(args=["agenda", "solve", str(path), "--time-limit", "4", "-o", str(out)])
    assert result.exit_code == 0, result.output
    answer = json.loads(out.read_text())
    assert check(data, answer) == []
    assert answer["missed"] <= answer["greedy_missed"]

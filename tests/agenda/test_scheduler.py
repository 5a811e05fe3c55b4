"""The pure demo scheduler: formats, hard rules, proven bounds, explanations; checked independently."""
from __future__ import annotations

import copy
import itertools
import json
import random

import pytest

from forum.agenda.scheduling.baseline import arrange_rooms
from forum.agenda.scheduling.solve import solve

from .checker import check, recount_conflicts, recount_missed


def _times(n: int, minutes: int = 15, start_hour: int = 10) -> list[dict]:
    out = []
    for i in range(n):
        s, e = start_hour * 60 + i * minutes, start_hour * 60 + (i + 1) * minutes
        out.append({"id": f"t{i + 1}", "starts_at": f"2026-12-08T{s // 60:02d}:{s % 60:02d}:00+08:00",
                    "ends_at": f"2026-12-08T{e // 60:02d}:{e % 60:02d}:00+08:00"})
    return out


def small() -> dict:
    return {
        "times": _times(3),
        "rooms": [{"id": "stage", "capacity": 200, "unavailable": ["t3"]}, {"id": "side", "capacity": 40}],
        "demos": [
            {"id": "d1", "presenters": ["p1"], "expected_audience": 120},
            {"id": "d2", "presenters": ["p1"], "expected_audience": 10},
            {"id": "d3", "presenters": ["p2"], "available": ["t1", "t2"]},
            {"id": "d4", "presenters": ["p3"], "pinned": {"room": "side", "time": "t3"}},
            {"id": "d5"},
        ],
        "attendees": [{"id": "a1", "wants": ["d1", "d2", "d3"]}, {"id": "a2", "wants": ["d3", "d5"]},
                      {"id": "a3", "wants": ["d1", "d3", "d4", "d5"]}, {"id": "a4", "wants": ["d4", "d5"]}],
    }


def test_small_instance_is_solved_to_proven_optimality_and_passes_the_independent_check():
    data = small()
    result = solve(data, time_limit=10)
    assert result["status"] == "optimal"
    assert check(data, result) == []
    assert result["bound"] == result["missed"] == recount_missed(data, result)
    # five demos in five room-times, d4 pinned in the side room at t3 (the stage is closed then)
    assert {"demo": "d4", "room": "side", "time": "t3"} in result["assignments"]
    d1 = next(a for a in result["assignments"] if a["demo"] == "d1")
    d2 = next(a for a in result["assignments"] if a["demo"] == "d2")
    assert d1["time"] != d2["time"]  # one presenter
    json.dumps(result)


def test_conflicts_list_every_pair_with_exact_counts_largest_first():
    data = small()
    result = solve(data, time_limit=10)
    expected = recount_conflicts(data, result)
    got = {frozenset(c["demos"]): c["attendees"] for c in result["conflicts"]}
    assert got == expected
    counts = [c["attendees"] for c in result["conflicts"]]
    assert counts == sorted(counts, reverse=True)


def test_a_forced_conflict_is_counted_and_the_bound_proves_it_unavoidable():
    # two demos, one time, two rooms: whoever wants both misses one
    data = {"times": _times(1), "rooms": [{"id": "r1"}, {"id": "r2"}], "demos": [{"id": "x"}, {"id": "y"}],
            "attendees": [{"id": f"a{i}", "wants": ["x", "y"]} for i in range(14)]}
    result = solve(data, time_limit=5)
    assert result["status"] == "optimal" and result["missed"] == 14 and result["bound"] == 14
    assert result["conflicts"] == [{"time": "t1", "demos": ["x", "y"], "attendees": 14}]


def test_overlapping_times_of_different_lengths_count_as_the_same_moment():
    times = [{"id": "long", "starts_at": "2026-12-08T10:00:00+08:00", "ends_at": "2026-12-08T11:00:00+08:00"},
             {"id": "early", "starts_at": "2026-12-08T10:00:00+08:00", "ends_at": "2026-12-08T10:30:00+08:00"},
             {"id": "late", "starts_at": "2026-12-08T10:30:00+08:00", "ends_at": "2026-12-08T11:00:00+08:00"}]
    data = {"times": times, "rooms": [{"id": "r1"}, {"id": "r2"}],
            "demos": [{"id": "a", "pinned": {"room": "r1", "time": "long"}}, {"id": "b", "available": ["early"]},
                      {"id": "c", "available": ["late"]}],
            "attendees": [{"id": "p", "wants": ["a", "b", "c"]}]}
    result = solve(data, time_limit=5)
    assert check(data, result) == []
    assert result["missed"] == 1  # b then c back to back; a overlaps both
    assert result["bound"] is None or result["bound"] <= 1


def test_presenter_pinned_twice_at_once_is_infeasible_and_named():
    data = small()
    data["demos"][0]["pinned"] = {"room": "stage", "time": "t1"}
    data["demos"][1]["pinned"] = {"room": "side", "time": "t1"}
    result = solve(data)
    assert result["status"] == "infeasible" and result["assignments"] == []
    assert any("'p1'" in r and "'d1'" in r and "'d2'" in r for r in result["reasons"])


def test_too_few_room_times_names_the_competing_demos_and_times():
    data = small()
    data["demos"].append({"id": "d6", "available": ["t1", "t2"]})
    data["demos"].append({"id": "d7", "available": ["t1", "t2"]})
    result = solve(data)
    assert result["status"] == "infeasible"
    assert any("room-times" in r and "'t1'" in r and "'d6'" in r and "4 room-times" in r for r in result["reasons"])


def test_demo_with_no_open_time_is_named():
    data = small()
    data["rooms"][1]["unavailable"] = ["t1"]
    data["rooms"][0]["unavailable"] = ["t1", "t3"]
    data["demos"][2]["available"] = ["t1"]
    result = solve(data)
    assert result["status"] == "infeasible"
    assert any("'d3' has no feasible time" in r for r in result["reasons"])


def test_presenter_with_more_demos_than_times_is_named():
    data = small()
    for d in data["demos"][:3]:
        d["presenters"] = ["busy"]
        d["available"] = ["t1", "t2"]
    result = solve(data)
    assert result["status"] == "infeasible"
    assert any("presenter 'busy' gives 3 demos" in r for r in result["reasons"])


@pytest.mark.parametrize("mutate, words", [
    (lambda d: d.pop("times"), "'times' is missing"),
    (lambda d: d["rooms"].append({"id": "stage"}), "rooms id 'stage' appears more than once"),
    (lambda d: d["demos"][0].update(available=["t9"]), "demo 'd1' available names unknown time 't9'"),
    (lambda d: d["demos"][0].update(pinned={"room": "roof", "time": "t1"}), "demo 'd1' is pinned to"),
    (lambda d: d["attendees"][0].update(wants=["d99"]), "attendee 'a1' wants names unknown demo 'd99'"),
    (lambda d: d["times"][0].update(ends_at="2026-12-08T09:00:00+08:00"), "time 't1' ends at"),
    (lambda d: d["times"][0].update(starts_at="tomorrow"), "is not an ISO 8601"),
    (lambda d: d["rooms"][0].update(capacity=-3), "room 'stage' capacity must be a whole number"),
    (lambda d: d["demos"].append("d9"), "demos[5] is not an object"),
])
def test_malformed_instances_are_invalid_with_reasons(mutate, words):
    data = small()
    mutate(data)
    result = solve(data)
    assert result["status"] == "invalid" and result["assignments"] == []
    assert any(words in r for r in result["reasons"]), result["reasons"]


def test_not_an_object_is_invalid():
    assert solve([1, 2])["status"] == "invalid"
    assert solve(None)["status"] == "invalid"


def test_forum_size_benchmark_is_solved_to_proven_optimality_and_passes_the_check():
    from benchmarks.scheduler import instance

    data = instance(30, 3, 11, 300)
    before = copy.deepcopy(data)
    result = solve(data, time_limit=30)
    assert data == before
    assert check(data, result) == []
    assert result["status"] == "optimal" and result["bound"] == result["missed"] == 12
    assert result["missed"] < result["greedy_missed"] == 19


def _random_instance(seed: int, overlapping: bool = False) -> dict:
    """A tiny instance with every kind of rule: a closed room-time, a pin, windows, a shared presenter."""
    rng = random.Random(seed)
    times = _times(4)
    if overlapping:  # one long time over the first two
        times.append({"id": "long", "starts_at": times[0]["starts_at"], "ends_at": times[1]["ends_at"]})
    demos = [{"id": f"d{i}", "presenters": [f"p{i}"]} for i in range(6)]
    demos[1]["presenters"] = ["p0"]
    demos[2]["available"] = ["t1", "t2"]
    demos[3]["pinned"] = {"room": "r1", "time": "t3"}
    people = [{"id": f"a{i}", "wants": rng.sample([d["id"] for d in demos], rng.randint(1, 4))} for i in range(9)]
    return {"times": times, "rooms": [{"id": "r1", "unavailable": ["t4"]}, {"id": "r2"}], "demos": demos,
            "attendees": people}


def _exhaustive_optimum(data: dict) -> int:
    """Fewest missed wants over every assignment of times that keeps the hard rules (checked
    independently); within a time, the pinned demo takes its room and the others the open rooms in order."""
    best = None
    for chosen in itertools.product([t["id"] for t in data["times"]], repeat=len(data["demos"])):
        open_rooms = {t["id"]: [r["id"] for r in data["rooms"] if t["id"] not in r.get("unavailable", [])]
                      for t in data["times"]}
        assignments = []
        for demo, time in sorted(zip(data["demos"], chosen), key=lambda pair: "pinned" not in pair[0]):
            wanted = demo["pinned"]["room"] if "pinned" in demo else (open_rooms[time] or ["none"])[0]
            if wanted not in open_rooms[time]:
                break
            open_rooms[time].remove(wanted)
            assignments.append({"demo": demo["id"], "room": wanted, "time": time})
        else:
            result = {"assignments": assignments, "missed": 0, "bound": None, "status": "feasible"}
            if all("missed" in p for p in check(data, result)):
                missed = recount_missed(data, result)
                best = missed if best is None else min(best, missed)
    return best


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("overlapping", [False, True])
def test_bound_never_exceeds_the_exhaustive_optimum_and_small_grids_are_solved_exactly(seed, overlapping):
    data = _random_instance(seed, overlapping)
    best = _exhaustive_optimum(data)
    result = solve(data, time_limit=2 if overlapping else 10)
    assert check(data, result) == []
    assert result["bound"] is not None and result["bound"] <= best <= result["missed"]
    if not overlapping:  # the set-partitioning model is exact on a grid
        assert result["status"] == "optimal" and result["missed"] == best


@pytest.mark.parametrize("seed", range(4))
def test_the_relaxation_bound_is_proven_and_never_above_the_exhaustive_optimum(seed):
    from forum.agenda.scheduling import evaluate
    from forum.agenda.scheduling.baseline import greedy
    from forum.agenda.scheduling.bound import lower_bound
    from forum.agenda.scheduling.instance import parse

    data = _random_instance(seed)
    for person in data["attendees"]:  # denser wants, so that the optimum is above 0
        person["wants"] = sorted({*person["wants"], "d0", "d4", "d5"})
    inst = parse(data)
    start = greedy(inst, *evaluate.components(inst))
    best = _exhaustive_optimum(data)
    bound = lower_bound(inst, [start], seconds=60)
    assert bound is not None and 0 < bound <= best
    assert lower_bound(inst, [start], seconds=1, budget=0) is None  # a cut-short search claims nothing


def test_pattern_cost_counts_each_attendees_misses_at_one_time():
    from collections import Counter

    from forum.agenda.scheduling.pattern import pattern_cost

    rng = random.Random(3)
    wants = [rng.sample(range(8), rng.randint(2, 6)) for _ in range(40)]
    counts: Counter = Counter()
    for w in wants:
        for k in range(2, 5):
            counts.update(itertools.combinations(sorted(w), k))
    for demos in itertools.combinations(range(8), 4):
        direct = sum(max(0, len(set(w) & set(demos)) - 1) for w in wants)
        assert pattern_cost(demos, counts) == direct


def test_tabu_search_prices_moves_exactly_and_clears_the_largest_benchmark():
    from benchmarks.scheduler import instance
    from forum.agenda.scheduling import evaluate
    from forum.agenda.scheduling.baseline import greedy
    from forum.agenda.scheduling.instance import parse
    from forum.agenda.scheduling.tabu import Tabu

    data = instance(60, 4, 16, 800)
    inst = parse(data)
    start = greedy(inst, *evaluate.components(inst))
    search = Tabu(inst, start)
    best = search.run(seconds=600, max_steps=120)
    assert search.cost == evaluate.missed(inst, search.time_of)  # the running count never drifts
    assert evaluate.missed(inst, best) < evaluate.missed(inst, start)
    result = {"assignments": [{"demo": inst.demo_ids[d], "room": inst.room_ids[r], "time": inst.time_ids[best[d]]}
                              for d, r in enumerate(arrange_rooms(inst, best))],
              "missed": evaluate.missed(inst, best), "bound": None, "status": "feasible"}
    assert check(data, result) == []

    data = instance(300, 8, 40, 5000)
    inst = parse(data)
    start = greedy(inst, *evaluate.components(inst))
    best = Tabu(inst, start).run(seconds=600, max_steps=3000)
    assert evaluate.missed(inst, start) == 21 and evaluate.missed(inst, best) == 0

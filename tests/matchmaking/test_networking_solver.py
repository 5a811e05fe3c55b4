"""The networking hour's scheduler on small instances whose best answer is known."""
import random

import pytest

from forum.matchmaking.networking_solver import Placed, Problem, greedy, pairs, solve


def clash_free(problem, result):
    seen = set()
    tables = set()
    count = {}
    for m in result.meetings:
        for p in (m.a, m.b):
            assert (p, m.slot) not in seen and (p, m.slot) not in problem.busy
            seen.add((p, m.slot))
            count[p] = count.get(p, 0) + 1
        assert (m.slot, m.table) not in tables and 1 <= m.table <= problem.tables
        tables.add((m.slot, m.table))
    assert all(c <= problem.cap for c in count.values())
    assert len({(m.a, m.b) for m in result.meetings}) == len(result.meetings)


def test_no_thanks_on_either_side_blocks_and_weights_add_both_sides():
    problem = Problem(people=[1, 2, 3], slots=2, tables=2, cap=3,
                      wishes={(1, 2): "must", (2, 1): "like", (1, 3): "must", (3, 1): "no", (2, 3): "like"})
    assert pairs(problem) == {(1, 2): 4, (2, 3): 1}


def test_cp_sat_beats_greedy_where_greedy_is_short_sighted_and_proves_it():
    # Cap 1: greedy takes the heaviest pair (1, 2) = 6 and leaves 3 and 4 alone; (1, 3) + (2, 4) = 8.
    problem = Problem(people=[1, 2, 3, 4], slots=2, tables=1, cap=1,
                      wishes={(1, 2): "must", (2, 1): "must", (1, 3): "must", (3, 1): "like",
                              (2, 4): "must", (4, 2): "like"})
    base = greedy(problem)
    best = solve(problem, seconds=5, workers=2)
    assert base.objective == 6 and best.objective == 8 and best.bound == 8 and best.status == "OPTIMAL"
    clash_free(problem, best)


def test_unavailable_slots_caps_locks_and_reasons():
    problem = Problem(people=[1, 2, 3, 4], slots=2, tables=1, cap=1,
                      wishes={(1, 2): "must", (3, 4): "must", (1, 3): "like"},
                      busy={(3, 0), (4, 1)}, locked=[Placed(1, 2, 1, 1, locked=True)])
    result = solve(problem, seconds=5, workers=2)
    clash_free(problem, result)
    assert Placed(1, 2, 1, 1, locked=True) in result.meetings
    assert result.unmet == {(3, 4): "no_common_slot", (1, 3): "cap_reached"}


def test_locked_meetings_on_one_table_slot_are_refused():
    problem = Problem(people=[1, 2, 3, 4], slots=1, tables=1, cap=1, wishes={},
                      locked=[Placed(1, 2, 0, 1, True), Placed(3, 4, 0, 1, True)])
    with pytest.raises(ValueError):
        solve(problem, seconds=1, workers=1)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_forum_sized_sessions_are_clash_free_optimal_and_never_below_greedy(seed):
    rng = random.Random(seed)
    people = list(range(1, 61))
    wishes = {}
    while len(wishes) < 150:
        a, b = rng.sample(people, 2)
        wishes[(a, b)] = rng.choice(["must", "like", "like", "no"])
    busy = {(p, rng.randrange(6)) for p in rng.sample(people, 15)}
    problem = Problem(people=people, slots=6, tables=10, cap=4, wishes=wishes, busy=busy)
    base, best = greedy(problem), solve(problem, seconds=10, workers=2)
    clash_free(problem, best)
    clash_free(problem, base)
    assert best.status == "OPTIMAL" and best.objective == best.bound >= base.objective

"""The networking hour's scheduler: pure functions, no database (the benchmark and the service share them).

A pair can meet when at least one side asked and neither side said "no thanks"; its weight adds both
sides' priorities (must meet 3, would like to 1), so mutual wishes come first. Constraints: a person
is in one place per slot, not in their unavailable slots, at most `cap` meetings; one meeting per
table per slot; a pair meets once; locked meetings stay where they are. Tables are interchangeable
within a slot, so the model counts meetings per slot and tables are numbered afterwards.
CP-SAT maximises the total weight, starting from the greedy schedule as a hint, and reports its
proven bound; `greedy()` is the baseline, in the same module.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

WEIGHTS = {"must": 3, "like": 1}


@dataclass(frozen=True)
class Placed:
    a: int
    b: int
    slot: int
    table: int
    locked: bool = False


@dataclass
class Problem:
    people: list[int]
    slots: int
    tables: int
    cap: int
    wishes: dict[tuple[int, int], str]  # (who, whom) -> must | like | no
    busy: set[tuple[int, int]] = field(default_factory=set)  # (person, slot)
    locked: list[Placed] = field(default_factory=list)


@dataclass
class Result:
    meetings: list[Placed]
    objective: int
    bound: int
    status: str
    seconds: float
    unmet: dict[tuple[int, int], str]  # pair -> reason: cap_reached | no_common_slot | no_table

    @property
    def gap(self) -> float:
        return 0.0 if self.bound <= 0 else max(0.0, (self.bound - self.objective) / self.bound)


def pairs(problem: Problem) -> dict[tuple[int, int], int]:
    """Candidate pairs (a < b) with their weight; "no thanks" on either side blocks the pair."""
    out: dict[tuple[int, int], int] = {}
    blocked = {tuple(sorted(k)) for k, v in problem.wishes.items() if v == "no"}
    for (who, whom), priority in problem.wishes.items():
        key = (min(who, whom), max(who, whom))
        if who == whom or key in blocked or priority not in WEIGHTS:
            continue
        out[key] = out.get(key, 0) + WEIGHTS[priority]
    return out


def _free(problem: Problem, person: int, slot: int) -> bool:
    return (person, slot) not in problem.busy


def _number_tables(problem: Problem, chosen: list[tuple[int, int, int]]) -> list[Placed]:
    taken = {(m.slot, m.table) for m in problem.locked}
    locked_pairs = {(m.a, m.b) for m in problem.locked}
    out = list(problem.locked)
    for a, b, slot in sorted(chosen, key=lambda c: (c[2], c[0], c[1])):
        if (a, b) in locked_pairs:
            continue
        table = next(t for t in range(1, problem.tables + 1) if (slot, t) not in taken)
        taken.add((slot, table))
        out.append(Placed(a, b, slot, table))
    return sorted(out, key=lambda m: (m.slot, m.table))


def _unmet(problem: Problem, weights: dict, meetings: list[Placed]) -> dict[tuple[int, int], str]:
    met = {(m.a, m.b) for m in meetings}
    count: dict[int, int] = {}
    busy = {(p, m.slot) for m in meetings for p in (m.a, m.b)}
    used = {}
    for m in meetings:
        count[m.a] = count.get(m.a, 0) + 1
        count[m.b] = count.get(m.b, 0) + 1
        used[m.slot] = used.get(m.slot, 0) + 1
    out = {}
    for a, b in weights:
        if (a, b) in met:
            continue
        if count.get(a, 0) >= problem.cap or count.get(b, 0) >= problem.cap:
            out[(a, b)] = "cap_reached"
        elif not any(_free(problem, a, s) and _free(problem, b, s) for s in range(problem.slots)):
            out[(a, b)] = "no_common_slot"
        elif not any((a, s) not in busy and (b, s) not in busy and _free(problem, a, s) and _free(problem, b, s)
                     for s in range(problem.slots)):
            out[(a, b)] = "no_common_slot"  # every slot both are free in, one of them is already meeting
        else:
            out[(a, b)] = "no_table"
    return out


def _validate(problem: Problem) -> None:
    seen = set()
    for m in problem.locked:
        if (m.slot, m.table) in seen or not (0 <= m.slot < problem.slots and 1 <= m.table <= problem.tables):
            raise ValueError(f"locked meeting {m} is outside the hour or shares its table")
        seen.add((m.slot, m.table))


def greedy(problem: Problem) -> Result:
    """Heaviest pairs first, each in the earliest slot both are free with a table left."""
    started = time.perf_counter()
    _validate(problem)
    weights = pairs(problem)
    count: dict[int, int] = {}
    busy = set(problem.busy)
    used: dict[int, int] = {}
    chosen = []
    for m in problem.locked:
        for p in (m.a, m.b):
            count[p] = count.get(p, 0) + 1
            busy.add((p, m.slot))
        used[m.slot] = used.get(m.slot, 0) + 1
        chosen.append((m.a, m.b, m.slot))
    done = {(m.a, m.b) for m in problem.locked}
    for (a, b), w in sorted(weights.items(), key=lambda kv: (-kv[1], kv[0])):
        if (a, b) in done or count.get(a, 0) >= problem.cap or count.get(b, 0) >= problem.cap:
            continue
        for s in range(problem.slots):
            if (a, s) not in busy and (b, s) not in busy and used.get(s, 0) < problem.tables:
                chosen.append((a, b, s))
                busy.update({(a, s), (b, s)})
                used[s] = used.get(s, 0) + 1
                count[a], count[b] = count.get(a, 0) + 1, count.get(b, 0) + 1
                break
    meetings = _number_tables(problem, chosen)
    objective = sum(weights.get((m.a, m.b), 0) for m in meetings)
    return Result(meetings, objective, sum(weights.values()), "GREEDY", time.perf_counter() - started,
                  _unmet(problem, weights, meetings))


def solve(problem: Problem, *, seconds: float = 10.0, workers: int = 8) -> Result:
    """CP-SAT, hinted with the greedy schedule; never returns less than greedy."""
    from ortools.sat.python import cp_model

    started = time.perf_counter()
    baseline = greedy(problem)
    weights = pairs(problem)
    locked = {(m.a, m.b): m.slot for m in problem.locked}
    model = cp_model.CpModel()
    x: dict[tuple[int, int, int], object] = {}
    for (a, b) in weights.keys() | locked.keys():
        for s in range(problem.slots):
            if (a, b) in locked:
                if locked[(a, b)] != s:
                    continue
            elif not (_free(problem, a, s) and _free(problem, b, s)):
                continue
            x[(a, b, s)] = model.NewBoolVar("")
    by_pair: dict[tuple[int, int], list] = {}
    by_person_slot: dict[tuple[int, int], list] = {}
    by_person: dict[int, list] = {}
    by_slot: dict[int, list] = {}
    for (a, b, s), var in x.items():
        by_pair.setdefault((a, b), []).append(var)
        for p in (a, b):
            by_person_slot.setdefault((p, s), []).append(var)
            by_person.setdefault(p, []).append(var)
        by_slot.setdefault(s, []).append(var)
    for key, vars_ in by_pair.items():
        if key in locked:
            model.Add(sum(vars_) == 1)
        else:
            model.AddAtMostOne(vars_)
    for vars_ in by_person_slot.values():
        model.AddAtMostOne(vars_)
    for vars_ in by_person.values():
        if len(vars_) > problem.cap:
            model.Add(sum(vars_) <= problem.cap)
    for s, vars_ in by_slot.items():
        if len(vars_) > problem.tables:
            model.Add(sum(vars_) <= problem.tables)
    model.Maximize(sum(weights.get((a, b), 0) * var for (a, b, s), var in x.items()))
    hinted = {(m.a, m.b, m.slot) for m in baseline.meetings}
    for key, var in x.items():
        model.AddHint(var, key in hinted)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, seconds - (time.perf_counter() - started))
    solver.parameters.num_workers = workers
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if problem.locked:
            raise ValueError("the locked meetings cannot all be kept (a person twice in a slot or over the cap)")
        return Result(baseline.meetings, baseline.objective, baseline.bound, "GREEDY", time.perf_counter() - started,
                      baseline.unmet)
    objective = int(round(solver.ObjectiveValue()))
    bound = int(solver.BestObjectiveBound() + 1e-6)
    if objective < baseline.objective:  # a time-out before the hint was repaired: keep the better one
        return Result(baseline.meetings, baseline.objective, bound, "GREEDY", time.perf_counter() - started,
                      baseline.unmet)
    chosen = [key for key, var in x.items() if solver.Value(var)]
    meetings = _number_tables(problem, chosen)
    return Result(meetings, objective, bound, solver.StatusName(status), time.perf_counter() - started,
                  _unmet(problem, weights, meetings))

"""The exact set-partitioning model for small instances whose times never overlap.

Times that no rule tells apart (the same free rooms, the same demos allowed, the same pinned demos)
form a class, and a schedule is a choice, per class, of as many "patterns" as the class has times: a
pattern is the set of demos that share one of its times. Each demo lies in exactly one chosen pattern.
The cost of a pattern is exact: an attendee wanting n of its demos misses max(0, n - 1) of them, and

    max(0, n - 1) = sum over k >= 2 of (-1)^k * C(n, k)

so it is computed from how many attendees want each subset of at most `rooms` demos. Because times in
a class are interchangeable, the model has none of the time symmetry of the one-variable-per-demo-and-
time model, and its linear relaxation (set partitioning) is strong: CP-SAT's bound is the proven one.
"""
from __future__ import annotations

from collections import Counter
from itertools import combinations

from ortools.sat.python import cp_model

from .baseline import capacities
from .instance import Instance

MAX_PATTERNS = 40_000  # above this many patterns the pair model is used instead


def time_classes(inst: Instance) -> list[tuple[list[int], int, tuple[int, ...], list[int]]]:
    """(times, free rooms, pinned demos, demos that may go there) for each class of interchangeable times."""
    free = capacities(inst)
    pinned_at: dict[int, list[int]] = {}
    for d, pin in enumerate(inst.pinned):
        if pin is not None:
            pinned_at.setdefault(pin[1], []).append(d)
    movable = [d for d in range(len(inst.demo_ids)) if inst.pinned[d] is None]
    allowed = [set(a) for a in inst.allowed]
    classes: dict[tuple, list[int]] = {}
    for t in range(len(inst.time_ids)):
        takers = tuple(d for d in movable if t in allowed[d]) if free[t] > 0 else ()
        key = (free[t] if takers else 0, tuple(sorted(pinned_at.get(t, ()))), takers)
        if key[0] or key[1]:
            classes.setdefault(key, []).append(t)
    return [(times, f, pins, list(takers)) for (f, pins, takers), times in classes.items()]


def applicable(inst: Instance) -> bool:
    """No two times overlap, and the patterns are few enough to enumerate."""
    n = len(inst.time_ids)
    if any(inst.overlap[a][b] for a in range(n) for b in range(a + 1, n)):
        return False
    total = 0
    for _, free, _, takers in time_classes(inst):
        total += sum(_choose(len(takers), k) for k in range(free + 1))
        if total > MAX_PATTERNS:
            return False
    return True


def _choose(n: int, k: int) -> int:
    from math import comb
    return comb(n, k) if 0 <= k <= n else 0


class PatternModel:
    def __init__(self, inst: Instance):
        self.inst = inst
        self.m = cp_model.CpModel()
        self.classes = time_classes(inst)
        most = max((f + len(p) for _, f, p, _ in self.classes), default=1)
        counts: Counter = Counter()
        for w in inst.wants:
            if len(w) > 1:
                ws = sorted(w)
                for k in range(2, min(most, len(ws)) + 1):
                    counts.update(combinations(ws, k))
        clash = {(a, b) for a in range(len(inst.demo_ids)) for b in range(a + 1, len(inst.demo_ids))
                 if set(inst.presenters[a]) & set(inst.presenters[b])}
        self.patterns: list[tuple[int, tuple[int, ...]]] = []  # (class, demos sorted)
        self.vars: list[cp_model.IntVar] = []
        self.index: dict[tuple[int, tuple[int, ...]], int] = {}
        holding: list[list[cp_model.IntVar]] = [[] for _ in inst.demo_ids]
        terms = []
        for c, (times, free, pins, takers) in enumerate(self.classes):
            here = []
            for k in range(free + 1):
                for extra in combinations(takers, k):
                    demos = tuple(sorted(pins + extra))
                    if not demos or any((a, b) in clash for a, b in combinations(demos, 2)):
                        continue
                    var = self.m.new_bool_var(f"p{c}_{len(self.vars)}")
                    self.index[c, demos] = len(self.vars)
                    self.patterns.append((c, demos))
                    self.vars.append(var)
                    here.append(var)
                    for d in demos:
                        holding[d].append(var)
                    cost = pattern_cost(demos, counts)
                    if cost:
                        terms.append(cost * var)
            if len(here) > len(times):
                self.m.add(sum(here) <= len(times))
        for d, vs in enumerate(holding):
            self.m.add_exactly_one(vs)
        self.m.minimize(sum(terms) if terms else 0)

    def hint(self, time_of: list[int]) -> None:
        chosen = set()
        class_of = {t: c for c, (times, *_rest) in enumerate(self.classes) for t in times}
        for t in set(time_of):
            demos = tuple(sorted(d for d, u in enumerate(time_of) if u == t))
            if (class_of.get(t), demos) in self.index:
                chosen.add(self.index[class_of[t], demos])
        for i, var in enumerate(self.vars):
            self.m.add_hint(var, i in chosen)

    def solve(self, seconds: float, workers: int = 1):
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.05, seconds)
        solver.parameters.num_workers = workers
        # Measured at forum size: one worker with the full LP proves optimality fastest; probing in
        # presolve costs more than the whole search.
        solver.parameters.linearization_level = 2
        solver.parameters.cp_model_probing_level = 0
        status = solver.solve(self.m)
        result = None
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            result = [-1] * len(self.inst.demo_ids)
            free_times = [list(times) for times, *_rest in self.classes]
            for (c, demos), var in zip(self.patterns, self.vars):
                if solver.boolean_value(var):
                    t = free_times[c].pop(0)
                    for d in demos:
                        result[d] = t
        bound = None
        if status not in (cp_model.INFEASIBLE, cp_model.MODEL_INVALID):
            raw = solver.best_objective_bound
            bound = max(0.0, raw) if raw == raw and abs(raw) != float("inf") else 0.0
        return status, result, bound


def pattern_cost(demos: tuple[int, ...], counts: Counter) -> int:
    """Missed wants among attendees of demos sharing one time, by inclusion-exclusion over subsets."""
    total = 0
    for k in range(2, len(demos) + 1):
        sign = 1 if k % 2 == 0 else -1
        total += sign * sum(counts.get(s, 0) for s in combinations(demos, k))
    return total

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
    def __init__(self, inst: Instance, start: list[int] | None = None):
        self.inst = inst
        self.m = cp_model.CpModel()
        self.classes = time_classes(inst)
        self.class_of = {t: c for c, (times, *_rest) in enumerate(self.classes) for t in times}
        most = max((f + len(p) for _, f, p, _ in self.classes), default=1)
        counts: Counter = Counter()
        for w in inst.wants:
            if len(w) > 1:
                ws = sorted(w)
                for k in range(2, min(most, len(ws)) + 1):
                    counts.update(combinations(ws, k))
        clash = {(a, b) for a in range(len(inst.demo_ids)) for b in range(a + 1, len(inst.demo_ids))
                 if set(inst.presenters[a]) & set(inst.presenters[b])}
        every: list[tuple[int, tuple[int, ...], int]] = []  # (class, demos sorted, cost)
        for c, (times, free, pins, takers) in enumerate(self.classes):
            for k in range(free + 1):
                for extra in combinations(takers, k):
                    demos = tuple(sorted(pins + extra))
                    if demos and not any((a, b) in clash for a, b in combinations(demos, 2)):
                        every.append((c, demos, pattern_cost(demos, counts)))
        if start is not None:
            every = self._reduced_cost_fixing(every, start)
        self.patterns: list[tuple[int, tuple[int, ...]]] = []
        self.vars: list[cp_model.IntVar] = []
        self.index: dict[tuple[int, tuple[int, ...]], int] = {}
        holding: list[list[cp_model.IntVar]] = [[] for _ in inst.demo_ids]
        per_class: list[list[cp_model.IntVar]] = [[] for _ in self.classes]
        terms = []
        for c, demos, cost in every:
            var = self.m.new_bool_var(f"p{len(self.vars)}")
            self.index[c, demos] = len(self.vars)
            self.patterns.append((c, demos))
            self.vars.append(var)
            per_class[c].append(var)
            for d in demos:
                holding[d].append(var)
            if cost:
                terms.append(cost * var)
        for c, here in enumerate(per_class):
            if len(here) > len(self.classes[c][0]):
                self.m.add(sum(here) <= len(self.classes[c][0]))
        for d, vs in enumerate(holding):
            self.m.add_exactly_one(vs)
        self.m.minimize(sum(terms) if terms else 0)

    def _columns(self, time_of: list[int]) -> set[tuple[int, tuple[int, ...]]]:
        return {(self.class_of[t], tuple(sorted(d for d, u in enumerate(time_of) if u == t))) for t in set(time_of)}

    def _reduced_cost_fixing(self, every, start: list[int]):
        """Keep only patterns that can be in a schedule better than `start`, and start's own.

        With the duals pi, mu (mu <= 0) of the linear relaxation over every pattern, any schedule x
        holding pattern k costs at least base + rc_k + sum_c |c| * min(0, least rc in c), where base =
        sum pi + sum_c |c| mu_c (the argument of bound.py, with k's term kept). A pattern for which
        that exceeds missed(start) - 1 is in no better schedule, so the optimum over the patterns
        kept is the optimum over all, and CP-SAT's bound on the smaller model is a bound on the whole.
        """
        duals = relaxation_duals(len(self.inst.demo_ids), self.classes, every)
        if duals is None:
            return every
        pi, mu = duals
        rc = [cost - sum(pi[d] for d in demos) - mu[c] for c, demos, cost in every]
        least = [0.0] * len(self.classes)
        for (c, _d, _cost), r in zip(every, rc):
            least[c] = min(least[c], r)
        base = sum(pi) + sum(len(times) * (mu[c] + least[c]) for c, (times, *_r) in enumerate(self.classes))
        worst = evaluate_start(self.inst, start, every, self._columns(start))
        own = self._columns(start)
        return [col for col, r in zip(every, rc) if base + r <= worst - 1 + 1e-6 or (col[0], col[1]) in own]

    def hint(self, time_of: list[int]) -> None:
        chosen = {self.index[col] for col in self._columns(time_of) if col in self.index}
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


def relaxation_duals(demos: int, classes, columns) -> tuple[list[float], list[float]] | None:
    """Duals (pi per demo, mu <= 0 per class) of the linear relaxation over the given patterns."""
    from ortools.linear_solver import pywraplp

    lp = pywraplp.Solver.CreateSolver("GLOP")
    cover = [lp.Constraint(1, 1) for _ in range(demos)]
    cap = [lp.Constraint(0, len(times)) for times, *_r in classes]
    objective = lp.Objective()
    for c, members, cost in columns:
        var = lp.NumVar(0, 1, "")
        objective.SetCoefficient(var, cost)
        cap[c].SetCoefficient(var, 1)
        for d in members:
            cover[d].SetCoefficient(var, 1)
    objective.SetMinimization()
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    return [ct.dual_value() for ct in cover], [min(0.0, ct.dual_value()) for ct in cap]


def evaluate_start(inst: Instance, start: list[int], every, own) -> int:
    """missed(start), as the sum of its patterns' costs."""
    cost = {(c, demos): value for c, demos, value in every}
    return sum(cost[col] for col in own)


def pattern_cost(demos: tuple[int, ...], counts: Counter) -> int:
    """Missed wants among attendees of demos sharing one time, by inclusion-exclusion over subsets."""
    total = 0
    for k in range(2, len(demos) + 1):
        sign = 1 if k % 2 == 0 else -1
        total += sign * sum(counts.get(s, 0) for s in combinations(demos, k))
    return total

"""The CP-SAT model: one Boolean per demo and allowed time; rooms are arranged afterwards.

Any set of demos no larger than the open rooms at a time fits into those rooms, so the model only
counts them. Missed wants are counted per group of overlapping times (exact on a grid). For small
instances on a grid, pair variables "these two demos share a time" with per-attendee forest cuts give
the LP relaxation something to hold on to (the plain model's relaxation is 0); interchangeable times
are ordered (value precedence) so that the search does not revisit mirror images.
"""
from __future__ import annotations

from itertools import combinations

from ortools.sat.python import cp_model

from .baseline import capacities
from .instance import Instance

PAIR_DEMOS = 40  # demos up to which the exact pair model is used


class Model:
    def __init__(self, inst: Instance, group: list[int], limits: list[int]):
        self.inst = inst
        m = self.m = cp_model.CpModel()
        D, T = len(inst.demo_ids), len(inst.time_ids)
        self.x: dict[tuple[int, int], cp_model.IntVar] = {}
        for d in range(D):
            times = [inst.pinned[d][1]] if inst.pinned[d] else [t for t in inst.allowed[d] if inst.open_rooms[t]]
            for t in times:
                self.x[d, t] = m.new_bool_var(f"x{d}_{t}")
            m.add_exactly_one(self.x[d, t] for t in times)
        free = capacities(inst)
        for t in range(T):
            here = [self.x[d, t] for d in range(D) if (d, t) in self.x and inst.pinned[d] is None]
            if len(here) > free[t]:
                m.add(sum(here) <= free[t])
        self._presenters()
        self.objective = self._missed(group, limits)
        m.minimize(self.objective)

    def _presenters(self) -> None:
        inst, by_presenter = self.inst, {}
        for d, people in enumerate(inst.presenters):
            for p in people:
                by_presenter.setdefault(p, []).append(d)
        for demos in by_presenter.values():
            if len(demos) < 2:
                continue
            for point in range(len(inst.time_ids)):  # every overlap contains some time's start
                at = [self.x[d, t] for d in demos for t in range(len(inst.time_ids))
                      if (d, t) in self.x and inst.starts[t] <= inst.starts[point] < inst.ends[t]]
                if len(at) > 1:
                    self.m.add_at_most_one(at)

    def _missed(self, group: list[int], limits: list[int]):
        inst, m = self.inst, self.m
        G = len(limits)
        y = {}
        for (d, t), var in self.x.items():
            y.setdefault((d, group[t]), []).append(var)
        merged: dict[tuple[int, ...], int] = {}
        for w in inst.wants:
            if len(w) > 1:
                key = tuple(sorted(w))
                merged[key] = merged.get(key, 0) + 1
        terms = []
        self.excess: list[list] = []
        for key, weight in merged.items():
            mine = []
            for g in range(G):
                here = [v for d in key for v in y.get((d, g), ())]
                if len({d for d in key if (d, g) in y}) <= limits[g]:
                    continue
                e = m.new_int_var(0, len(key), "e")
                m.add(e >= sum(here) - limits[g])
                mine.append(e)
                terms.append(weight * e)
            self.excess.append((key, mine))
        if inst.is_grid and len(inst.demo_ids) <= PAIR_DEMOS:
            self._order_interchangeable_times()
            return self._pair_objective(merged)
        return sum(terms) if terms else 0

    def _pair_objective(self, merged):
        """Exact on a grid: s(a, b) = 1 exactly when demos a and b share a time; an attendee misses each
        wanted demo that shares its time with an earlier wanted one. Two relaxation-only facts make the
        LP bound useful: no demo shares a time with more than (rooms - 1) others, and the demos must
        fill the times so that at least `least_pairs` pairs share one."""
        inst, m, D = self.inst, self.m, len(self.inst.demo_ids)
        s = {}
        for a, b in combinations(range(D), 2):
            common = [t for t in range(len(inst.time_ids)) if (a, t) in self.x and (b, t) in self.x]
            s[a, b] = m.new_bool_var(f"s{a}_{b}")
            if not common:
                m.add(s[a, b] == 0)
                continue
            for t in common:
                m.add(s[a, b] >= self.x[a, t] + self.x[b, t] - 1)
                m.add(s[a, b] <= 1 - self.x[a, t] + self.x[b, t])
            for t in range(len(inst.time_ids)):
                if (a, t) in self.x and (b, t) not in self.x:
                    m.add(s[a, b] <= 1 - self.x[a, t])
        most = max(len(r) for r in inst.open_rooms) - 1
        for d in range(D):
            m.add(sum(s[min(d, o), max(d, o)] for o in range(D) if o != d) <= most)
        m.add(sum(s.values()) >= least_pairs([len(r) for r in inst.open_rooms], D))
        terms = []
        for key, weight in merged.items():
            for i, d in enumerate(key[1:], start=1):
                z = m.new_bool_var("z")
                for earlier in key[:i]:
                    m.add(z >= s[earlier, d])
                terms.append(weight * z)
        return sum(terms)

    def _order_interchangeable_times(self) -> None:
        """Times no rule tells apart (same open rooms, no pin, the same demos may take them) can be
        relabelled freely; value precedence keeps one labelling: demo i takes the class's j-th time only
        if a demo before it took the (j-1)-th."""
        inst, D = self.inst, len(self.inst.demo_ids)
        pinned_at = {pin[1] for pin in inst.pinned if pin is not None}
        classes: dict[tuple, list[int]] = {}
        for t in range(len(inst.time_ids)):
            if t in pinned_at or not inst.open_rooms[t]:
                continue
            takers = frozenset(d for d in range(D) if (d, t) in self.x)
            classes.setdefault((len(inst.open_rooms[t]), takers), []).append(t)
        self.classes = [(times, sorted(key[1])) for key, times in classes.items() if len(times) > 1]
        for times, demos in self.classes:
            for i, d in enumerate(demos):
                for j in range(1, len(times)):
                    if i < j:  # the i-th demo can open at most the i-th time
                        self.m.add(self.x[d, times[j]] == 0)
                    else:
                        self.m.add(self.x[d, times[j]] <= sum(self.x[e, times[j - 1]] for e in demos[:i]))

    def canonical(self, time_of: list[int]) -> list[int]:
        """The same schedule with interchangeable times relabelled in order of first use."""
        out = list(time_of)
        for times, demos in getattr(self, "classes", []):
            mapping: dict[int, int] = {}
            for d in demos:
                if out[d] in times and out[d] not in mapping:
                    mapping[out[d]] = times[len(mapping)]
            unused = [t for t in times if t not in mapping.values()]
            for t in times:
                if t not in mapping:
                    mapping[t] = unused.pop(0)
            out = [mapping.get(t, t) for t in out]
        return out

    def hint(self, time_of: list[int]) -> None:
        time_of = self.canonical(time_of)
        for (d, t), var in self.x.items():
            self.m.add_hint(var, time_of[d] == t)

    def solve(self, seconds: float, workers: int = 2):
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.05, seconds)
        solver.parameters.num_workers = workers
        solver.parameters.linearization_level = 2
        status = solver.solve(self.m)
        result = None
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            result = [-1] * len(self.inst.demo_ids)
            for (d, t), var in self.x.items():
                if solver.boolean_value(var):
                    result[d] = t
        # Without a solution of its own CP-SAT's bound still holds (it is 0 at worst: counts are >= 0).
        bound = None
        if status != cp_model.INFEASIBLE and status != cp_model.MODEL_INVALID:
            raw = solver.best_objective_bound
            bound = max(0.0, raw) if raw == raw and abs(raw) != float("inf") else 0.0
        return status, result, bound


def least_pairs(room_counts: list[int], demos: int) -> int:
    """Fewest pairs of demos sharing a time when `demos` fill times with these room counts."""
    counts = [0] * len(room_counts)
    for _ in range(demos):  # each demo where it adds fewest new pairs
        t = min((t for t in range(len(counts)) if counts[t] < room_counts[t]), key=lambda t: counts[t],
                default=None)
        if t is None:
            break
        counts[t] += 1
    return sum(c * (c - 1) // 2 for c in counts)

"""A proven lower bound for instances too large for the exact pattern model (times never overlap).

The argument. Write a schedule as a choice of patterns (see pattern.py): per class c of
interchangeable times, n_c <= |c| patterns, each demo in exactly one chosen pattern, cost(S) the exact
missed wants of pattern S. For ANY numbers pi_d (one per demo) and mu_c <= 0 (one per class), with
rc(S, c) = cost(S) - sum of pi_d over d in S - mu_c, every schedule x satisfies

    missed(x) = sum over chosen (S, c) of rc(S, c) + sum_d pi_d + sum_c mu_c * n_c
              >= sum_d pi_d + sum_c |c| * mu_c + sum_c |c| * min(0, min over S of rc(S, c))

because each demo is covered once, mu_c * n_c >= mu_c * |c| (mu_c <= 0, n_c <= |c|), and at most |c|
chosen patterns have rc(S, c) < 0. This is the Lagrangian (column-generation) bound of the set-
partitioning relaxation, which at forum size is within 0.1 of the optimum. The pi and mu come from
the linear relaxation over the patterns generated so far (GLOP); they only need mu <= 0 to give a valid
bound, so round-off in the LP cannot make it wrong. The minimum reduced cost of a class is found exactly
by depth-first search over demos with pi_d > 0 (cost never falls when a demo is added); when that
search is cut short, no bound is claimed from that round.
"""
from __future__ import annotations

import math
import time as clock

import numpy as np

from .instance import Instance
from .pattern import relaxation_duals, time_classes


class Pricing:
    def __init__(self, inst: Instance):
        D = len(inst.demo_ids)
        merged: dict[tuple[int, ...], int] = {}
        for w in inst.wants:
            if len(w) > 1:
                key = tuple(sorted(w))
                merged[key] = merged.get(key, 0) + 1
        self.weight = np.array(list(merged.values()) or [0], dtype=np.int64)
        wanters: list[list[int]] = [[] for _ in range(D)]
        for g, key in enumerate(merged):
            for d in key:
                wanters[d].append(g)
        self.wanters = [np.array(w, dtype=np.int64) for w in wanters]
        self.clash = [{o for o in range(D) if o != d and set(inst.presenters[d]) & set(inst.presenters[o])}
                      for d in range(D)]
        self.count = np.zeros(len(self.weight), dtype=np.int64)

    def cost(self, demos) -> int:
        """Exact missed wants of the demos sharing one time."""
        self.count[:] = 0
        total = 0
        for d in demos:
            ws = self.wanters[d]
            total += int(self.weight[ws][self.count[ws] >= 1].sum())
            self.count[ws] += 1
        return total

    def cheapest(self, pins, takers, free, pi, budget):
        """Patterns of lowest cost - sum(pi) (best first, up to 20), and whether the search was complete."""
        self.count[:] = 0
        found: list[tuple[float, tuple[int, ...]]] = []
        base = self.cost(pins)  # leaves self.count holding the pins
        start = -sum(pi[d] for d in pins) + base
        cand = sorted((d for d in takers if pi[d] > 1e-9 and not (self.clash[d] & set(pins))), key=lambda d: -pi[d])
        values = [pi[d] for d in cand]
        nodes = [0]
        best = [start]
        found.append((start, tuple(pins)))

        def dfs(i, chosen, value, room):
            nodes[0] += 1
            if nodes[0] > budget:
                return
            for j in range(i, len(cand)):
                if value - sum(values[j:j + room]) >= best[0] - 1e-9:
                    return
                e = cand[j]
                if self.clash[e] & set(chosen):
                    continue
                ws = self.wanters[e]
                extra = int(self.weight[ws][self.count[ws] >= 1].sum())
                new = value + extra - values[j]
                chosen.append(e)
                if new < best[0] - 1e-9:
                    best[0] = new
                    found.append((new, tuple(sorted(chosen))))
                if room > 1:
                    self.count[ws] += 1
                    dfs(j + 1, chosen, new, room - 1)
                    self.count[ws] -= 1
                chosen.pop()

        if free > 0:
            dfs(0, list(pins), start, free)
        found.sort()
        return best[0], [demos for _, demos in found[:20]], nodes[0] <= budget


def lower_bound(inst: Instance, schedules: list[list[int]], seconds: float, budget: int = 200_000) -> int | None:
    """The best proven bound found within `seconds` (None if no round completed)."""
    deadline = clock.monotonic() + seconds
    classes = time_classes(inst)
    class_of = {t: c for c, (times, *_r) in enumerate(classes) for t in times}
    pricing = Pricing(inst)
    columns: dict[tuple[int, tuple[int, ...]], int] = {}
    for time_of in schedules:
        for t in set(time_of):
            demos = tuple(sorted(d for d, u in enumerate(time_of) if u == t))
            columns.setdefault((class_of[t], demos), pricing.cost(demos))
    D, proven = len(inst.demo_ids), None
    while clock.monotonic() < deadline:
        duals = relaxation_duals(D, classes, [(c, demos, cost) for (c, demos), cost in columns.items()])
        if duals is None:
            return proven
        pi, mu = duals
        value, complete, added = sum(pi), True, 0
        for c, (times, free, pins, takers) in enumerate(classes):
            if clock.monotonic() >= deadline:
                complete = False
                break
            least, best, done = pricing.cheapest(list(pins), takers, free, pi, budget)
            complete &= done
            value += len(times) * (mu[c] + min(0.0, least - mu[c]))
            for demos in best:
                if sum(pi[d] for d in demos) + mu[c] - 1e-6 > pricing.cost(demos) and (c, demos) not in columns:
                    columns[c, demos] = pricing.cost(demos)
                    added += 1
        if complete:
            bound = max(0, math.ceil(value - 1e-6))
            proven = bound if proven is None else max(proven, bound)
        if complete and not added:
            break
    return proven

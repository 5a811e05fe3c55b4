"""Tabu search over moves and swaps of demos between times, for instances whose times never overlap.

On such a grid an attendee misses max(0, n - 1) wanted demos at a time holding n of them. The search
keeps, for every demo d and time t, `clash[d, t]`: how many attendees who want d want another demo at
t (not counting d itself). Then, exactly:
- moving d from t1 to t2 changes missed wants by clash[d, t2] - clash[d, t1];
- swapping d (at t1) with o (at t2) changes them by the two moves' changes, less, for each attendee
  wanting both, 2 - [n(t1) >= 2] - [n(t2) >= 2] (for them a swap changes nothing, but the two moves
  count them as above).
So every move and swap of a conflicting demo is priced at once (numpy, one row per demo), and the best
one that is not tabu is made, even when it worsens the schedule: that is how the search leaves the
local optimum that greedy reaches for single moves and swaps on large instances. Attendees with the same
wants are merged into one weighted attendee; attendees with fewer than two wants never miss anything.
"""
from __future__ import annotations

import random
import time as clock

import numpy as np

from .baseline import capacities
from .instance import Instance


def applicable(inst: Instance) -> bool:
    n = len(inst.time_ids)
    return not any(inst.overlap[a][b] for a in range(n) for b in range(a + 1, n))


class Tabu:
    def __init__(self, inst: Instance, start: list[int], seed: int = 7):
        self.inst, self.rng = inst, random.Random(seed)
        D, T = len(inst.demo_ids), len(inst.time_ids)
        merged: dict[tuple[int, ...], int] = {}
        for w in inst.wants:
            if len(w) > 1:
                key = tuple(sorted(w))
                merged[key] = merged.get(key, 0) + 1
        self.keys, self.weight = list(merged), list(merged.values())
        self.wanters: list[list[int]] = [[] for _ in range(D)]
        together: dict[tuple[int, int], list[int]] = {}
        for g, key in enumerate(self.keys):
            for i, d in enumerate(key):
                self.wanters[d].append(g)
                for o in key[i + 1:]:
                    together.setdefault((d, o), []).append(g)
        self.together: list[list[tuple[int, list[int]]]] = [[] for _ in range(D)]
        for (d, o), gs in together.items():
            self.together[d].append((o, gs))
            self.together[o].append((d, gs))
        self.time_of = list(start)
        self.tv = np.array(start, dtype=np.int64)
        self.n = [[0] * T for _ in self.keys]
        for g, key in enumerate(self.keys):
            for d in key:
                self.n[g][start[d]] += 1
        self.clash = np.zeros((D, T), dtype=np.int64)
        for g, key in enumerate(self.keys):
            row = np.array(self.n[g], dtype=np.int64)
            for d in key:
                others = row.copy()
                others[start[d]] -= 1
                self.clash[d] += self.weight[g] * (others >= 1)
        self.cost = sum(self.weight[g] * sum(max(0, c - 1) for c in self.n[g]) for g in range(len(self.keys)))
        self.free = np.array(capacities(inst), dtype=np.int64)
        for d, t in enumerate(start):
            if inst.pinned[d] is None:
                self.free[t] -= 1
        self.allowed = np.zeros((D, T), dtype=bool)
        for d in range(D):
            if inst.pinned[d] is None:
                self.allowed[d, [t for t in inst.allowed[d] if inst.open_rooms[t]]] = True
        self.movable = np.array([inst.pinned[d] is None for d in range(D)])
        self.mates: list[list[int]] = [[] for _ in range(D)]
        by_presenter: dict[str, list[int]] = {}
        for d, people in enumerate(inst.presenters):
            for p in people:
                by_presenter.setdefault(p, []).append(d)
        for demos in by_presenter.values():
            for d in demos:
                self.mates[d].extend(o for o in demos if o != d)

    def _leave(self, d: int) -> None:
        t, time_of, clash = self.time_of[d], self.time_of, self.clash
        for g in self.wanters[d]:
            x = self.n[g][t]
            self.n[g][t] = x - 1
            for e in self.keys[g]:
                if e != d and x - (time_of[e] == t) == 1:
                    clash[e, t] -= self.weight[g]

    def _enter(self, d: int, t: int) -> None:
        time_of, clash = self.time_of, self.clash
        time_of[d] = t
        self.tv[d] = t
        for g in self.wanters[d]:
            x = self.n[g][t]
            self.n[g][t] = x + 1
            for e in self.keys[g]:
                if e != d and x - (time_of[e] == t) == 0:
                    clash[e, t] += self.weight[g]

    def move(self, d: int, t: int) -> None:
        self.cost += int(self.clash[d, t] - self.clash[d, self.time_of[d]])
        self.free[self.time_of[d]] += 1
        self.free[t] -= 1
        self._leave(d)
        self._enter(d, t)

    def swap(self, d: int, o: int) -> None:
        t1, t2 = self.time_of[d], self.time_of[o]
        self.cost += int(self.swap_deltas(d)[o])
        self._leave(d)
        self._enter(d, t2)
        self._leave(o)
        self._enter(o, t1)

    def swap_deltas(self, d: int) -> np.ndarray:
        t1, tv, clash = self.time_of[d], self.tv, self.clash
        delta = clash[d, tv] - clash[d, t1] + clash[:, t1] - clash[np.arange(len(tv)), tv]
        for o, gs in self.together[d]:
            t2 = self.time_of[o]
            if t2 != t1:
                delta[o] -= sum(self.weight[g] * (2 - (self.n[g][t1] >= 2) - (self.n[g][t2] >= 2)) for g in gs)
        return delta

    def _presenters_free(self, d: int, t: int, ignore: int = -1) -> bool:
        return all(self.time_of[o] != t for o in self.mates[d] if o != ignore)

    def run(self, seconds: float, max_steps: int | None = None, sample: int = 12) -> list[int]:
        deadline = clock.monotonic() + seconds
        best, best_cost = list(self.time_of), self.cost
        tabu: dict[tuple[int, int], int] = {}
        D = len(self.time_of)
        index = np.arange(D)
        step = 0
        while self.cost > 0 and (max_steps is None or step < max_steps):
            step += 1
            if step % 8 == 0 and clock.monotonic() >= deadline:
                break
            current = self.clash[index, self.tv]
            conflicted = np.flatnonzero((current > 0) & self.movable).tolist()
            if not conflicted:
                break
            chosen = None
            for d in self.rng.sample(conflicted, min(sample, len(conflicted))):
                t1 = self.time_of[d]
                moves = (self.clash[d] - self.clash[d, t1]).astype(float)
                ok = self.allowed[d] & (self.free > 0)
                ok[t1] = False
                moves[~ok] = np.inf
                swaps = self.swap_deltas(d).astype(float)
                ok = self.movable & self.allowed[:, t1] & self.allowed[d, self.tv] & (self.tv != t1)
                swaps[~ok] = np.inf
                for kind, values in (("move", moves), ("swap", swaps)):
                    for target in np.argsort(values + np.array([self.rng.random() * 0.5 for _ in values]))[:6]:
                        value = values[target]
                        if value == np.inf or (chosen is not None and value >= chosen[0]):
                            break
                        t2 = int(target) if kind == "move" else self.time_of[int(target)]
                        o = -1 if kind == "move" else int(target)
                        forbidden = tabu.get((d, t2), 0) > step or (o >= 0 and tabu.get((o, t1), 0) > step)
                        if forbidden and self.cost + value >= best_cost:
                            continue
                        if not self._presenters_free(d, t2, o) or (o >= 0 and not self._presenters_free(o, t1, d)):
                            continue
                        chosen = (value, kind, d, int(target))
                        break
            if chosen is None:
                continue
            _, kind, d, target = chosen
            t1 = self.time_of[d]
            tenure = 7 + self.rng.randrange(10)
            tabu[(d, t1)] = step + tenure
            if kind == "move":
                self.move(d, target)
            else:
                tabu[(target, self.time_of[target])] = step + tenure
                self.swap(d, target)
            if self.cost < best_cost:
                best, best_cost = list(self.time_of), self.cost
        self.steps = step
        return best

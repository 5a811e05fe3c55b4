"""Simulated annealing over moves and swaps of demos between times, from a feasible start.

The cost is the grouped count of missed wants (exact on a grid of times). Attendees with the same
wanted demos are merged into one weighted attendee, so each move costs a pass over the people who
want the moved demo, not over everyone.
"""
from __future__ import annotations

import math
import random
import time as clock

from .baseline import capacities
from .instance import Instance


def anneal(inst: Instance, start: list[int], group: list[int], limits: list[int], seconds: float,
           seed: int = 7) -> list[int]:
    rng = random.Random(seed)
    deadline = clock.monotonic() + seconds
    G = len(limits)
    merged: dict[tuple[int, ...], int] = {}
    for w in inst.wants:
        if len(w) > 1:
            key = tuple(sorted(w))
            merged[key] = merged.get(key, 0) + 1
    weight = list(merged.values())
    wanters: list[list[int]] = [[] for _ in inst.demo_ids]
    for a, key in enumerate(merged):
        for d in key:
            wanters[d].append(a)
    time_of = list(start)
    count = [0] * (len(weight) * G)
    for a, key in enumerate(merged):
        for d in key:
            count[a * G + group[time_of[d]]] += 1
    free = capacities(inst)
    for d, t in enumerate(time_of):
        if inst.pinned[d] is None:
            free[t] -= 1
    by_presenter: dict[str, list[int]] = {}
    for d, people in enumerate(inst.presenters):
        for p in people:
            by_presenter.setdefault(p, []).append(d)
    allowed_set = [set(a) for a in inst.allowed]
    movable = [d for d in range(len(time_of)) if inst.pinned[d] is None and len(inst.allowed[d]) > 1]
    if not movable or not weight:
        return time_of
    at_time: list[set[int]] = [set() for _ in inst.time_ids]
    for d, t in enumerate(time_of):
        at_time[t].add(d)

    def shift(d: int, g_from: int, g_to: int, apply: bool) -> int:
        delta = 0
        for a in wanters[d]:
            i, j = a * G + g_from, a * G + g_to
            if count[i] > limits[g_from]:
                delta -= weight[a]
            if count[j] >= limits[g_to]:
                delta += weight[a]
            if apply:
                count[i] -= 1
                count[j] += 1
        return delta

    def presenters_free(d: int, t: int, ignore: int = -1) -> bool:
        for p in inst.presenters[d]:
            for o in by_presenter[p]:
                if o != d and o != ignore and inst.overlap[t][time_of[o]]:
                    return False
        return True

    def relocate(d: int, t: int) -> None:
        at_time[time_of[d]].discard(d)
        at_time[t].add(d)
        time_of[d] = t

    current = best_cost = 0
    best = list(time_of)
    temperature, steps = 2.0, 0
    total = max(seconds, 1e-3)
    started = clock.monotonic()
    while True:
        steps += 1
        if steps & 255 == 0:
            now = clock.monotonic()
            if now >= deadline:
                break
            temperature = 2.0 * (1 - (now - started) / total) + 0.05
        d = movable[rng.randrange(len(movable))]
        t1 = time_of[d]
        t2 = inst.allowed[d][rng.randrange(len(inst.allowed[d]))]
        if t2 == t1:
            continue
        g1, g2 = group[t1], group[t2]
        if free[t2] > 0 and rng.random() < 0.5:
            if not presenters_free(d, t2):
                continue
            delta = shift(d, g1, g2, True) if g1 != g2 else 0
            if delta <= 0 or rng.random() < math.exp(-delta / temperature):
                free[t2] -= 1
                free[t1] += 1
                relocate(d, t2)
                current += delta
            elif g1 != g2:
                shift(d, g2, g1, True)
        else:
            others = [o for o in at_time[t2] if inst.pinned[o] is None and t1 in allowed_set[o]]
            if not others:
                continue
            o = others[rng.randrange(len(others))]
            if not presenters_free(d, t2, o) or not presenters_free(o, t1, d):
                continue
            if g1 == g2:
                relocate(d, t2)
                relocate(o, t1)
                continue
            delta = shift(d, g1, g2, True)
            delta += shift(o, g2, g1, True)
            if delta <= 0 or rng.random() < math.exp(-delta / temperature):
                relocate(d, t2)
                relocate(o, t1)
                current += delta
            else:
                shift(o, g1, g2, True)
                shift(d, g2, g1, True)
        if current < best_cost:
            best_cost = current
            best = list(time_of)
    return best

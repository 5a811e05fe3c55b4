"""The demo scheduler: instance (a dict as in SCHEDULING.md) in, result dict out. No Flask, no database.

Times that never overlap (the usual grid):
- few enough patterns (pattern.py): the exact set-partitioning model, CP-SAT with one LP worker;
- otherwise: greedy, tabu search (tabu.py), the proven bound of the pattern relaxation (bound.py), then
  CP-SAT hinted with the best schedule for what time is left.
Overlapping times: greedy, simulated annealing (search.py), CP-SAT over demos and times (model.py).
A schedule missing nothing is optimal whatever the route.
"""
from __future__ import annotations

import math
import time as clock

from ortools.sat.python import cp_model

from . import evaluate
from .bound import lower_bound
from .baseline import arrange_rooms, explain_infeasible, greedy
from .instance import InvalidInstance, parse
from .model import Model
from .pattern import PatternModel, applicable
from .search import anneal
from .tabu import Tabu, applicable as on_grid

LARGE = 40_000  # attendee x time pairs above which local search runs before CP-SAT


def _result(status: str, started: float, **fields) -> dict:
    out = {"status": status, "assignments": [], "missed": None, "bound": None,
           "seconds": round(clock.monotonic() - started, 3), "conflicts": [], "reasons": []}
    out.update(fields)
    return out


def solve(data, time_limit: float = 20.0, workers: int = 8) -> dict:
    # Eight CP-SAT workers even on two cores: the LP-based ones are what raises the bound.
    started = clock.monotonic()
    try:
        inst = parse(data)
    except InvalidInstance as error:
        return _result("invalid", started, reasons=error.reasons)
    reasons = explain_infeasible(inst)
    if reasons:
        return _result("infeasible", started, reasons=reasons)
    if not inst.demo_ids:
        return _result("optimal", started, missed=0, bound=0)
    group, limits = evaluate.components(inst)
    candidates: list[list[int]] = []
    large = len(inst.wants) * len(inst.time_ids) > LARGE
    exact = applicable(inst)
    start = greedy(inst, group, limits)
    if start is not None:
        candidates.append(start)
        if exact:  # a short search for a good incumbent: it prunes most patterns (pattern.py)
            candidates.append(Tabu(inst, start).run(time_limit * 0.1, max_steps=50))
        elif on_grid(inst):  # tabu search finds; the pattern relaxation then proves a bound
            candidates.append(Tabu(inst, start).run(time_limit * 0.35))
        else:
            share = 0.6 if large else 0.1  # on large instances CP-SAT mostly proves, local search finds
            candidates.append(anneal(inst, start, group, limits, seconds=time_limit * share))
    best_start = min(candidates, key=lambda t: evaluate.missed(inst, t)) if candidates else None
    if best_start is not None and evaluate.missed(inst, best_start) == 0:  # nothing missed: optimal
        return _finish(inst, started, best_start, 0, start)
    relaxed = None
    if best_start is not None and not exact and on_grid(inst):
        relaxed = lower_bound(inst, candidates, time_limit * 0.8 - (clock.monotonic() - started))
        if relaxed is not None and relaxed >= evaluate.missed(inst, best_start):
            return _finish(inst, started, best_start, evaluate.missed(inst, best_start), start)

    model = PatternModel(inst, best_start) if exact else Model(inst, group, limits)
    if best_start is not None:
        model.hint(best_start)
    if relaxed and not exact:  # proven above: lets CP-SAT stop at the first schedule that meets it
        model.m.add(model.objective >= relaxed)
    remaining = time_limit - (clock.monotonic() - started)
    if large:  # CP-SAT overruns its limit while presolving big models; leave it a margin
        remaining *= 0.6
    status, found, bound = model.solve(remaining, 1 if exact else workers)
    if status == cp_model.INFEASIBLE:
        return _result("infeasible", started, reasons=[
            "no schedule meets every rule together: the presenters who give several demos cannot all be "
            "kept apart at the demos' available times (" + _busy_presenters(inst) + ")"])
    if found is not None:
        candidates.append(found)
    if not candidates:
        return _result("infeasible", started, reasons=[
            f"no schedule was found within {time_limit:g} s, and none was proven impossible; "
            "allow more time or open more room-times"])
    time_of = min(candidates, key=lambda t: evaluate.missed(inst, t))
    missed = evaluate.missed(inst, time_of)
    proven = None
    if bound is not None:
        proven = min(missed, max(0, math.ceil(bound - 1e-6)))  # the model counts no more than the exact cost
    if relaxed is not None:
        proven = min(missed, max(proven or 0, relaxed))
    return _finish(inst, started, time_of, proven, start)


def _finish(inst, started: float, time_of: list[int], proven: int | None, start: list[int] | None) -> dict:
    missed = evaluate.missed(inst, time_of)
    room_of = arrange_rooms(inst, time_of)
    return _result(
        "optimal" if proven == missed else "feasible", started,
        assignments=[{"demo": inst.demo_ids[d], "room": inst.room_ids[room_of[d]], "time": inst.time_ids[t]}
                     for d, t in enumerate(time_of)],
        missed=missed, bound=proven, conflicts=evaluate.conflicts(inst, time_of),
        greedy_missed=evaluate.missed(inst, start) if start is not None else None)


def _busy_presenters(inst) -> str:
    counts: dict[str, list[str]] = {}
    for d, people in enumerate(inst.presenters):
        for p in people:
            counts.setdefault(p, []).append(inst.demo_ids[d])
    busy = [f"{p!r}: {', '.join(map(repr, ds))}" for p, ds in sorted(counts.items()) if len(ds) > 1]
    return "; ".join(busy) or "no presenter has more than one demo"

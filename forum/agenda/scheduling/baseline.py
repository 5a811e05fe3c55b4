"""Feasibility explanations, the greedy schedule and the arrangement of rooms within a time."""
from __future__ import annotations

from .instance import Instance


def capacities(inst: Instance) -> list[int]:
    """Room-times free at each time for demos that are not pinned."""
    free = [len(rooms) for rooms in inst.open_rooms]
    for pin in inst.pinned:
        if pin is not None:
            free[pin[1]] -= 1
    return free


def explain_infeasible(inst: Instance) -> list[str]:
    """Reasons in words why no schedule can exist, naming demos, rooms, times and presenters."""
    reasons: list[str] = []
    T, D, R = inst.time_ids, inst.demo_ids, inst.room_ids
    taken: dict[tuple[int, int], int] = {}
    for d, pin in enumerate(inst.pinned):
        if pin is None:
            continue
        r, t = pin
        if t not in inst.allowed[d]:
            reasons.append(f"demo {D[d]!r} is pinned at time {T[t]!r}, which is not one of its available times")
        if (r, t) in inst.closed:
            reasons.append(f"demo {D[d]!r} is pinned in room {R[r]!r} at time {T[t]!r}, when that room is unavailable")
        if (r, t) in taken:
            reasons.append(f"demos {D[taken[(r, t)]]!r} and {D[d]!r} are both pinned in room {R[r]!r} at time {T[t]!r}")
        taken[(r, t)] = d
    pinned = [d for d, pin in enumerate(inst.pinned) if pin is not None]
    for i, a in enumerate(pinned):
        for b in pinned[i + 1:]:
            shared = set(inst.presenters[a]) & set(inst.presenters[b])
            if shared and inst.overlap[inst.pinned[a][1]][inst.pinned[b][1]]:
                reasons.append(f"presenter {sorted(shared)[0]!r} would be in demos {D[a]!r} and {D[b]!r} at once "
                               "(both pinned at overlapping times)")
    for d in range(len(D)):
        if inst.pinned[d] is None and not any(inst.open_rooms[t] for t in inst.allowed[d]):
            names = ", ".join(repr(T[t]) for t in inst.allowed[d]) or "none"
            reasons.append(f"demo {D[d]!r} has no feasible time: every room is unavailable at its available "
                           f"times ({names})")
    if reasons:
        return reasons
    reasons.extend(_room_time_shortage(inst))
    by_presenter: dict[str, list[int]] = {}
    for d, people in enumerate(inst.presenters):
        for p in people:
            by_presenter.setdefault(p, []).append(d)
    from .evaluate import attendable

    for p, demos in sorted(by_presenter.items()):
        times = sorted({t for d in demos for t in ([inst.pinned[d][1]] if inst.pinned[d] else inst.allowed[d])})
        if len(demos) > attendable(inst, times):
            reasons.append(f"presenter {p!r} gives {len(demos)} demos ({', '.join(repr(D[d]) for d in demos)}) "
                           f"but their available times allow at most {attendable(inst, times)} without overlap")
    return reasons


def _room_time_shortage(inst: Instance) -> list[str]:
    """Match demos to free room-times; a demo left over names the group competing for too few."""
    free = capacities(inst)
    holder: list[list[int]] = [[] for _ in inst.time_ids]
    movable = [d for d in range(len(inst.demo_ids)) if inst.pinned[d] is None]

    def place(d: int, seen: set[int]) -> bool:
        for t in inst.allowed[d]:
            if t in seen or free[t] <= 0:
                continue
            seen.add(t)
            if len(holder[t]) < free[t]:
                holder[t].append(d)
                return True
            for other in list(holder[t]):
                holder[t].remove(other)
                holder[t].append(d)
                if place(other, seen):
                    return True
                holder[t].remove(d)
                holder[t].append(other)
        return False

    for d in movable:
        seen: set[int] = set()
        if not place(d, seen):
            group = sorted({d} | {o for t in seen for o in holder[t]})
            names = ", ".join(repr(inst.demo_ids[o]) for o in group)
            times = ", ".join(repr(inst.time_ids[t]) for t in sorted(seen)) or "none"
            room_times = sum(max(0, free[t]) for t in seen)
            return [f"{len(group)} demos ({names}) can only go at times {times} (their other times are closed "
                    f"or taken by pinned demos), where just {room_times} room-times are free"]
    return []


def greedy(inst: Instance, group: list[int], limits: list[int]) -> list[int] | None:
    """Most constrained and most wanted demos first, each at the time that adds the fewest missed wants."""
    free = capacities(inst)
    time_of = [-1] * len(inst.demo_ids)
    wanters: list[list[int]] = [[] for _ in inst.demo_ids]
    for a, w in enumerate(inst.wants):
        for d in w:
            wanters[d].append(a)
    count: list[dict[int, int]] = [{} for _ in inst.wants]
    busy: dict[str, list[int]] = {}

    def put(d: int, t: int) -> None:
        time_of[d] = t
        for a in wanters[d]:
            count[a][group[t]] = count[a].get(group[t], 0) + 1
        for p in inst.presenters[d]:
            busy.setdefault(p, []).append(t)

    for d, pin in enumerate(inst.pinned):
        if pin is not None:
            put(d, pin[1])
    order = sorted((d for d in range(len(inst.demo_ids)) if inst.pinned[d] is None),
                   key=lambda d: (len(inst.allowed[d]), -len(wanters[d]), d))
    for d in order:
        best, best_key = None, None
        for t in inst.allowed[d]:
            if free[t] <= 0 or any(inst.overlap[t][u] for p in inst.presenters[d] for u in busy.get(p, ())):
                continue
            cost = sum(1 for a in wanters[d] if count[a].get(group[t], 0) >= limits[group[t]])
            key = (cost, -free[t], t)
            if best_key is None or key < best_key:
                best, best_key = t, key
        if best is None:
            return None
        free[best] -= 1
        put(d, best)
    return time_of


def arrange_rooms(inst: Instance, time_of: list[int]) -> list[int]:
    """Within each time: pinned demos in their rooms, then the largest audiences in the largest rooms."""
    room_of = [-1] * len(time_of)
    for t in range(len(inst.time_ids)):
        here = [d for d in range(len(time_of)) if time_of[d] == t]
        used = {inst.pinned[d][0] for d in here if inst.pinned[d] is not None}
        for d in here:
            if inst.pinned[d] is not None:
                room_of[d] = inst.pinned[d][0]
        rooms = sorted((r for r in inst.open_rooms[t] if r not in used),
                       key=lambda r: (-(inst.capacity[r] if inst.capacity[r] is not None else -1), r))
        demos = sorted((d for d in here if inst.pinned[d] is None),
                       key=lambda d: (-(inst.audience[d] or 0), d))
        for d, r in zip(demos, rooms):
            room_of[d] = r
    return room_of

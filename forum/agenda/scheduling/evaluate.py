"""What a schedule costs: missed wants (exactly as SCHEDULING.md defines them) and conflicting pairs."""
from __future__ import annotations

from collections import Counter
from itertools import combinations

from .instance import Instance


def attendable(inst: Instance, times: list[int]) -> int:
    """Largest number of the given times that are pairwise non-overlapping (earliest end first)."""
    count, last_end = 0, None
    for t in sorted(times, key=lambda t: inst.ends[t]):
        if last_end is None or inst.starts[t] >= last_end:
            count += 1
            last_end = inst.ends[t]
    return count


def missed(inst: Instance, time_of: list[int]) -> int:
    return sum(len(w) - attendable(inst, [time_of[d] for d in w]) for w in inst.wants if len(w) > 1)


def conflicts(inst: Instance, time_of: list[int]) -> list[dict]:
    """Every pair of demos at overlapping times that some attendees both want, largest first."""
    together: Counter = Counter()
    for w in inst.wants:
        for a, b in combinations(sorted(w), 2):
            if inst.overlap[time_of[a]][time_of[b]]:
                together[(a, b)] += 1
    ordered = sorted(together.items(), key=lambda item: (-item[1], time_of[item[0][0]], item[0]))
    return [{"time": inst.time_ids[time_of[a]], "demos": [inst.demo_ids[a], inst.demo_ids[b]], "attendees": n}
            for (a, b), n in ordered]


def components(inst: Instance) -> tuple[list[int], list[int]]:
    """Groups of times linked by overlaps: time -> group, and per group the most times one can attend.

    Missed wants inside a group are at least (wanted demos in it - that number), and groups never
    overlap each other, so summing that over groups is a lower bound, exact on a grid of times.
    """
    n = len(inst.time_ids)
    group = [-1] * n
    limits: list[int] = []
    for start in range(n):
        if group[start] >= 0:
            continue
        members, stack = [], [start]
        group[start] = len(limits)
        while stack:
            t = stack.pop()
            members.append(t)
            for u in range(n):
                if group[u] < 0 and inst.overlap[t][u]:
                    group[u] = len(limits)
                    stack.append(u)
        limits.append(attendable(inst, members))
    return group, limits


def grouped_missed(inst: Instance, time_of: list[int], group: list[int], limits: list[int]) -> int:
    total = 0
    for w in inst.wants:
        per = Counter(group[time_of[d]] for d in w)
        total += sum(max(0, k - limits[g]) for g, k in per.items())
    return total

"""An independent check of a scheduler result against SCHEDULING.md: every hard rule, missed recomputed.

Written from the format description alone (it shares no code with forum/agenda/scheduling).
"""
from __future__ import annotations

from datetime import datetime
from itertools import combinations


def check(instance: dict, result: dict) -> list[str]:
    problems: list[str] = []
    times = {t["id"]: (datetime.fromisoformat(t["starts_at"]), datetime.fromisoformat(t["ends_at"]))
             for t in instance["times"]}
    rooms = {r["id"]: r for r in instance["rooms"]}
    demos = {d["id"]: d for d in instance["demos"]}

    def overlap(a: str, b: str) -> bool:
        return times[a][0] < times[b][1] and times[b][0] < times[a][1]

    placed: dict[str, tuple[str, str]] = {}
    for item in result["assignments"]:
        if item["demo"] in placed:
            problems.append(f"{item['demo']} scheduled twice")
        placed[item["demo"]] = (item["room"], item["time"])
        if item["room"] not in rooms or item["time"] not in times or item["demo"] not in demos:
            problems.append(f"unknown id in {item}")
    if set(placed) != set(demos):
        problems.append(f"not every demo scheduled exactly once: missing {set(demos) - set(placed)}")
    seen: dict[tuple[str, str], str] = {}
    for demo, slot in placed.items():
        if slot in seen:
            problems.append(f"{demo} and {seen[slot]} share room {slot[0]} at {slot[1]}")
        seen[slot] = demo
        if slot[1] in rooms[slot[0]].get("unavailable", []):
            problems.append(f"{demo} in {slot[0]} at {slot[1]}, when the room is unavailable")
        spec = demos[demo]
        if "available" in spec and slot[1] not in spec["available"]:
            problems.append(f"{demo} at {slot[1]}, outside its available times")
        if spec.get("pinned") and (spec["pinned"]["room"], spec["pinned"]["time"]) != slot:
            problems.append(f"pinned {demo} moved to {slot}")
    for a, b in combinations(sorted(placed), 2):
        if set(demos[a].get("presenters", [])) & set(demos[b].get("presenters", [])) and \
                overlap(placed[a][1], placed[b][1]):
            problems.append(f"a presenter of {a} and {b} would be in two places")
    if result["missed"] != recount_missed(instance, result):
        problems.append(f"missed {result['missed']} but the schedule misses {recount_missed(instance, result)}")
    if result["bound"] is not None and result["bound"] > result["missed"]:
        problems.append("bound above missed")
    if result["status"] == "optimal" and result["bound"] != result["missed"]:
        problems.append("optimal without a matching bound")
    return problems


def recount_missed(instance: dict, result: dict) -> int:
    """Per attendee: wanted minus the largest set of wanted demos at pairwise non-overlapping times
    (found by trying subsets from the largest down; instances in tests keep wants short)."""
    times = {t["id"]: (datetime.fromisoformat(t["starts_at"]), datetime.fromisoformat(t["ends_at"]))
             for t in instance["times"]}
    when = {item["demo"]: times[item["time"]] for item in result["assignments"]}
    total = 0
    for person in instance["attendees"]:
        wanted = list(dict.fromkeys(person["wants"]))
        best = 0
        for size in range(len(wanted), 0, -1):
            if any(all(not (when[a][0] < when[b][1] and when[b][0] < when[a][1]) for a, b in combinations(c, 2))
                   for c in combinations(wanted, size)):
                best = size
                break
        total += len(wanted) - best
    return total


def recount_conflicts(instance: dict, result: dict) -> dict[frozenset, int]:
    times = {t["id"]: (datetime.fromisoformat(t["starts_at"]), datetime.fromisoformat(t["ends_at"]))
             for t in instance["times"]}
    when = {item["demo"]: times[item["time"]] for item in result["assignments"]}
    out: dict[frozenset, int] = {}
    for person in instance["attendees"]:
        for a, b in combinations(sorted(set(person["wants"])), 2):
            if when[a][0] < when[b][1] and when[b][0] < when[a][1]:
                out[frozenset((a, b))] = out.get(frozenset((a, b)), 0) + 1
    return out

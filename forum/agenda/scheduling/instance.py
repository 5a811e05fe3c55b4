"""Reading and checking a demo-scheduling instance (the format of SCHEDULING.md).

`parse()` turns the JSON object into an `Instance` of integer indices, or raises `InvalidInstance`
with every reason found, each naming the list, id and field at fault. Nothing here knows Flask.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


class InvalidInstance(Exception):
    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass
class Instance:
    time_ids: list[str]
    starts: list[datetime]
    ends: list[datetime]
    room_ids: list[str]
    capacity: list[int | None]
    closed: set[tuple[int, int]]  # (room, time) pairs where the room is unavailable
    demo_ids: list[str]
    presenters: list[list[str]]
    themes: list[str | None]
    allowed: list[list[int]]  # demo -> time indices it may take
    pinned: list[tuple[int, int] | None]  # demo -> (room, time)
    audience: list[int | None]
    wants: list[list[int]]  # attendee -> wanted demo indices (no repeats)
    attendee_ids: list[str] = field(default_factory=list)

    def __post_init__(self):
        n = len(self.time_ids)
        self.overlap = [[self.starts[a] < self.ends[b] and self.starts[b] < self.ends[a] for b in range(n)]
                        for a in range(n)]
        self.open_rooms = [[r for r in range(len(self.room_ids)) if (r, t) not in self.closed] for t in range(n)]

    @property
    def is_grid(self) -> bool:
        """Every two times are either the same interval or do not overlap."""
        n = len(self.time_ids)
        return all(not self.overlap[a][b] or (self.starts[a] == self.starts[b] and self.ends[a] == self.ends[b])
                   for a in range(n) for b in range(a + 1, n))


def _ids(items, name: str, reasons: list[str]) -> list[str]:
    ids: list[str] = []
    seen: set[str] = set()
    for position, item in enumerate(items):
        if not isinstance(item, dict):
            reasons.append(f"{name}[{position}] is not an object")
            ids.append(f"#{position}")
            continue
        value = item.get("id")
        if not isinstance(value, str) or not value:
            reasons.append(f"{name}[{position}] has no string id")
            value = f"#{position}"
        elif value in seen:
            reasons.append(f"{name} id {value!r} appears more than once")
        seen.add(value)
        ids.append(value)
    return ids


def _when(value, where: str, reasons: list[str]) -> datetime | None:
    if not isinstance(value, str):
        reasons.append(f"{where} is missing or not a string")
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        reasons.append(f"{where} {value!r} is not an ISO 8601 date and time")
        return None
    if moment.tzinfo is None:
        reasons.append(f"{where} {value!r} has no UTC offset")
        return None
    return moment


def _count(value, where: str, reasons: list[str]) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        reasons.append(f"{where} must be a whole number of at least 0, not {value!r}")
        return None
    return value


def _id_list(value, where: str, known: dict[str, int], kind: str, reasons: list[str]) -> list[int]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        reasons.append(f"{where} must be a list of {kind} ids")
        return []
    out: list[int] = []
    for v in value:
        if v not in known:
            reasons.append(f"{where} names unknown {kind} {v!r}")
        elif known[v] not in out:
            out.append(known[v])
    return out


def parse(data) -> Instance:
    reasons: list[str] = []
    if not isinstance(data, dict):
        raise InvalidInstance(["the instance must be a JSON object with times, rooms, demos and attendees"])
    lists = {}
    for key in ("times", "rooms", "demos", "attendees"):
        value = data.get(key, [] if key == "attendees" else None)
        if not isinstance(value, list):
            reasons.append(f"'{key}' is missing or not a list")
            value = []
        lists[key] = value
    if not reasons and not lists["times"]:
        reasons.append("'times' is empty: there is no time to schedule a demo at")
    if not reasons and not lists["rooms"]:
        reasons.append("'rooms' is empty: there is no room to schedule a demo in")
    time_ids = _ids(lists["times"], "times", reasons)
    room_ids = _ids(lists["rooms"], "rooms", reasons)
    demo_ids = _ids(lists["demos"], "demos", reasons)
    attendee_ids = _ids(lists["attendees"], "attendees", reasons)
    t_index = {t: i for i, t in enumerate(time_ids)}
    r_index = {r: i for i, r in enumerate(room_ids)}
    d_index = {d: i for i, d in enumerate(demo_ids)}

    starts, ends = [], []
    for tid, item in zip(time_ids, lists["times"]):
        item = item if isinstance(item, dict) else {}
        start = _when(item.get("starts_at"), f"time {tid!r} starts_at", reasons)
        end = _when(item.get("ends_at"), f"time {tid!r} ends_at", reasons)
        if start and end and end <= start:
            reasons.append(f"time {tid!r} ends at {end.isoformat()}, not after it starts ({start.isoformat()})")
        starts.append(start)
        ends.append(end)

    capacity, closed = [], set()
    for r, (rid, item) in enumerate(zip(room_ids, lists["rooms"])):
        item = item if isinstance(item, dict) else {}
        capacity.append(_count(item.get("capacity"), f"room {rid!r} capacity", reasons))
        for t in _id_list(item.get("unavailable", []), f"room {rid!r} unavailable", t_index, "time", reasons):
            closed.add((r, t))

    presenters, themes, allowed, pinned, audience = [], [], [], [], []
    for did, item in zip(demo_ids, lists["demos"]):
        item = item if isinstance(item, dict) else {}
        people = item.get("presenters", [])
        if not isinstance(people, list) or not all(isinstance(p, str) and p for p in people):
            reasons.append(f"demo {did!r} presenters must be a list of presenter ids")
            people = []
        presenters.append(sorted(set(people)))
        theme = item.get("theme")
        if theme is not None and not isinstance(theme, str):
            reasons.append(f"demo {did!r} theme must be a string")
            theme = None
        themes.append(theme)
        if "available" in item:
            times = _id_list(item["available"], f"demo {did!r} available", t_index, "time", reasons)
        else:
            times = list(range(len(time_ids)))
        allowed.append(sorted(times))
        pin = item.get("pinned")
        if pin is None:
            pinned.append(None)
        elif not isinstance(pin, dict) or pin.get("room") not in r_index or pin.get("time") not in t_index:
            reasons.append(f"demo {did!r} is pinned to {pin!r}, which is not a known room and time")
            pinned.append(None)
        else:
            pinned.append((r_index[pin["room"]], t_index[pin["time"]]))
        audience.append(_count(item.get("expected_audience"), f"demo {did!r} expected_audience", reasons))

    wants = []
    for aid, item in zip(attendee_ids, lists["attendees"]):
        item = item if isinstance(item, dict) else {}
        wants.append(_id_list(item.get("wants", []), f"attendee {aid!r} wants", d_index, "demo", reasons))

    if reasons:
        raise InvalidInstance(reasons)
    return Instance(time_ids, starts, ends, room_ids, capacity, closed, demo_ids, presenters, themes,
                    allowed, pinned, audience, wants, attendee_ids)

"""Demo scheduler: instances from forum size up to 300 demos, 8 rooms, 40 times and 5,000 attendees.

For each size it prints the seconds taken, the missed wants of the schedule, the proven bound and the
gap, and the missed wants of the greedy schedule computed in the same run. Each instance is written to
benchmarks/instances/ so that `flask --app wsgi agenda solve FILE.json` can be run on it.

    .venv/bin/python benchmarks/scheduler.py [--time-limit 60] [--only 30,300]
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SIZES = [  # demos, rooms, times, attendees
    (30, 3, 11, 300),
    (60, 4, 16, 800),
    (150, 6, 26, 2000),
    (300, 8, 40, 5000),
]
HK = timezone(timedelta(hours=8))


def instance(demos: int, rooms: int, times: int, attendees: int, seed: int = 1) -> dict:
    """Clustered interests: each attendee follows one or two themes, and popular demos draw more."""
    rng = random.Random(seed)
    start = datetime(2026, 12, 8, 9, 30, tzinfo=HK)
    time_list = [{"id": f"t{i + 1}", "starts_at": (start + timedelta(minutes=15 * i)).isoformat(),
                  "ends_at": (start + timedelta(minutes=15 * i + 15)).isoformat()} for i in range(times)]
    room_list = [{"id": "stage", "capacity": 200, "unavailable": [f"t{times // 2}"]}]
    room_list += [{"id": f"room{r}", "capacity": 60} for r in range(1, rooms)]
    themes = 7  # the Smart Hospital themes attendees pick from
    demo_list = []
    for d in range(demos):
        demo = {"id": f"d{d + 1}", "theme": f"theme{d % themes}", "presenters": [f"p{d + 1}"],
                "expected_audience": rng.randint(20, 150)}
        if d % 17 == 5:  # a company with two demos and one presenter
            demo["presenters"] = [f"p{d}"]
        if d % 10 == 3:  # a presenter who can only come in the morning
            demo["available"] = [t["id"] for t in time_list[: max(2, times // 2)]]
        demo_list.append(demo)
    demo_list[0]["pinned"] = {"room": "stage", "time": "t1"}
    demo_list[0].pop("available", None)
    popularity = [1 / (1 + (d // themes)) ** 0.8 for d in range(demos)]
    by_theme = [[d for d in range(demos) if d % themes == k] for k in range(themes)]
    people = []
    for a in range(attendees):
        main = rng.randrange(themes)
        other = rng.randrange(themes)
        wants: set[int] = set()
        for _ in range(rng.randint(3, 8)):
            pool = by_theme[main] if rng.random() < 0.75 else by_theme[other]
            wants.add(rng.choices(pool, weights=[popularity[d] for d in pool])[0])
        people.append({"id": f"a{a + 1}", "wants": [f"d{d + 1}" for d in sorted(wants)]})
    return {"times": time_list, "rooms": room_list, "demos": demo_list, "attendees": people}


def main() -> None:
    from forum.agenda.scheduling.solve import solve

    parser = argparse.ArgumentParser()
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--only", default="", help="comma-separated demo counts to run")
    args = parser.parse_args()
    out_dir = Path(__file__).resolve().parent / "instances"
    out_dir.mkdir(exist_ok=True)
    print("| demos | rooms | times | attendees | seconds | missed | bound | gap | greedy missed | status |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for size in SIZES:
        if args.only and str(size[0]) not in args.only.split(","):
            continue
        data = instance(*size)
        path = out_dir / f"demos{size[0]}.json"
        path.write_text(json.dumps(data))
        result = solve(data, time_limit=args.time_limit)
        missed, bound = result["missed"], result["bound"]
        gap = "n/a" if bound is None else (f"{(missed - bound) / missed:.1%}" if missed else "0%")
        print(f"| {size[0]} | {size[1]} | {size[2]} | {size[3]} | {result['seconds']:.2f} | {missed} | {bound} "
              f"| {gap} | {result.get('greedy_missed')} | {result['status']} |", flush=True)


if __name__ == "__main__":
    main()

"""CPU per door scan in process, this tree against an earlier commit, interleaved.

    .venv/bin/python benchmarks/checkin_cpu.py [--before HEAD] [--rounds 12] [--scans 1000]
    .venv/bin/python benchmarks/checkin_cpu.py --instructions [--before HEAD] [--scans 200]

Small changes to the scan's path (a few percent) drown in the noise of a shared machine when two runs
of benchmarks/checkin.py are compared. Here the earlier commit (exported with git archive) and this
tree each serve scans through Flask's test client in their own process, on one PostgreSQL database
built as benchmarks/checkin.py builds it, taking turns of --scans scans (which goes first alternates),
so that the machine's drift hits both alike. Prints each one's CPU time per scan and, per round, the
ratio this tree / before. PostgreSQL on PG_URL, as benchmarks/checkin.py; not part of `make
benchmarks` (it compares two trees rather than measuring one).

--instructions counts instead of timing: each tree serves its scans under valgrind's callgrind, which
counts the instructions of --scans scans after a warm-up (the database's own work is not counted). The
count is the same within half a percent from run to run, whatever else the machine is doing, so a
change of one percent shows (apt-get install valgrind).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = {"FORUM_ENV": "testing", "RATELIMIT_SCAN": "10000000 per minute"}


def serve_scans(tree: str, url: str, folder: str, slug: str, token: str, codes: str, start: int) -> None:
    """The child: scan the next N codes for each N read on stdin, answer with the CPU ms per scan."""
    sys.path.insert(0, tree)
    os.chdir(tree)
    os.environ.update(SETTINGS, DATABASE_URL=url, FORUM_INSTANCE_PATH=folder)
    from wsgi import app

    client, headers = app.test_client(), {"Authorization": f"Bearer {token}"}
    codes_left = iter(Path(codes).read_text().split()[start:])
    for line in sys.stdin:
        count = int(line)
        started = time.process_time()
        for _ in range(count):
            answer = client.post(f"/api/v1/forums/{slug}/checkins", json={"code": next(codes_left),
                                                                          "point": "main-entrance"}, headers=headers)
            if answer.status_code != 200 or answer.json["result"] != "ok":
                raise SystemExit(f"{tree}: unexpected answer {answer.status_code} {answer.data!r}")
        print((time.process_time() - started) / count * 1000, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="HEAD", help="the commit to compare with (default HEAD: "
                        "what the uncommitted changes do)")
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--scans", type=int, default=None, help="scans per turn (default 1000; 200 counted "
                                                                   "with --instructions)")
    parser.add_argument("--instructions", action="store_true", help="count instructions under callgrind "
                                                                     "instead of timing")
    args = parser.parse_args()
    args.scans = args.scans or (200 if args.instructions else 1000)
    if args.instructions and not (shutil.which("valgrind") and shutil.which("callgrind_control")):
        print("valgrind is not installed (apt-get install valgrind)", file=sys.stderr)
        return 1
    sys.path.insert(0, str(ROOT))
    from benchmarks.checkin import build, fresh_database

    folder = Path(tempfile.mkdtemp(prefix="bench-checkin-cpu-"))
    before = folder / "before"
    before.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.before], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(before)], input=archive, check=True)
    url, drop = fresh_database("postgres", folder)
    children = []
    try:
        if args.instructions:
            return count_instructions(args, before, url, folder)
        per_tree = (args.rounds + 1) * args.scans
        slug, token, codes = build(url, "benchmark", 2 * per_tree, folder)
        env = dict(os.environ, SECRET_KEY="benchmark")
        for index, tree in enumerate((before, ROOT)):
            children.append(subprocess.Popen(
                [sys.executable, __file__, "--child", str(tree), url, str(folder), slug, token, str(codes),
                 str(index * per_tree)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
                stderr=(folder / f"requests-{index}.log").open("w")))  # the request log, as gunicorn's goes to a file

        def turn(child: subprocess.Popen) -> float:
            child.stdin.write(f"{args.scans}\n")
            child.stdin.flush()
            return float(child.stdout.readline())

        for child in children:  # warm up: imports, first statements, psycopg's prepared statements
            turn(child)
        figures: list[list[float]] = [[], []]
        for round_ in range(args.rounds):
            for index in ((0, 1) if round_ % 2 == 0 else (1, 0)):
                figures[index].append(turn(children[index]))
        ratios = [after / earlier for earlier, after in zip(*figures)]
        for name, values in (("before (" + args.before + ")", figures[0]), ("this tree", figures[1])):
            print(f"{name:<28} CPU per scan: median {statistics.median(values):.3f} ms "
                  f"({min(values):.3f}-{max(values):.3f}) over {args.rounds} turns of {args.scans}")
        print(f"this tree / before, per round: median {statistics.median(ratios):.3f} "
              f"({min(ratios):.3f}-{max(ratios):.3f}); load average now "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        return 0
    finally:
        for child in children:
            child.stdin.close()
            child.wait()
        drop()
        shutil.rmtree(folder, ignore_errors=True)


WARM_UP = 300  # scans before counting: imports done, statements prepared, caches filled


def count_instructions(args, before: Path, url: str, folder: Path) -> int:
    """Each tree's instructions per scan, counted by callgrind over --scans scans after WARM_UP."""
    from benchmarks.checkin import build

    per_tree = WARM_UP + args.scans
    slug, token, codes = build(url, "benchmark", 2 * per_tree, folder)
    env = dict(os.environ, SECRET_KEY="benchmark")
    counts = []
    for index, tree in enumerate((before, ROOT)):
        log = folder / f"callgrind-{index}.log"
        child = subprocess.Popen(
            ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--log-file={log}",
             f"--callgrind-out-file={folder / f'callgrind-{index}.out'}", sys.executable, __file__, "--child",
             str(tree), url, str(folder), slug, token, str(codes), str(index * per_tree)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
            stderr=(folder / f"requests-{index}.log").open("w"))
        try:
            for count, instrument in ((WARM_UP, "on"), (args.scans, "off")):
                child.stdin.write(f"{count}\n")
                child.stdin.flush()
                child.stdout.readline()
                subprocess.run(["callgrind_control", "-i", instrument, str(child.pid)], check=True,
                               capture_output=True)
        finally:
            child.stdin.close()
            child.wait()
        counts.append(int(re.search(r"Collected : (\d+)", log.read_text()).group(1)) / args.scans)
    for name, value in (("before (" + args.before + ")", counts[0]), ("this tree", counts[1])):
        print(f"{name:<28} instructions per scan: {value:,.0f} (callgrind, {args.scans} scans after {WARM_UP})")
    print(f"this tree / before: {counts[1] / counts[0]:.3f}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        serve_scans(*sys.argv[2:8], int(sys.argv[8]))
    else:
        sys.exit(main())

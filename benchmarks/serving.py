"""The check-in API under gunicorn in several serving configurations at once: which one answers the door best?

    .venv/bin/python benchmarks/serving.py [--db postgres|sqlite] [--configs 2x2,2x1,2x1:sync] [--rounds 3]
                                           [--seconds 8] [--connections 20] [--rescans]

One database built as benchmarks/checkin.py builds it (10,000 and more attendees, 20,000 scans of an
earlier forum); every configuration (WORKERSxTHREADS, gunicorn's gthread worker, or WORKERSx1:sync for
its sync worker: one request at a time per process, no keep-alive, meant to sit behind a buffering
proxy) is served by its own gunicorn, all up at once,
and they take turns under the same wrk load, round after round, so that the machine's drift hits all
alike. Each scans its own range of codes, so no scan repeats another. The bare SELECT+UPDATE endpoint,
served as the first configuration, takes its turn too as the yardstick. Prints scans/s, p50, p90, p99
and the worker processes' CPU per request for each turn.
"""
from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.checkin import LUA, build, drive, fresh_database, serve, worker_cpu  # noqa: E402

WARMUP = 2


def configurations(text: str) -> list[tuple[int, int, str]]:
    """(workers, threads, worker class) for each of "2x2,2x1,2x1:sync"."""
    found = []
    for item in text.split(","):
        shape, _, kind = item.strip().partition(":")
        workers, _, threads = shape.partition("x")
        found.append((int(workers), int(threads), kind or "gthread"))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--configs", default="2x2,2x1,2x1:sync",
                        help="WORKERSxTHREADS[:sync], comma-separated (gthread unless :sync)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--rescans", action="store_true", help="everyone in already: every scan a re-entry")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 1
    configs = configurations(args.configs)
    per_server = args.rounds * (args.seconds + WARMUP) * 1500  # codes enough at up to 1,500 scans/s
    folder = Path(tempfile.mkdtemp(prefix="bench-serving-"))
    url, drop = fresh_database(args.db, folder)
    secret = secrets.token_hex(16)
    servers = []
    try:
        forum, token, codes = build(url, secret, per_server * (len(configs) + 1), folder, admitted=args.rescans)
        lua = folder / "scan.lua"
        lua.write_text(LUA)
        env = dict(os.environ, FORUM_ENV="testing", FORUM_INSTANCE_PATH=str(folder), SECRET_KEY=secret,
                   DATABASE_URL=url, RATELIMIT_SCAN="10000000 per minute", CODES_FILE=str(codes), TOKEN=token,
                   WRK_THREADS=str(args.threads), LUA_FILE=str(lua), NONCES="0")
        targets = [(f"check-in {w} x {t} {k}", "wsgi:app", f"/api/v1/forums/{forum}/checkins", w, t, k)
                   for w, t, k in configs]
        w, t, k = configs[0]
        targets.append((f"bare {w} x {t} {k}", "benchmarks.bare_app:app", f"/bare/{forum}", w, t, k))
        for n, (name, target, path, workers, threads, kind) in enumerate(targets):
            process, base = serve(target, env, folder / f"server{n}.log", workers, threads, kind)
            servers.append(SimpleNamespace(name=name, process=process, url=base + path, used=n * per_server))
        print(f"database: {args.db}; {args.connections} connections, {args.seconds}s a turn"
              f"{', every scan a re-entry' if args.rescans else ''}")
        print(f"{'round, served as':<30}{'scans/s':>9}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}"
              f"{'non-2xx':>8}{'CPU ms/req':>11}")
        for round_ in range(args.rounds):
            for server in servers:
                server.used = drive(server.url, env, WARMUP, args.connections, args.threads, server.used)["next_code"]
                cpu = worker_cpu(server.process)
                r = drive(server.url, env, args.seconds, args.connections, args.threads, server.used)
                server.used = r["next_code"]
                print(f"{f'{round_ + 1}, {server.name}':<30}{r['rate']:>9.1f}{r['p50']:>9.2f}{r['p90']:>9.2f}"
                      f"{r['p99']:>9.2f}{r['max']:>9.1f}{r['non2xx']:>8}"
                      f"{(worker_cpu(server.process) - cpu) * 1000 / max(r['total'], 1):>11.2f}"
                      + (f"  socket errors: {r['socket_errors']}" if r["socket_errors"] else ""), flush=True)
        return 0
    finally:
        for server in servers:
            if server.process.poll() is None:
                server.process.terminate()
                server.process.wait(timeout=10)
        drop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

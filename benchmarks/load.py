"""A mixed load on two app instances for --minutes, with memory sampled: does anything leak or slow down?

    .venv/bin/python benchmarks/load.py [--minutes 10] [--db postgres|sqlite] [--clients 16]
                                        [--attendees 3000] [--exhibitors 300] [--recycle] [--no-redis]

Builds the demo forum scaled up (`flask forum demo --attendees N --exhibitors M`) in a fresh database
(a new PostgreSQL database on PG_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/postgres),
starts a throw-away redis-server when one is installed (rate limits and the job queue shared, as in
production), and two gunicorn instances on their own ports with the production settings
(deploy/gunicorn.conf.py: its sync workers, cores + 1 per instance unless --workers, gthread with
--threads N; and no worker recycling unless --recycle, so a leak would show). There is no proxy in
front: the client sends each request to the two instances in turn (round robin), which is what one
address in front would do.

At the same time, for --minutes:
  - door scanners: POST /api/v1/forums/{forum}/checkins with the attendees' real ticket codes (a
    scanner's token), each code once, then repeats (answered "already checked in");
  - HA staff browsing: directory searches in English and Chinese, the agenda by time and by room
    (a signed-in session);
  - HA staff bookmarking: POST then DELETE /api/v1/forums/{forum}/bookmarks (an HA staff token);
  - organisers' arrivals dashboards polling /forums/<forum>/checkin/dashboard/live every 5 s, as the
    open page does.
Every few seconds it reads each instance's resident memory (the gunicorn master and its workers,
from /proc). At the end it prints, per endpoint, the count, errors, rate, p50 and p99; and per instance
the memory first, last and highest. The client is Python threads on the same machine: on a small
machine it competes with the servers for the cores, so read the figures as the app under that load.
"""
from __future__ import annotations

import argparse
import csv
import itertools
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEARCHES = ["robot", "機械人", "imaging", "影像", "monitor", "監測", "AI", "logistics", "物流", "ward"]
PASSWORD = "demo-forum-2026"  # the demo accounts' password (forum/demo_data.py)


def flask(env: dict, *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def build(env: dict, attendees: int, exhibitors: int, folder: Path) -> dict:
    flask(env, "db", "upgrade")
    flask(env, "forum", "demo", "--attendees", str(attendees), "--exhibitors", str(exhibitors))
    slug = flask(env, "forum", "list").splitlines()[0].split("\t")[1]
    export = folder / "attendees.csv"
    flask(env, "attendees", "export", slug, "--format", "csv", "-o", str(export))
    with export.open(encoding="utf-8-sig") as f:
        codes = [row["ticket_code"] for row in csv.DictReader(f) if row.get("ticket_code")]
    scanner = flask(env, "users", "token", "scanner@forum.example").strip().split()[-1]
    ha = flask(env, "users", "token", "ha.staff@forum.example").strip().split()[-1]
    return {"slug": slug, "codes": codes, "scanner_token": scanner, "ha_token": ha}


def wait_ready(url: str, seconds: float = 60) -> None:
    import requests

    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if requests.get(url + "/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer /healthz")


def rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (from /proc)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, AttributeError):
            continue
    return total / 1024


def signed_in(base: str, email: str):
    """A requests session signed in through the real form (CSRF token from the page)."""
    import requests

    session = requests.Session()
    page = session.get(base + "/login", timeout=10).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page)
    data = {"email": email, "password": PASSWORD}
    if token:  # absent when the settings turn CSRF off
        data["csrf_token"] = next(g for g in token.groups() if g)
    answer = session.post(base + "/login", data=data, allow_redirects=False, timeout=10)
    if answer.status_code != 302:
        raise RuntimeError(f"could not sign in {email}: {answer.status_code}")
    return session.cookies


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.statuses: dict[str, dict[int | str, int]] = defaultdict(lambda: defaultdict(int))

    def timed(self, name: str, send):
        started = time.perf_counter()
        try:
            status = send().status_code
            ok = 200 <= status < 400
        except Exception as error:  # noqa: BLE001  (a refused or cut connection is an error; the run goes on)
            status, ok = type(error).__name__, False
        ms = (time.perf_counter() - started) * 1000
        with self.lock:
            self.times[name].append(ms)
            self.statuses[name][status] += 1
            if not ok:
                self.errors[name] += 1
        return status


def run(args, data: dict, bases: list[str], record: Recorder, stop: threading.Event) -> None:
    import requests

    turn = itertools.count()
    pick = lambda: bases[next(turn) % len(bases)]  # noqa: E731  (round robin over the instances)
    slug = data["slug"]
    codes = itertools.cycle(data["codes"])
    code_lock = threading.Lock()
    ha_cookies = signed_in(bases[0], "ha.staff@forum.example")
    organiser_cookies = signed_in(bases[0], "organiser@forum.example")
    solutions = [s["id"] for e in requests.get(f"{bases[0]}/api/v1/forums/{slug}/exhibitors", timeout=30,
                                                headers={"Authorization": f"Bearer {data['ha_token']}"}
                                                ).json()["exhibitors"] for s in e.get("solutions", [])]

    def scanner():
        s = requests.Session()
        headers = {"Authorization": f"Bearer {data['scanner_token']}"}
        while not stop.is_set():
            with code_lock:
                code = next(codes)
            record.timed("check-in (API)", lambda: s.post(f"{pick()}/api/v1/forums/{slug}/checkins", headers=headers,
                                                          json={"code": code, "nonce": secrets.token_hex(8)},
                                                          timeout=30))

    def browser():
        s = requests.Session()
        s.cookies.update(ha_cookies)
        while not stop.is_set():
            q = random.choice(SEARCHES)
            record.timed("directory search", lambda: s.get(f"{pick()}/exhibitors/forums/{slug}/directory",
                                                           params={"q": q}, timeout=30))
            view = random.choice(("time", "room"))
            record.timed("agenda page", lambda: s.get(f"{pick()}/forums/{slug}/agenda", params={"view": view},
                                                      timeout=30))

    def bookmarker():
        s = requests.Session()
        headers = {"Authorization": f"Bearer {data['ha_token']}"}
        while not stop.is_set() and solutions:
            made = {}

            def add():
                answer = s.post(f"{pick()}/api/v1/forums/{slug}/bookmarks", headers=headers,
                                json={"solution": random.choice(solutions)}, timeout=30)
                made["id"] = answer.json().get("id") if answer.ok else None
                return answer

            record.timed("bookmark add", add)
            if made.get("id"):
                record.timed("bookmark delete", lambda: s.delete(
                    f"{pick()}/api/v1/forums/{slug}/bookmarks/{made['id']}", headers=headers, timeout=30))

    def dashboard():
        s = requests.Session()
        s.cookies.update(organiser_cookies)
        while not stop.is_set():
            record.timed("dashboard poll", lambda: s.get(f"{pick()}/forums/{slug}/checkin/dashboard/live", timeout=30))
            stop.wait(5)

    roles = ([scanner] * args.scanners + [browser] * args.browsers + [bookmarker] * args.bookmarkers
             + [dashboard] * args.dashboards)
    threads = [threading.Thread(target=role, daemon=True) for role in roles]
    for t in threads:
        t.start()
    stop.wait(args.minutes * 60)
    stop.set()
    for t in threads:
        t.join(timeout=35)


def sample_memory(servers: list[subprocess.Popen], every: float, samples: list[list[float]],
                  stop: threading.Event) -> None:
    while not stop.is_set():
        for i, server in enumerate(servers):
            samples[i].append(rss_mb(server.pid))
        stop.wait(every)


def report(args, record: Recorder, samples: list[list[float]], seconds: float) -> None:
    print(f"\n{'endpoint':<18}{'count':>8}{'errors':>8}{'per s':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}  statuses")
    for name in sorted(record.times):
        times = sorted(record.times[name])
        p = lambda q: times[min(len(times) - 1, int(q * len(times)))]  # noqa: E731
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(record.statuses[name].items(), key=lambda kv: str(kv[0])))
        print(f"{name:<18}{len(times):>8}{record.errors[name]:>8}{len(times) / seconds:>8.1f}"
              f"{statistics.median(times):>9.1f}{p(0.99):>9.1f}{times[-1]:>9.1f}  {statuses}")
    print(f"\nresident memory per instance (gunicorn master and its workers), sampled every "
          f"{args.sample:g} s:")
    for i, values in enumerate(samples):
        if values:
            warm = values[len(values) // 10]  # a tenth into the run: the workers have loaded what they lazily load
            print(f"  instance {i + 1}: first {values[0]:.0f} MB, after warm-up {warm:.0f} MB, last {values[-1]:.0f} MB,"
                  f" max {max(values):.0f} MB, {len(values)} samples; last - after warm-up {values[-1] - warm:+.0f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--attendees", type=int, default=3000)
    parser.add_argument("--exhibitors", type=int, default=300)
    parser.add_argument("--scanners", type=int, default=6, help="door scanner threads")
    parser.add_argument("--browsers", type=int, default=6, help="HA staff threads: directory searches and agenda")
    parser.add_argument("--bookmarkers", type=int, default=2)
    parser.add_argument("--dashboards", type=int, default=2, help="arrivals dashboards polling every 5 s")
    parser.add_argument("--workers", type=int, help="gunicorn workers per instance (default: gunicorn.conf.py's)")
    parser.add_argument("--threads", type=int, help="serve with gthread workers of this many threads instead")
    parser.add_argument("--sample", type=float, default=5, help="seconds between memory samples")
    parser.add_argument("--recycle", action="store_true", help="keep gunicorn.conf.py's worker recycling")
    parser.add_argument("--no-redis", action="store_true", help="no Redis: each instance limits on its own")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    if args.db == "postgres":
        from tests.support.databases import throwaway_postgres

        url, drop = throwaway_postgres(os.environ.get("PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
                                       prefix="forum_load")
    else:
        url, drop = f"sqlite:///{folder / 'load.db'}", lambda: None
    redis = None
    servers: list[subprocess.Popen] = []
    try:
        env = dict(os.environ, FORUM_ENV="testing", FORUM_INSTANCE_PATH=str(folder), SECRET_KEY=secrets.token_hex(32),
                   DATABASE_URL=url, RATELIMIT_SCAN="10000000 per minute", RATELIMIT_LOGIN="1000 per minute",
                   GUNICORN_LOGLEVEL="warning")
        if not args.no_redis and shutil.which("redis-server"):
            from tests.support.servers import RedisServer

            redis = RedisServer().start()
            env["REDIS_URL"] = redis.url
        started = time.time()
        data = build(env, args.attendees, args.exhibitors, folder)
        print(f"database: {args.db}; demo forum {data['slug']} with {args.attendees} attendees "
              f"({len(data['codes'])} ticket codes) and {args.exhibitors} exhibitors built in "
              f"{time.time() - started:.0f} s; Redis: {'yes' if redis else 'no'}")
        from benchmarks.checkin import PRODUCTION, serve, worker_count

        bases = []
        for n in (1, 2):
            server, base = serve("wsgi:app", env, folder / f"gunicorn-{n}.log", args.workers, args.threads,
                                 config=PRODUCTION, recycle=args.recycle)
            servers.append(server)
            bases.append(base)
        for base in bases:
            wait_ready(base)
        shape = (f"{worker_count(servers[0])} {'gthread' if args.threads else 'sync'} workers"
                 + (f" x {args.threads} threads" if args.threads else ""))
        print(f"two instances: {', '.join(bases)} (gunicorn -c deploy/gunicorn.conf.py, {shape} each, "
              f"recycling {'on' if args.recycle else 'off'}); client: "
              f"{args.scanners} scanners, {args.browsers} browsers, {args.bookmarkers} bookmarkers, "
              f"{args.dashboards} dashboards, round robin over both; {args.minutes:g} min")
        record, stop = Recorder(), threading.Event()
        samples: list[list[float]] = [[], []]
        sampler = threading.Thread(target=sample_memory, args=(servers, args.sample, samples, stop), daemon=True)
        sampler.start()
        began = time.time()
        run(args, data, bases, record, stop)
        seconds = time.time() - began
        sampler.join(timeout=10)
        for i, server in enumerate(servers):
            samples[i].append(rss_mb(server.pid))
        report(args, record, samples, seconds)
        for log in sorted(folder.glob("gunicorn-*.log")):  # what the servers said about any failure
            errors = [line for line in log.read_text(errors="replace").splitlines()
                      if "Traceback" in line or "Error" in line or line.startswith("  File ")]
            if errors:
                print(f"\n{log.name}: {len(errors)} error lines, the last ones:")
                print("\n".join(errors[-40:]))
        return 0
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        if redis is not None:
            redis.kill()
        drop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

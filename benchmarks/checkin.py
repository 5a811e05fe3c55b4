"""Check-in API under load, against a bare Flask endpoint on the same database.

    .venv/bin/python benchmarks/checkin.py [--db sqlite|postgres] [--seconds 10] [--connections 20] [--rounds 1]
                                           [--serving production|make-run] [--nonces] [--rescans]

Builds a forum of 10,000 attendees with tickets, beside 20,000 scans of an earlier forum, in a fresh
database (a SQLite file, or a new PostgreSQL database on PG_URL), serves the app with gunicorn on
127.0.0.1 and drives POST /api/v1/forums/{forum}/checkins with wrk (20 connections = 20 scanners,
each request a distinct valid code), then the same load against benchmarks/bare_app.py (one indexed
SELECT and one UPDATE). Prints scans/s, p50 and p99 for both and the ratio, the CPU time the
server's worker processes spent per request (steadier than rates on a shared machine), PostgreSQL's
per request, and how busy the machine's cores were (near 100%: they were the limit, and with 20
connections always waiting the mean wait is 20 / scans per second). Takes well under two minutes.

--nonces sends each scan with a nonce and a device id, as the scanner page does (the check-in then
also looks for the scan the nonce already names; the bare endpoint ignores them).

--rescans builds the forum with everyone in already (each attendee's first entry recorded), so that
every scan is a re-entry answered already_checked_in, as at the door after lunch.

--serving says how gunicorn serves both endpoints. `production` (the default on PostgreSQL, which is
production's database): `-c deploy/gunicorn.conf.py`, its sync workers (cores + 1), with worker
recycling off, since a benchmark's thousands of scans a minute would restart every worker several
times, which a forum's day at the door never does. `make-run` (the default on SQLite, `make run`'s
database): 2 gthread workers x 2 threads, as `make run` serves. --workers and --worker-threads
override either.

--rounds N alternates the two endpoints N times (app, bare, bare, app, ...), both servers up
throughout, so that a change in the machine's load hits both alike; every round prints its own
ratio. Each wrk run carries on through the codes where the last one stopped, so no scan repeats
one already made (the forum gets enough attendees for all rounds).
"""
from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LUA = r"""
local codes = {}
for line in io.lines(os.getenv("CODES_FILE")) do codes[#codes + 1] = line end
local token = os.getenv("TOKEN")
local step = tonumber(os.getenv("WRK_THREADS"))
local offset = tonumber(os.getenv("CODE_OFFSET") or "0")
local made = 0
n = 0  -- global: done() reads each thread's through thread:get
local threads = {}
function setup(thread) thread:set("tid", made); made = made + 1; table.insert(threads, thread) end
function init(args) n = tid + offset end
function request()
  local code = codes[(n % #codes) + 1]
  n = n + step
  local nonce = ""
  if os.getenv("NONCES") == "1" then nonce = ',"nonce":"bench-scan-' .. n .. '","device_id":"bench-' .. tid .. '"' end
  return wrk.format("POST", nil, {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token},
                    '{"code":"' .. code .. '","point":"main-entrance"' .. nonce .. '}')
end
-- The first code no thread has taken: the threads move at their own pace, so the next run starts
-- there, not at offset + requests (that would repeat the codes of the faster thread).
function done(summary, latency, requests)
  local top = offset
  for _, t in ipairs(threads) do top = math.max(top, t:get("n")) end
  io.write("next code: " .. top .. "\n")
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_database(kind: str, folder: Path):
    if kind == "sqlite":
        return f"sqlite:///{folder / 'bench.db'}", lambda: None
    from tests.support.databases import throwaway_postgres

    return throwaway_postgres(os.environ.get("PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
                              prefix="forum_bench")


def build(url: str, secret: str, attendees: int, folder: Path, admitted: bool = False) -> tuple[str, str, Path]:
    """Migrate, add a forum with `attendees` ticketed attendees and a scanner token; write the codes.
    `admitted`: every attendee's first entry is recorded already."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from forum import create_app
    from forum.accounts.models import User
    from forum.accounts.tokens import issue_token
    from forum.attendees.models import Attendee, Ticket
    from forum.attendees.tickets import code_for
    from forum.checkin.models import CheckIn, CheckInPoint, ScanResult
    from forum.db import utcnow
    from forum.extensions import db
    from forum.forums.models import Forum, ForumStatus

    os.environ["FORUM_INSTANCE_PATH"] = str(folder)
    app = create_app({"FORUM_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secret})
    with app.app_context():
        upgrade()
        now = utcnow()
        forum = Forum(slug="bench", title_en="Benchmark forum", starts_at=now, ends_at=now.replace(year=now.year + 1),
                      status=ForumStatus.live)
        db.session.add(forum)
        db.session.flush()
        point = CheckInPoint(forum_id=forum.id, key="main-entrance", name_en="Main entrance", position=1)
        db.session.add(point)
        user = User(email="bench-scanner@forum.example", role="scanner", name_en="Bench", session_version=1)
        db.session.add(user)
        db.session.flush()
        token = issue_token(user, "benchmark")
        keys = [secrets.token_bytes(10) for _ in range(attendees)]
        db.session.execute(sa.insert(Attendee), [
            {"id": i + 1, "forum_id": forum.id, "name_en": f"Attendee {i}", "name_zh": f"與會者{i}",
             "email": f"a{i}@ha.example", "email_key": f"a{i}@ha.example", "organisation": "Queen Mary Hospital"}
            for i in range(attendees)])
        db.session.execute(sa.insert(Ticket), [
            {"id": i + 1, "attendee_id": i + 1, "forum_id": forum.id, "key": key} for i, key in enumerate(keys)])
        if admitted:
            db.session.flush()
            db.session.execute(sa.insert(CheckIn), [
                {"forum_id": forum.id, "attendee_id": i + 1, "ticket_id": i + 1, "point_id": point.id,
                 "result": ScanResult.ok, "first_entry": True, "scanned_at": now, "received_at": now,
                 "device_id": "earlier", "scanner_id": user.id, "nonce": None, "answer": {"result": "ok"},
                 "annul_reason": ""} for i in range(attendees)])
        # A database in use holds the scans of earlier forums: 20,000 of a past one, half of them its
        # attendees' first entries. On an empty scans table PostgreSQL plans the nonce lookup as a
        # scan of the whole table, and a connection keeps that plan while the table grows under the
        # load. And a partial index analysed while empty (uq_checkin_first_entry, arrivals only) is
        # taken to stay empty until the next ANALYZE: the door's read of a holder's first entry was
        # then planned as a walk through every arrival of the forum, slower with each scan.
        past = Forum(slug="bench-past", title_en="An earlier forum", starts_at=now.replace(year=now.year - 1),
                     ends_at=now.replace(year=now.year - 1) + timedelta(hours=8), status=ForumStatus.closed)
        db.session.add(past)
        db.session.flush()
        admitted_before = range(attendees + 1, attendees + 10001)
        db.session.execute(sa.insert(Attendee), [
            {"id": i, "forum_id": past.id, "name_en": f"Past attendee {i}", "name_zh": f"往屆與會者{i}",
             "email": f"p{i}@ha.example", "email_key": f"p{i}@ha.example", "organisation": "Tuen Mun Hospital"}
            for i in admitted_before])
        db.session.execute(sa.insert(CheckIn), [
            {"forum_id": past.id, "attendee_id": i, "point_id": None, "result": ScanResult.ok, "first_entry": True,
             "scanned_at": now, "received_at": now, "device_id": "past", "scanner_id": user.id, "nonce": None,
             "answer": {"result": "ok"}, "annul_reason": ""} for i in admitted_before])
        db.session.execute(sa.insert(CheckIn), [
            {"forum_id": past.id, "result": ScanResult.invalid, "first_entry": False, "scanned_at": now, "received_at": now,
             "device_id": "past", "scanner_id": user.id, "nonce": f"past-scan-{i}", "answer": {"result": "invalid"},
             "annul_reason": ""} for i in range(10000)])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
            for table in ("attendee", "ticket"):
                db.session.execute(sa.text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
            # The build's writes flushed now, not by a checkpoint in the middle of a measured run.
            with db.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("CHECKPOINT"))
        codes = folder / "codes.txt"
        codes.write_text("\n".join(code_for(SimpleNamespace(key=k)) for k in keys) + "\n")
        db.session.remove()
        db.engine.dispose()
    return "bench", token, codes


PRODUCTION = "deploy/gunicorn.conf.py"


def serve(target: str, env: dict, log: Path, workers: int | None, threads: int | None,
          worker_class: str = "gthread", config: str | None = None,
          recycle: bool = False) -> tuple[subprocess.Popen, str]:
    """gunicorn on a free port. The worker class is named: with --threads 1 and none named, gunicorn
    would serve with its sync worker (one request at a time, no keep-alive), not gthread. With a
    config (PRODUCTION), its settings are used but for the address, recycling (off unless `recycle`)
    and the log level, and workers and threads only when given."""
    port = free_port()
    if config:
        settings = ["-c", config] + ([] if recycle else ["--max-requests", "0"])
        settings += ["--workers", str(workers)] if workers else []
        settings += ["--worker-class", "gthread", "--threads", str(threads)] if threads else []
    else:
        settings = ["--workers", str(workers), "--threads", str(threads), "--worker-class", worker_class]
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", *settings, "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", target], cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/", timeout=1)
            return process, url
        except urllib.error.HTTPError:
            return process, url  # it answers
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{target} did not start:\n{log.read_text()}")


def worker_count(master: subprocess.Popen) -> int:
    """How many worker processes a gunicorn master runs now (its children)."""
    return len(Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split())


def serving(args, master: subprocess.Popen) -> str:
    """How the app was served, as printed."""
    workers = worker_count(master)
    if args.serving == "make-run" or args.worker_threads:
        return f"{workers} gthread workers x {args.worker_threads} threads ({args.serving})"
    return f"{workers} sync workers (production: {PRODUCTION})"


def worker_cpu(master: subprocess.Popen) -> float:
    """CPU seconds (user + system) spent so far by the gunicorn master's worker processes."""
    return cpu_now(master).workers


def cpu_now(master: subprocess.Popen) -> SimpleNamespace:
    """CPU seconds spent so far by the gunicorn master's worker processes and by PostgreSQL's
    processes on this machine (its backends, writers and autovacuum), and the machine's busy and
    total CPU seconds: taken before and after a run, they say where the CPU went and whether the
    two cores were the limit."""
    ticks = os.sysconf("SC_CLK_TCK")
    workers = database = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        name, fields = raw[raw.index("(") + 1:raw.rindex(")")], raw.rsplit(")", 1)[1].split()
        spent = (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
        if int(fields[1]) == master.pid:  # fields[1] is the parent pid
            workers += spent
        elif name.startswith("postgres"):
            database += spent
    with open("/proc/stat") as stat:
        times = [int(x) / ticks for x in stat.readline().split()[1:]]
    return SimpleNamespace(workers=workers, database=database, total=sum(times),
                           busy=sum(times) - times[3] - times[4])  # less idle and iowait


def cpu_per_request(before: SimpleNamespace, after: SimpleNamespace, requests: int) -> dict:
    """CPU ms per request of the workers and of PostgreSQL, and the machine's busy share, between two cpu_now()."""
    n = max(requests, 1)
    return {"cpu_ms": (after.workers - before.workers) * 1000 / n,
            "db_cpu_ms": (after.database - before.database) * 1000 / n,
            "busy": (after.busy - before.busy) / max(after.total - before.total, 1e-9)}


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def drive(url: str, env: dict, seconds: int, connections: int, threads: int, offset: int = 0,
          timeout: int = 2) -> dict:
    """wrk's figures; a request not answered within `timeout` seconds counts as a socket error, not in the latencies."""
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
                          "--timeout", f"{timeout}s", "-s", env["LUA_FILE"], url], env=dict(env, CODE_OFFSET=str(offset)), capture_output=True,
                         text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    p90 = _ms(re.search(r"^\s+90%\s+(\S+)", out, re.M).group(1))
    worst = _ms(re.search(r"^\s+Latency\s+\S+\s+\S+\s+(\S+)", out, re.M).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    next_code = re.search(r"next code: (\d+)", out)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rate": rate, "p50": p50, "p90": p90, "p99": p99, "max": worst, "total": total, "non2xx": int(bad.group(1)) if bad else 0,
            "socket_errors": errors.group(1) if errors else "",
            "next_code": int(next_code.group(1)) if next_code else offset + total, "output": out}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--attendees", type=int, default=10000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--serving", choices=("production", "make-run"),
                        help="deploy/gunicorn.conf.py (default on PostgreSQL) or make run's 2 x 2 gthread (on SQLite)")
    parser.add_argument("--workers", type=int, help="gunicorn worker processes")
    parser.add_argument("--worker-threads", type=int, help="gunicorn threads per worker")
    parser.add_argument("--rounds", type=int, default=1, help="alternate the two endpoints this many times")
    parser.add_argument("--nonces", action="store_true", help="each scan with a nonce and a device id, as the scanner page")
    parser.add_argument("--rescans", action="store_true", help="everyone in already: every scan a re-entry")
    args = parser.parse_args()
    args.serving = args.serving or ("production" if args.db == "postgres" else "make-run")
    if args.serving == "make-run":
        args.workers, args.worker_threads = args.workers or 2, args.worker_threads or 2
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 1
    warmup = 2
    # Enough distinct codes for every round at up to 2,000 scans/s, for each endpoint: the bare one
    # scans the second half, so neither reads attendee rows the other has changed (the bare one's
    # UPDATEs leave dead row versions behind for whoever reads those rows next).
    share = max(args.attendees, args.rounds * (args.seconds + warmup) * 2000)
    attendees = 2 * share

    folder = Path(tempfile.mkdtemp(prefix="bench-checkin-"))
    url, drop = fresh_database(args.db, folder)
    secret = secrets.token_hex(16)
    processes = []
    try:
        started = time.time()
        forum, token, codes = build(url, secret, attendees, folder, admitted=args.rescans)
        print(f"database: {args.db}; {attendees} attendees with tickets built in {time.time() - started:.1f}s")
        lua = folder / "scan.lua"
        lua.write_text(LUA)
        env = dict(os.environ, FORUM_ENV="testing", FORUM_INSTANCE_PATH=str(folder), SECRET_KEY=secret,
                   DATABASE_URL=url, RATELIMIT_SCAN="10000000 per minute", CODES_FILE=str(codes), TOKEN=token,
                   WRK_THREADS=str(args.threads), LUA_FILE=str(lua), NONCES="1" if args.nonces else "0")
        endpoints = {}
        for name, target, path in (("check-in API", "wsgi:app", f"/api/v1/forums/{forum}/checkins"),
                                   ("bare SELECT+UPDATE", "benchmarks.bare_app:app", f"/bare/{forum}")):
            process, base = serve(target, env, folder / f"{target.split(':')[0]}.log", args.workers,
                                  args.worker_threads, config=PRODUCTION if args.serving == "production" else None)
            processes.append(process)
            endpoints[name] = SimpleNamespace(process=process, url=base + path, used=share * len(endpoints), runs=[])
        names = list(endpoints)
        for round_ in range(args.rounds):
            for name in (names if round_ % 2 == 0 else names[::-1]):
                e = endpoints[name]
                e.used = drive(e.url, env, warmup, args.connections, args.threads, e.used)["next_code"]
                before = cpu_now(e.process)
                r = drive(e.url, env, args.seconds, args.connections, args.threads, e.used)
                r.update(cpu_per_request(before, cpu_now(e.process), r["total"]))
                e.used = r["next_code"]
                e.runs.append(r)
        print(f"load: {args.connections} concurrent connections{', scans with nonces' if args.nonces else ''}"
              f"{', re-entries (everyone in already)' if args.rescans else ''}, "
              f"{args.seconds}s, gunicorn {serving(args, endpoints['check-in API'].process)}, "
              f"wrk {args.threads} threads; load average now "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        print(f"{'endpoint':<22}{'scans/s':>9}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}{'requests':>9}"
              f"{'non-2xx':>8}{'CPU ms/req':>11}" + (f"{'DB CPU ms':>10}" if args.db == "postgres" else "") + f"{'busy':>6}")
        ratios = []
        for i in range(args.rounds):
            for name, e in endpoints.items():
                r = e.runs[i]
                label = name if args.rounds == 1 else f"{name}, {i + 1}"
                print(f"{label:<22}{r['rate']:>9.1f}{r['p50']:>9.2f}{r['p90']:>9.2f}{r['p99']:>9.2f}{r['max']:>9.1f}"
                      f"{r['total']:>9}{r['non2xx']:>8}{r['cpu_ms']:>11.2f}"
                      + (f"{r['db_cpu_ms']:>10.2f}" if args.db == "postgres" else "") + f"{r['busy']:>6.0%}"
                      + (f"  socket errors: {r['socket_errors']}" if r["socket_errors"] else ""))
            api, bare = (endpoints[n].runs[i] for n in names)
            ratios.append(api["rate"] / bare["rate"])
            print(f"ratio check-in / bare throughput{'' if args.rounds == 1 else f', round {i + 1}'}: "
                  f"{ratios[-1]:.0%}; CPU per request bare / check-in: {bare['cpu_ms'] / api['cpu_ms']:.0%}")
        if args.rounds > 1:
            print(f"ratios over {args.rounds} rounds: {min(ratios):.0%} to {max(ratios):.0%}, "
                  f"median {sorted(ratios)[len(ratios) // 2]:.0%}")
        if endpoints["check-in API"].used > share:
            print("note: more scans than attendees; codes were reused (later scans answered already_checked_in)")
        return 0
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
        drop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

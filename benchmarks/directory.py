"""Serve the exhibitor directory for a forum of 1,600 exhibitors and report requests/s, p50, p90 and p99.

    .venv/bin/python benchmarks/directory.py [--db sqlite|postgres] [--seconds 10] [--connections 20] [--rounds 2]
    .venv/bin/python benchmarks/directory.py --in-process [--requests 300]

Over HTTP (the default): builds the forum in a fresh database (a SQLite file, or a new PostgreSQL
database on PG_URL), serves the app with gunicorn (2 workers x 2 threads, as `make run`), signs one
HA staff account in through the login form and drives the directory page with wrk at 20
connections, each request a free-text search from SEARCHES (English and Chinese, words that match
and words that do not) in turn. The baseline, measured in the same run on the same server, is the
directory page without a query (the same page of 60 exhibitors, no search filter). --rounds N
alternates the two N times so that a change in the machine's load hits both alike.

--in-process drives the page through the Flask test client instead (one thread, no network or
server: the app's own cost per request), in a throw-away SQLite database or BENCH_DATABASE_URL.
"""
from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.checkin import drive, fresh_database, serve, worker_cpu  # noqa: E402

PASSWORD = "bench-directory-2026"
EMAIL = "bench@ha.example"
# Free-text searches: English and Chinese, words that match (a product word, a company's name, a word
# in every summary, two words) and words that match nothing.
SEARCHES = ["robot", "機械人", "imaging", "影像", "bench company 01234", "基準公司01234", "wards", "病房",
            "smart logistics", "智能物流", "xylophone", "鋼琴", "zq", "火星"]

LUA = r"""
local paths = {}
for line in io.lines(os.getenv("PATHS_FILE")) do paths[#paths + 1] = line end
local cookie = os.getenv("COOKIE")
local step = tonumber(os.getenv("WRK_THREADS"))
local threads = {}
local made = 0
function setup(thread) thread:set("tid", made); made = made + 1; table.insert(threads, thread) end
function init(args) n = tid; wrong = 0 end
function request()
  local path = paths[(n % #paths) + 1]
  n = n + step
  return wrk.format("GET", path, {["Cookie"] = cookie})
end
function response(status, headers, body)
  if status ~= 200 then wrong = wrong + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("wrong") end
  io.write("not 200: " .. total .. "\n")
end
"""


def build(n: int):
    import sqlalchemy as sa

    from forum.accounts.models import User
    from forum.db import HK, utcnow
    from forum.exhibitors.models import (Application, Company, Solution, Theme, application_solution,
                                         solution_theme)
    from forum.extensions import db
    from forum.forums.models import Forum, ForumStatus
    from forum.text import normalise
    from datetime import datetime

    now = utcnow()
    forum = Forum(slug="bench-forum", title_en="Benchmark forum", title_zh="基準論壇", status=ForumStatus.live,
                  starts_at=datetime(2026, 12, 8, 9, tzinfo=HK), ends_at=datetime(2026, 12, 8, 13, tzinfo=HK),
                  booth_capacity=n)
    db.session.add(forum)
    user = User(email=EMAIL, role="ha_staff", name_en="Bench", session_version=1)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.flush()
    themes = db.session.scalars(sa.select(Theme)).all()
    words = [("robot", "機械人"), ("imaging", "影像"), ("logistics", "物流"), ("coating", "塗層"),
             ("analytics", "分析"), ("monitoring", "監測"), ("kiosk", "自助機"), ("sensor", "感應器")]
    companies = []
    for i in range(n):
        en, zh = f"Bench Company {i:05d} Limited", f"基準公司{i:05d}有限公司"
        companies.append({"name_en": en, "name_zh": zh, "name_key": normalise(en), "name_zh_key": normalise(zh),
                          "sector": "ai_robotics", "created_at": now, "search_text": normalise(f"{en} {zh}"),
                          "description_en": "A park company.", "description_zh": "園區公司。"})
    db.session.execute(sa.insert(Company), companies)
    company_ids = db.session.scalars(sa.select(Company.id).order_by(Company.id)).all()
    solutions = []
    for i, company_id in enumerate(company_ids):
        for k in range(2):
            en, zh = words[(i + k) % len(words)]
            title_en, title_zh = f"Smart {en} {i}", f"智能{zh}{i}"
            solutions.append({"company_id": company_id, "title_en": title_en, "title_zh": title_zh,
                              "summary_en": f"A {en} for wards.", "summary_zh": f"病房用的{zh}。",
                              "trl": 3 + (i + k) % 7, "created_at": now, "updated_at": now,
                              "search_text": normalise(f"{title_en} {title_zh} a {en} for wards 病房用的{zh}")})
    db.session.execute(sa.insert(Solution), solutions)
    solution_rows = db.session.execute(sa.select(Solution.id, Solution.company_id).order_by(Solution.id)).all()
    db.session.execute(sa.insert(solution_theme), [
        {"solution_id": sid, "theme_id": themes[sid % len(themes)].id} for sid, _c in solution_rows])
    db.session.execute(sa.insert(Application), [
        {"forum_id": forum.id, "company_id": cid, "status": "approved", "booth_code": None,
         "created_at": now, "updated_at": now, "submitted_at": now} for cid in company_ids])
    app_ids = dict(db.session.execute(sa.select(Application.company_id, Application.id)).all())
    db.session.execute(sa.insert(application_solution), [
        {"application_id": app_ids[cid], "solution_id": sid} for sid, cid in solution_rows])
    db.session.commit()
    return forum.slug, user.get_id(), themes[0].key


def in_process(args) -> None:
    folder = tempfile.mkdtemp(prefix="bench-directory-")
    os.environ["FORUM_INSTANCE_PATH"] = folder
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(folder) / 'bench.db'}"
    from flask_migrate import upgrade

    from forum import create_app
    from forum.extensions import db

    app = create_app({"FORUM_ENV": "testing", "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                      "WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        slug, user_id, theme = build(args.exhibitors)
        print(f"built {args.exhibitors} exhibitors with {2 * args.exhibitors} solutions in "
              f"{time.perf_counter() - started:.1f}s on {db.engine.dialect.name}")
        db.session.remove()

    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
    base = f"/exhibitors/forums/{slug}/directory"
    queries = [{}, {"q": "robot"}, {"q": "機械人"}, {"theme": theme}, {"trl": "7"}, {"page": "20"},
               {"q": "基準公司01234"}, {"q": "imaging", "trl": "5"}]
    for params in queries:  # warm up, and check every query answers
        response = client.get(base, query_string=params)
        assert response.status_code == 200, (params, response.status_code)
    timings = []
    deadline = time.perf_counter() + args.max_seconds
    loop_start = time.perf_counter()
    for i in range(args.requests):
        if time.perf_counter() > deadline:
            break
        t0 = time.perf_counter()
        response = client.get(base, query_string=queries[i % len(queries)])
        timings.append(time.perf_counter() - t0)
        assert response.status_code == 200
    elapsed = time.perf_counter() - loop_start
    timings.sort()
    p50 = statistics.median(timings) * 1000
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))] * 1000
    print(f"directory, {args.exhibitors} exhibitors, Flask test client, 1 thread: {len(timings)} requests in "
          f"{elapsed:.1f}s = {len(timings) / elapsed:.1f} requests/s; p50 {p50:.1f} ms; p99 {p99:.1f} ms")


def build_database(url: str, folder: Path, exhibitors: int) -> str:
    """Migrate a fresh database and add the forum; return its slug."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from forum import create_app
    from forum.extensions import db

    os.environ["FORUM_INSTANCE_PATH"] = str(folder)
    app = create_app({"FORUM_ENV": "testing", "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        slug, _user, _theme = build(exhibitors)
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return slug


def explain(url: str, slug: str) -> None:
    """PostgreSQL: EXPLAIN ANALYZE of each search's page query; which scans it used and how long it took."""
    import sqlalchemy as sa

    from forum import create_app
    from forum.exhibitors.directory import PAGE_SIZE, DirectoryQuery, search_statement
    from forum.exhibitors.models import Company
    from forum.extensions import db
    from forum.forums.models import Forum

    app = create_app({"FORUM_ENV": "testing", "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        forum = db.session.scalar(sa.select(Forum).where(Forum.slug == slug))
        print("EXPLAIN ANALYZE of each search's page of rows (the ORDER BY ... LIMIT 60 query):")
        for q in SEARCHES:
            stmt = search_statement(forum, DirectoryQuery(q=q)).order_by(Company.name_key).limit(PAGE_SIZE)
            compiled = stmt.compile(dialect=db.engine.dialect)
            plan = db.session.connection().exec_driver_sql("EXPLAIN ANALYZE " + str(compiled),
                                                           compiled.params).scalars().all()
            scans = sorted({re.sub(r"\s+\(.*", "", line.strip().removeprefix("->  "))
                            for line in plan if re.search(r"Scan (using|on)", line)
                            and re.search(r"search_text_trgm|on (company|solution)\b", line)})
            total = next(line for line in plan if line.startswith("Execution Time"))
            connection = db.session.connection()
            connection.exec_driver_sql("SET enable_seqscan = off")
            forced = connection.exec_driver_sql("EXPLAIN ANALYZE " + str(compiled), compiled.params).scalars().all()
            connection.exec_driver_sql("RESET enable_seqscan")
            used = sorted({n for line in forced for n in re.findall(r"\w+_search_text_trgm", line)})
            print(f"  {q:<22} {total.split(': ')[1]:>10}  {'; '.join(scans)}\n"
                  f"  {'':<22} {forced[-1].split(': ')[1]:>10}  with seq scans off: {', '.join(used) or 'no trigram index'}")
        db.session.remove()
        db.engine.dispose()


def signed_in_cookie(base: str) -> str:
    """Sign the HA staff account in through the login form; the Cookie header its session sends."""
    import requests

    session = requests.Session()
    page = session.get(base + "/login", timeout=30).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page)
    answer = session.post(base + "/login", data={"email": EMAIL, "password": PASSWORD,
                                                 "csrf_token": next(g for g in token.groups() if g)},
                          allow_redirects=False, timeout=30)
    if answer.status_code != 302:
        raise RuntimeError(f"could not sign in: {answer.status_code}")
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def search_path(directory: str, q: str) -> str:
    return f"{directory}?q={quote(q)}"


def check_searches(base: str, directory: str, cookie: str) -> list[tuple[str, int, float, float]]:
    """Each search on the idle server: (query, exhibitors found, ms the first time, median ms of 5).

    The first time a worker process renders the list; later ones are served from its kept copy."""
    import requests

    rows = []
    for q in [""] + SEARCHES:
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            answer = requests.get(base + search_path(directory, q), headers={"Cookie": cookie}, timeout=30,
                                  allow_redirects=False)
            times.append((time.perf_counter() - t0) * 1000)
            assert answer.status_code == 200, (q, answer.status_code)
        found = int(re.search(r'id="result-count">([\d,]+)', answer.text).group(1).replace(",", ""))
        rows.append((q, found, times[0], statistics.median(times)))
    return rows


def over_http(args) -> int:
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 1
    folder = Path(tempfile.mkdtemp(prefix="bench-directory-"))
    url, drop = fresh_database(args.db, folder)
    process = None
    try:
        started = time.time()
        slug = build_database(url, folder, args.exhibitors)
        print(f"database: {args.db}; {args.exhibitors} exhibitors with {2 * args.exhibitors} solutions built in "
              f"{time.time() - started:.1f}s")
        if args.db == "postgres":
            explain(url, slug)
        directory = f"/exhibitors/forums/{slug}/directory"
        lua = folder / "directory.lua"
        lua.write_text(LUA)
        env = dict(os.environ, FORUM_ENV="testing", FORUM_INSTANCE_PATH=str(folder),
                   SECRET_KEY=secrets.token_hex(16), DATABASE_URL=url, WRK_THREADS=str(args.threads),
                   LUA_FILE=str(lua))
        process, base = serve("wsgi:app", env, folder / "gunicorn.log", args.workers, args.worker_threads)
        env["COOKIE"] = signed_in_cookie(base)
        checked = check_searches(base, directory, env["COOKIE"])
        loads = {"free-text searches": [search_path(directory, q) for q in SEARCHES],
                 "baseline: no query": [directory]}
        for name, paths in loads.items():
            (folder / f"{len(name)}.paths").write_text("\n".join(paths) + "\n")
        runs = {name: [] for name in loads}
        names = list(loads)
        for round_ in range(args.rounds):
            for name in (names if round_ % 2 == 0 else names[::-1]):
                run_env = dict(env, PATHS_FILE=str(folder / f"{len(name)}.paths"))
                # Warm up twice: wrk keeps its connections, and the kernel may hand all of one run's
                # to one worker process; each process renders each list once before it keeps it.
                for _ in range(2):
                    drive(base + directory, run_env, 2, args.connections, args.threads)
                cpu = worker_cpu(process)
                # A long timeout: a slow answer is measured as slow, not dropped from the latencies.
                r = drive(base + directory, run_env, args.seconds, args.connections, args.threads, timeout=30)
                r["cpu_ms"] = (worker_cpu(process) - cpu) * 1000 / max(r["total"], 1)
                # Any status but 200, and requests wrk gave up on.
                timeouts = re.search(r"timeout (\d+)", r["socket_errors"])
                r["errors"] = (int(re.search(r"not 200: (\d+)", r["output"]).group(1))
                               + (int(timeouts.group(1)) if timeouts else 0))
                runs[name].append(r)
        print("each search alone on the idle server: the first time (list rendered), then the median of 5:")
        for q, found, first, ms in checked:
            print(f"  {q or '(no query)':<22} {found:>5} exhibitors {first:>7.1f} ms {ms:>7.1f} ms")
        print(f"load: {args.connections} connections, {args.seconds}s each, gunicorn {args.workers} workers x "
              f"{args.worker_threads} threads, wrk {args.threads} threads; load average now "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        print(f"{'requests':<24}{'req/s':>8}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}{'count':>7}"
              f"{'errors':>7}{'CPU ms/req':>11}")
        for i in range(args.rounds):
            for name in names:
                r = runs[name][i]
                label = name if args.rounds == 1 else f"{name}, {i + 1}"
                print(f"{label:<24}{r['rate']:>8.1f}{r['p50']:>9.1f}{r['p90']:>9.1f}{r['p99']:>9.1f}{r['max']:>9.1f}"
                      f"{r['total']:>7}{r['errors']:>7}{r['cpu_ms']:>11.1f}"
                      + (f"  socket errors: {r['socket_errors']}" if r["socket_errors"] else ""))
        return 0
    finally:
        if process is not None and process.poll() is None:
            process.terminate()
            process.wait(timeout=10)
        drop()
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exhibitors", type=int, default=1600)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--worker-threads", type=int, default=2, help="gunicorn threads per worker (as make run)")
    parser.add_argument("--rounds", type=int, default=1, help="alternate searches and baseline this many times")
    parser.add_argument("--in-process", action="store_true", help="the Flask test client, one thread, no server")
    parser.add_argument("--requests", type=int, default=300, help="--in-process: requests to make")
    parser.add_argument("--max-seconds", type=float, default=90, help="--in-process: stop after this long")
    args = parser.parse_args()
    if args.in_process:
        in_process(args)
        return 0
    return over_http(args)


if __name__ == "__main__":
    sys.exit(main())

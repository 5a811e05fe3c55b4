"""Serve the exhibitor directory for a forum of 1,600 exhibitors and report requests/s, p50 and p99.

Driven with the Flask test client (in-process, one thread: no network or server
overhead, so the figures are the app's own cost per request). The data is built
with bulk inserts in a throw-away SQLite database, or in BENCH_DATABASE_URL when set
(a PostgreSQL URL of an empty database).

    .venv/bin/python benchmarks/directory.py [--exhibitors 1600] [--requests 300]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


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
    user = User(email="bench@ha.example", role="ha_staff", name_en="Bench", session_version=1)
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--exhibitors", type=int, default=1600)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--max-seconds", type=float, default=90)
    args = parser.parse_args()

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


if __name__ == "__main__":
    main()

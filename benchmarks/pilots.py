"""Pilot outcome dashboard: 2,000 pilots across 10 forums, against a bare endpoint in the same run.

    .venv/bin/python benchmarks/pilots.py [--pilots 2000] [--forums 10] [--requests 60]
    .venv/bin/python benchmarks/pilots.py --database postgresql     # PG_URL, default postgres@127.0.0.1:5432

Builds a fresh database (SQLite file in a temporary folder, or a new PostgreSQL database),
loads the reference sites, 40 companies with solutions and themes, each forum's approved
exhibitors, and the pilots with their sites and transition logs (forum.pilots.synthetic).
Then, through the Flask test client signed in as the partnership team, requests: the
dashboard JSON for the series and for one forum, the dashboard page (eight SVG charts and
their tables), and /healthz (one SELECT 1: the floor for a request through this app).
Goal: the dashboard for 2,000 pilots across 10 forums answers in under 200 ms.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from checkin import fresh_database  # noqa: E402  (the same fresh SQLite file or PostgreSQL database)


def _load(pilots: int, forums: int):
    import sqlalchemy as sa

    from forum.accounts.models import User
    from forum.db import HK
    from forum.exhibitors.models import Application, ApplicationStatus, Company, Solution, Theme
    from forum.extensions import db
    from forum.forums.models import Forum, ForumStatus
    from forum.pilots.synthetic import add_pilots
    from forum.sites.services import load_reference_sites

    load_reference_sites()
    themes = [Theme(key=f"t{i}", name_en=f"Theme {i}", name_zh=f"主題{i}", position=i) for i in range(7)]
    companies = [Company(name_en=f"Park Company {i}", name_zh=f"園區公司{i}", name_key=f"park company {i}")
                 for i in range(40)]
    db.session.add_all(themes + companies)
    db.session.flush()
    solutions = [Solution(company_id=c.id, title_en=f"Solution {i}", title_zh=f"方案{i}", themes=[themes[i % 7]])
                 for i, c in enumerate(companies)]
    rows = [Forum(slug=f"forum-{n}", title_en=f"Forum {n}", title_zh=f"論壇{n}", status=ForumStatus.closed,
                  starts_at=datetime(2022, 11, 1, 9, tzinfo=HK) + timedelta(days=120 * n),
                  ends_at=datetime(2022, 11, 1, 13, tzinfo=HK) + timedelta(days=120 * n)) for n in range(forums)]
    db.session.add_all(solutions + rows)
    db.session.flush()
    db.session.add_all([Application(forum_id=f.id, company_id=c.id, status=ApplicationStatus.approved)
                        for f in rows for c in companies[:30]])
    user = User(email="partnership@bench.example", role="partnership", name_en="Bench", session_version=1)
    db.session.add(user)
    db.session.flush()
    add_pilots(pilots, forum_ids=[f.id for f in rows], company_ids=[c.id for c in companies],
               solution_ids=[s.id for s in solutions], actor_id=user.id)
    db.session.commit()
    return user, rows[0].slug, db.session.scalar(sa.select(sa.func.count()).select_from(sa.text("pilot_site")))


def _time(client, url: str, n: int) -> list[float]:
    client.get(url)  # warm: first render compiles templates
    out = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url)
        out.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pilots", type=int, default=2000)
    parser.add_argument("--forums", type=int, default=10)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite",
                        help="postgresql: a new database on PG_URL (default postgres@127.0.0.1:5432)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url, drop = fresh_database(args.database, folder)
        os.environ["FORUM_INSTANCE_PATH"] = str(folder)
        from flask_migrate import upgrade

        from forum import create_app

        app = create_app({"FORUM_ENV": "testing", "SECRET_KEY": "benchmark", "SQLALCHEMY_DATABASE_URI": url,
                          "MAIL_OUTBOX": str(folder / "outbox"), "WTF_CSRF_ENABLED": False})
        try:
            with app.app_context():
                upgrade()
                started = time.perf_counter()
                user, slug, pilot_sites = _load(args.pilots, args.forums)
                load_s = time.perf_counter() - started
                client = app.test_client()
                with client.session_transaction() as session:
                    session["_user_id"] = user.get_id()
                cases = [("bare endpoint: /healthz", "/healthz"),
                         ("dashboard JSON, whole series", "/api/v1/pilots/dashboard"),
                         ("dashboard JSON, one forum", f"/api/v1/pilots/dashboard?forum={slug}"),
                         ("dashboard page (8 SVG charts), whole series", "/pilots/dashboard/"),
                         ("pipeline board", "/pilots/board"),
                         ("pilot table, page 1", "/pilots/")]
                print(f"database: {app.extensions['sqlalchemy'].engines[None].dialect.name}; pilots: {args.pilots}"
                      f" ({pilot_sites} pilot-sites) across {args.forums} forums; loaded in {load_s:.1f} s;"
                      f" {args.requests} requests each")
                print("| request | p50 | p95 | max |")
                print("| --- | --- | --- | --- |")
                for label, path in cases:
                    times = sorted(_time(client, path, args.requests))
                    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
                    print(f"| {label} | {statistics.median(times):.1f} ms | {p95:.1f} ms | {times[-1]:.1f} ms |")
                from forum.extensions import db

                db.session.remove()
                db.engine.dispose()
        finally:
            drop()


if __name__ == "__main__":
    main()

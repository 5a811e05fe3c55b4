"""Attendees and badges: import speed, badge PDF time and peak memory, next to plain WeasyPrint.

    .venv/bin/python benchmarks/attendees.py              # 10,000-row import, 1,000 badges, static baseline
    .venv/bin/python benchmarks/attendees.py --badges 10000   # the big run (several minutes; not by default)

Each measurement runs in its own child process on a fresh SQLite database, so the peak memory
(ru_maxrss of that child) belongs to that measurement alone.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class TreeMemory:
    """Peak of the summed resident memory of this process and all its descendants (the badge processes
    are children of multiprocessing's fork server, so RUSAGE_CHILDREN would not see them)."""

    def __init__(self):
        import threading

        self.peak_kb = 0
        self.cpu: dict[int, float] = {}  # descendant pid -> CPU seconds last seen
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _tree_kb(self) -> int:
        parents, rss = {}, {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            parents[int(entry.name)] = int(fields.get("PPid", "0").strip())
            rss[int(entry.name)] = int(fields.get("VmRSS", "0 kB").split()[0])
        me, total = os.getpid(), 0
        for pid in rss:
            p = pid
            while p and p != me:
                p = parents.get(p, 0)
            if p == me:
                total += rss[pid]
                if pid != me:
                    try:
                        stat = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
                        self.cpu[pid] = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
                    except (OSError, IndexError, ValueError):
                        pass
        return total

    def _run(self):
        while not self._stop.wait(0.5):
            self.peak_kb = max(self.peak_kb, self._tree_kb())

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _app(folder: Path):
    os.environ["FORUM_INSTANCE_PATH"] = str(folder)
    from forum import create_app

    app = create_app({"FORUM_ENV": "testing", "SECRET_KEY": "benchmark", "SQLALCHEMY_DATABASE_URI":
                      f"sqlite:///{folder / 'bench.db'}", "MAIL_OUTBOX": str(folder / "outbox")})
    return app


def _forum():
    from datetime import datetime

    from forum.db import HK
    from forum.extensions import db
    from forum.forums.models import Forum, ForumStatus

    forum = Forum(slug="bench", title_en="HKSTP x HA Innovation Forum 2026: Smart Hospital in Practice",
                  title_zh="香港科技園公司 x 醫院管理局 創新論壇 2026", starts_at=datetime(2026, 12, 8, 9, tzinfo=HK),
                  ends_at=datetime(2026, 12, 8, 13, tzinfo=HK), status=ForumStatus.open_for_registration,
                  attendee_capacity=100000)
    db.session.add(forum)
    db.session.flush()
    return forum


def _registered(forum, n: int) -> None:
    """n registered HA attendees with tickets, bilingual names, spread over the hospitals."""
    import secrets

    import sqlalchemy as sa

    from forum.attendees.demo import GIVEN, SURNAMES
    from forum.attendees.models import Attendee, AttendeeKind, AttendeeStatus, Ticket
    from forum.extensions import db
    from forum.sites.models import Site

    sites = db.session.scalars(sa.select(Site).where(Site.kind == "hospital")).all()
    rows = []
    for i in range(n):
        (se, sz), (ge, gz) = SURNAMES[i % len(SURNAMES)], GIVEN[(i // 7) % len(GIVEN)]
        rows.append({"forum_id": forum.id, "kind": AttendeeKind.ha, "status": AttendeeStatus.registered,
                     "name_en": f"Dr {se.upper()} {ge}", "name_zh": f"{sz}{gz}醫生", "email": f"p{i}@ha.example",
                     "email_key": f"p{i}@ha.example", "title": "Chief Manager", "department": "Nursing",
                     "organisation": sites[i % len(sites)].name_en, "site_id": sites[i % len(sites)].id,
                     "themes": [], "access_needs": "", "dietary_needs": "", "share_contact": False})
    db.session.execute(sa.insert(Attendee), rows)
    ids = db.session.scalars(sa.select(Attendee.id).where(Attendee.forum_id == forum.id)).all()
    db.session.execute(sa.insert(Ticket), [{"attendee_id": i, "forum_id": forum.id,
                                            "key": secrets.token_bytes(10)} for i in ids])
    db.session.commit()


def child_import(folder: Path, n: int) -> dict:
    from flask_migrate import upgrade

    from forum.cli import SystemActor
    from forum.extensions import db

    app = _app(folder)
    with app.app_context():
        upgrade()
        forum = _forum()
        from forum.attendees.demo import GIVEN, SURNAMES
        from forum.sites.models import Site

        hospitals = [s.name_en for s in db.session.query(Site).filter(Site.kind == "hospital")]
        lines = ["\ufeffName (English),Name (Chinese),Email,Rank/Title,Department,Hospital,Cluster"]
        for i in range(n):
            (se, sz), (ge, gz) = SURNAMES[i % len(SURNAMES)], GIVEN[(i // 7) % len(GIVEN)]
            lines.append(f"{se.upper()} {ge},{sz}{gz},p{i}@ha.example.org.hk,Manager,Nursing,"
                         f"\"{hospitals[i % len(hospitals)]}\",")
        content = "\n".join(lines).encode("utf-8")
        from forum.attendees.importer import apply_import, plan_import

        started = time.perf_counter()
        plan = plan_import(SystemActor(), forum, content, "list.csv")
        checked = time.perf_counter() - started
        apply_import(SystemActor(), forum, plan)
        db.session.commit()
        total = time.perf_counter() - started
        assert plan.created == n, plan.errors[:3]
        started = time.perf_counter()
        again = plan_import(SystemActor(), forum, content, "list.csv")
        apply_import(SystemActor(), forum, again)
        db.session.commit()
        reimport = time.perf_counter() - started
        assert again.skipped == n
    return {"rows": n, "check_s": round(checked, 2), "import_s": round(total, 2), "reimport_s": round(reimport, 2),
            "peak_mb": round(_peak_mb())}


def child_badges(folder: Path, n: int, layout: str, processes: int = 1) -> dict:
    from flask_migrate import upgrade

    from forum.attendees.badges import forum_badges_pdf
    from forum.cli import SystemActor

    app = _app(folder)
    with app.app_context():
        upgrade()
        forum = _forum()
        _registered(forum, n)
        out = folder / f"badges-{n}.pdf"
        cpu0 = _cpu_self()
        started = time.perf_counter()
        with TreeMemory() as memory, out.open("wb") as handle:
            forum_badges_pdf(SystemActor(), forum, handle, layout=layout, processes=processes)
        elapsed = time.perf_counter() - started
    return {"badges": n, "layout": layout, "processes": processes, "seconds": round(elapsed, 1),
            "peak_mb": round(max(_peak_mb(), memory.peak_kb / 1024)), "parent_mb": round(_peak_mb()),
            "pdf_mb": round(out.stat().st_size / 1e6, 1), **_cpu(memory, cpu0)}


def _cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _cpu(memory, cpu0: float) -> dict:
    """CPU seconds: this process, and each badge process. On a loaded machine wall time says little;
    on an idle 2-core one it lies between (main + all children) / 2 and main + the busiest child."""
    main = _cpu_self() - cpu0  # the TreeMemory thread's sampling is counted too: a little pessimistic
    children = sorted(memory.cpu.values(), reverse=True)
    return {"cpu_main_s": round(main, 1), "cpu_children_s": [round(c, 1) for c in children],
            "idle_estimate_s": [round((main + sum(children)) / 2, 1), round(main + (children[0] if children else 0), 1)]}


def make_static_html(folder: Path, n: int) -> Path:
    """The same badges as one static HTML file beside its QR images, rendered by the app's own template."""
    import re

    from flask_migrate import upgrade

    from forum.attendees.badges import _badge_document, _forum_badges
    from forum.extensions import db

    app = _app(folder)
    with app.app_context(), app.test_request_context():
        upgrade()
        forum = _forum()
        _registered(forum, n)
        html, images = _badge_document(forum, list(_forum_badges(forum)), "a6")
        db.session.remove()
    for name, png in images.items():  # qr:7 -> qr-7.png, a file beside the HTML
        (folder / (name.replace(":", "-") + ".png")).write_bytes(png)
    path = folder / "static.html"
    path.write_text(re.sub(r'src="(qr|lead):(\d+)"', r'src="\1-\2.png"', html), encoding="utf-8")
    return path


def child_static(path: Path) -> dict:
    from weasyprint import HTML

    html = path.read_text(encoding="utf-8")
    cpu0 = _cpu_self()
    started = time.perf_counter()
    pdf = HTML(string=html, base_url=str(path.parent) + "/").write_pdf()
    elapsed = time.perf_counter() - started
    cpu = round(_cpu_self() - cpu0, 1)
    return {"seconds": round(elapsed, 1), "peak_mb": round(_peak_mb()), "pdf_mb": round(len(pdf) / 1e6, 1),
            "cpu_s": cpu}


def _run_child(*args: str) -> dict:
    result = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs="+")
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--badges", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1,
                        help="child processes laying out badge chunks at once (default: one per core)")
    parser.add_argument("--badges-only", action="store_true", help="skip the import figures")
    parser.add_argument("--parallel-only", action="store_true", help="A6 only (one process, then in parallel) and the baseline")
    args = parser.parse_args()
    if args.child:
        kind, folder, *rest = args.child
        if kind == "import":
            out = child_import(Path(folder), int(rest[0]))
        elif kind == "badges":
            out = child_badges(Path(folder), int(rest[0]), rest[1], int(rest[2]))
        elif kind == "static-html":
            out = {"path": str(make_static_html(Path(folder), int(rest[0])))}
        else:
            out = child_static(Path(rest[0]))
        print(json.dumps(out))
        return

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name in ("imp", "a6", "a6p", "a4", "static"):
            (tmp / name).mkdir()
        if not args.badges_only:
            imp = _run_child("import", str(tmp / "imp"), str(args.rows))
            print(f"import {imp['rows']} rows: check {imp['check_s']} s, check + write {imp['import_s']} s, "
                  f"re-import (all unchanged) {imp['reimport_s']} s, peak {imp['peak_mb']} MB")
        runs = [("a6", "a6", 1), ("a6p", "a6", args.processes), ("a4", "a4", args.processes)]
        if args.parallel_only:
            runs = [("a6", "a6", 1), ("a6p", "a6", args.processes)]
        for folder, layout, processes in runs:
            r = _run_child("badges", str(tmp / folder), str(args.badges), layout, str(processes))
            print(f"{r['badges']} badges {layout.upper()} (app, {processes} process(es)): {r['seconds']} s, "
                  f"peak {r['peak_mb']} MB (all processes; main alone {r['parent_mb']} MB), "
                  f"{r['pdf_mb']} MB PDF; CPU: main {r['cpu_main_s']} s, children {r['cpu_children_s']} s, "
                  f"idle-machine estimate {r['idle_estimate_s'][0]}-{r['idle_estimate_s'][1]} s")
        if args.badges <= 2000:
            path = _run_child("static-html", str(tmp / "static"), str(args.badges))["path"]
            static = _run_child("static", str(tmp / "static"), path)
            print(f"{args.badges} badges A6 plain WeasyPrint, same HTML as one static file: {static['seconds']} s, "
                  f"peak {static['peak_mb']} MB, {static['pdf_mb']} MB PDF; CPU {static['cpu_s']} s")


if __name__ == "__main__":
    main()

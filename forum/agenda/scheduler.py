"""The forum adapter of the demo scheduler: instance from the database, result back as draft sessions.

Demos are the demo requests organisers selected; times and rooms are the demo slots they opened; a
presenter's windows restrict a demo's times; a pinned live-demo session is passed as pinned; what
attendees want comes from `attendee_interests()` alone.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..attendees.models import Attendee, AttendeeStatus
from ..audit.services import record
from ..db import HK
from ..exhibitors.models import Application, ApplicationStatus, Solution
from ..extensions import db
from ..permissions import ensure
from .conflicts import within_windows
from .models import AgendaSession, DemoSlot, SchedulerRun, SessionKind, SessionStatus


def attendee_interests(forum) -> dict[int, set[str]]:
    """Attendee id -> keys of the themes (rows of the shared theme list) chosen at registration."""
    from ..attendees.models import AttendeeTheme
    from ..exhibitors.models import Theme

    rows = db.session.execute(
        sa.select(Attendee.id, Theme.key).join(AttendeeTheme, AttendeeTheme.attendee_id == Attendee.id)
        .join(Theme, Theme.id == AttendeeTheme.theme_id)
        .where(Attendee.forum_id == forum.id, Attendee.status == AttendeeStatus.registered))
    interests: dict[int, set[str]] = {}
    for attendee_id, key in rows:
        interests.setdefault(attendee_id, set()).add(key)
    return interests


def selected_demos(forum) -> list[Application]:
    return list(db.session.scalars(
        sa.select(Application).where(Application.forum_id == forum.id, Application.demo_selected.is_(True),
                                     Application.status == ApplicationStatus.approved)
        .options(selectinload(Application.company),
                 selectinload(Application.demo_solution).selectinload(Solution.themes))
        .order_by(Application.id)))


def demo_sessions(forum) -> dict[int, AgendaSession]:
    """Application id -> its live-demo session that is not cancelled."""
    rows = db.session.scalars(sa.select(AgendaSession).where(
        AgendaSession.forum_id == forum.id, AgendaSession.kind == SessionKind.live_demo,
        AgendaSession.status != SessionStatus.cancelled, AgendaSession.application_id.is_not(None)))
    return {s.application_id: s for s in rows}


def _iso(moment: datetime) -> str:
    return moment.astimezone(HK).isoformat()


def build_instance(forum) -> tuple[dict, dict]:
    """The instance (SCHEDULING.md) and a map from its ids back to rows."""
    slots = list(db.session.scalars(sa.select(DemoSlot).where(DemoSlot.forum_id == forum.id)
                                    .options(selectinload(DemoSlot.room))
                                    .order_by(DemoSlot.starts_at, DemoSlot.room_id)))
    times: dict[tuple, str] = {}
    for slot in slots:
        times.setdefault((slot.starts_at, slot.ends_at), f"t{len(times) + 1}")
    rooms = {}
    for slot in slots:
        rooms.setdefault(slot.room_id, slot.room)
    open_at = {(slot.room_id, times[(slot.starts_at, slot.ends_at)]) for slot in slots}
    room_list = [{"id": f"room{rid}", "capacity": room.capacity,
                  "unavailable": [t for t in times.values() if (rid, t) not in open_at]}
                 for rid, room in rooms.items()]
    for item in room_list:
        if item["capacity"] is None:
            del item["capacity"]
    applications = selected_demos(forum)
    existing = demo_sessions(forum)
    interests = attendee_interests(forum)
    themes_of = {a.id: {t.key for t in (a.demo_solution.themes if a.demo_solution else [])} for a in applications}
    demos = []
    for app in applications:
        minutes = app.demo_minutes or 0
        available = [tid for (start, end), tid in times.items()
                     if (end - start).total_seconds() >= minutes * 60 and within_windows(start, end, app.demo_windows)]
        # The company's team presents; two companies' presenters are never the same person.
        presenters = [f"company{app.company_id}"]
        demo = {"id": f"app{app.id}", "presenters": presenters, "available": available,
                "expected_audience": sum(1 for keys in interests.values() if keys & themes_of[app.id])}
        if themes_of[app.id]:
            demo["theme"] = sorted(themes_of[app.id])[0]
        session = existing.get(app.id)
        if session is not None and session.pinned:
            tid = times.get((session.starts_at, session.ends_at))
            demo["pinned"] = {"room": f"room{session.room_id}", "time": tid or "none"}
        demos.append(demo)
    attendees = []
    for attendee_id, keys in interests.items():
        wants = [f"app{a.id}" for a in applications if keys & themes_of[a.id]]
        if len(wants) > 1:
            attendees.append({"id": f"a{attendee_id}", "wants": wants})
    instance = {"times": [{"id": tid, "starts_at": _iso(s), "ends_at": _iso(e)} for (s, e), tid in times.items()],
                "rooms": room_list, "demos": demos, "attendees": attendees}
    names = {"times": {tid: [_iso(s), _iso(e)] for (s, e), tid in times.items()},
             "rooms": {f"room{rid}": room.display_name for rid, room in rooms.items()},
             "demos": {f"app{a.id}": _demo_title(a) for a in applications}}
    return instance, names


def _demo_title(app: Application) -> str:
    if app.demo_solution is not None:
        return app.demo_solution.title_en or app.demo_solution.title_zh
    return app.company.name_en or app.company.name_zh


def run_scheduler(actor, forum, time_limit: float = 20.0) -> SchedulerRun:
    """Solve the forum's demo programme and write the schedule as draft live-demo sessions."""
    ensure(actor, "agenda.schedule", forum)
    instance, names = build_instance(forum)
    if not instance["times"] or not instance["rooms"]:
        result = {"status": "invalid", "assignments": [], "missed": None, "bound": None, "seconds": 0,
                  "conflicts": [], "reasons": [_("No demo slots are open yet: open rooms and times for demos first.")]}
    elif not instance["demos"]:
        result = {"status": "invalid", "assignments": [], "missed": None, "bound": None, "seconds": 0,
                  "conflicts": [], "reasons": [_("No demo request has been selected in the review yet.")]}
    else:
        from .scheduling.solve import solve  # OR-Tools loads pandas: a second at every start, so only here

        result = solve(instance, time_limit=time_limit)
    result["names"] = names
    run = SchedulerRun(forum_id=forum.id, status=result["status"], missed=result["missed"], bound=result["bound"],
                       seconds=result["seconds"], result=result, run_by_id=getattr(actor, "id", None))
    db.session.add(run)
    if result["status"] in ("optimal", "feasible"):
        _write_back(forum, result, names)
    db.session.flush()
    record(actor, "agenda.schedule", run, forum_id=forum.id,
           changes={"status": [None, run.status], "missed": [None, run.missed]})
    return run


def _write_back(forum, result: dict, names: dict) -> None:
    existing = demo_sessions(forum)
    applications = {a.id: a for a in selected_demos(forum)}
    for item in result["assignments"]:
        app = applications[int(item["demo"][3:])]
        start, end = (datetime.fromisoformat(v) for v in names["times"][item["time"]])
        room_id = int(item["room"][4:])
        session = existing.get(app.id)
        if session is None:
            solution = app.demo_solution
            session = AgendaSession(
                forum_id=forum.id, kind=SessionKind.live_demo, status=SessionStatus.draft,
                title_en=(solution.title_en if solution else "") or app.company.name_en,
                title_zh=(solution.title_zh if solution else "") or app.company.name_zh,
                application_id=app.id, solution_id=app.demo_solution_id)
            db.session.add(session)
        elif session.pinned:
            continue  # a pinned demo never moves
        else:
            session.version += 1
        session.starts_at, session.ends_at, session.room_id = start, end, room_id


def describe_conflicts(run: SchedulerRun, limit: int | None = None) -> list[str]:
    """"14 attendees want both X and Y at 10:30", largest first."""
    names = run.result.get("names", {})
    out = []
    for c in run.result.get("conflicts", [])[:limit]:
        at = datetime.fromisoformat(names["times"][c["time"]][0]).strftime("%H:%M")
        a, b = (names["demos"].get(d, d) for d in c["demos"])
        out.append(_("%(n)d attendees want both %(a)s and %(b)s at %(at)s.", n=c["attendees"], a=a, b=b, at=at)
                   if c["attendees"] != 1 else _("1 attendee wants both %(a)s and %(b)s at %(at)s.", a=a, b=b, at=at))
    return out


def latest_run(forum) -> SchedulerRun | None:
    return db.session.scalar(sa.select(SchedulerRun).where(SchedulerRun.forum_id == forum.id)
                             .order_by(SchedulerRun.id.desc()).limit(1))


def describe_reasons(run: SchedulerRun) -> list[str]:
    """The solver's reasons with the instance's ids replaced by the demos' and rooms' names."""
    names = run.result.get("names", {})
    lookup = {**names.get("demos", {}), **names.get("rooms", {}),
              **{t: datetime.fromisoformat(v[0]).strftime("%H:%M") for t, v in names.get("times", {}).items()}}
    out = []
    for reason in run.result.get("reasons", []):
        for key in sorted(lookup, key=len, reverse=True):
            reason = reason.replace(f"'{key}'", f"“{lookup[key]}”")
        out.append(reason)
    return out

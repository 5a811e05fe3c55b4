"""Lab staff's view of the whole: the audit trail of the lab, usage, statuses, turnaround, no-shows,
and the public register of approved projects."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..audit.models import AuditEvent
from ..audit.services import record
from ..db import HK, utcnow
from ..errors import ValidationError
from ..extensions import db
from ..permissions import ensure
from ..tabular import csv_bytes, xlsx_book_bytes, xlsx_bytes
from .lab import SESSIONS, get_lab
from .models import Booking, LabApplication, LabApplicationStatus
from .review import turnaround

LAB_OBJECTS = ("LabApplication", "Lab", "LabDay", "Workstation", "LabStaff", "CommitteeMember", "MemberProfile")


def audit_events(actor, *, action: str = "", application_id: int | None = None, limit: int = 500) -> list[AuditEvent]:
    ensure(actor, "datalab.staff", get_lab())
    stmt = (sa.select(AuditEvent).where(AuditEvent.action.like("datalab.%"))
            .options(selectinload(AuditEvent.actor)).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit))
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if application_id:
        stmt = stmt.where(AuditEvent.object_type == "LabApplication", AuditEvent.object_id == application_id)
    return db.session.scalars(stmt).all()


AUDIT_HEADER = ["when (HK)", "who", "what", "application", "details"]


def audit_rows(events: list[AuditEvent], sentence) -> list[list]:
    """The audit trail as rows for the shared writer (forum/tabular.py guards the cells)."""
    rows = [AUDIT_HEADER]
    for e in events:
        rows.append([e.at.astimezone(HK).strftime("%Y-%m-%d %H:%M:%S"),
                     e.actor.display_name if e.actor else "system", sentence(e),
                     e.object_id if e.object_type == "LabApplication" else "",
                     "; ".join(f"{k}={v}" for k, v in (e.changes or {}).items())])
    return rows


def audit_csv(events: list[AuditEvent], sentence) -> bytes:
    return csv_bytes(audit_rows(events, sentence))


def audit_xlsx(events: list[AuditEvent], sentence) -> bytes:
    return xlsx_bytes(audit_rows(events, sentence), "audit")


def usage_by_month() -> list[dict]:
    """Session-days, seats (person-sessions) and hours booked and used, per month."""
    rows = db.session.scalars(sa.select(Booking).where(
        sa.or_(Booking.released_at.is_(None), Booking.release_reason == "no_show"))).all()
    months = defaultdict(lambda: {"days": set(), "seats": 0, "used": 0, "no_shows": 0, "hours": 0.0})
    for b in rows:
        m = months[b.day.strftime("%Y-%m")]
        m["days"].add((b.application_id, b.day))
        m["seats"] += 1
        if b.release_reason == "no_show":
            m["no_shows"] += 1
        elif b.entered_at:
            m["used"] += 1
            start, end = SESSIONS[b.session]
            m["hours"] += (end.hour * 60 + end.minute - start.hour * 60 - start.minute) / 60
    return [{"month": k, "session_days": len(v["days"]), "seats": v["seats"], "used": v["used"],
             "no_shows": v["no_shows"], "hours": v["hours"]} for k, v in sorted(months.items())]


def by_status() -> dict[str, int]:
    return dict(Counter(s.value for s in db.session.scalars(sa.select(LabApplication.status))))


def no_show_rate() -> tuple[int, int]:
    """(no-shows, sessions that have started and were not cancelled)."""
    no_shows = db.session.scalar(sa.select(sa.func.count()).select_from(Booking).where(
        Booking.release_reason == "no_show"))
    attended = db.session.scalar(sa.select(sa.func.count()).select_from(Booking).where(
        Booking.entered_at.is_not(None)))
    return no_shows, no_shows + attended


# The applying company or organisation, loaded with the applications.
_OWNER = (selectinload(LabApplication.company), selectinload(LabApplication.organisation))


def organisations() -> list[tuple[str, int]]:
    rows = db.session.scalars(sa.select(LabApplication).options(*_OWNER)
                              .where(LabApplication.status == LabApplicationStatus.approved)).all()
    return sorted(Counter(a.owner.display_name for a in rows).items())


def summary(actor) -> dict:
    ensure(actor, "datalab.staff", get_lab())
    return {"usage": usage_by_month(), "by_status": by_status(), "turnaround": turnaround(),
            "no_shows": no_show_rate(), "organisations": organisations()}


def set_published(actor, application: LabApplication, published: bool, *, now: datetime | None = None) -> None:
    ensure(actor, "datalab.staff", get_lab())
    if published and application.status != LabApplicationStatus.approved:
        raise ValidationError(_not_approved())
    application.published_at = (now or utcnow()) if published else None
    db.session.flush()
    record(actor, "datalab.published" if published else "datalab.unpublished", application)


def _not_approved():
    from flask_babel import lazy_gettext as _l

    return _l("Only approved projects go on the public register.")


def public_register() -> list[LabApplication]:
    return db.session.scalars(sa.select(LabApplication).options(*_OWNER)
                              .where(LabApplication.published_at.is_not(None))
                              .order_by(LabApplication.published_at.desc())).all()


def report_tables(data: dict) -> list[tuple[str, list[str], list[list]]]:
    """The report as named tables (for the CSV and XLSX exports)."""
    usage = [[m["month"], m["session_days"], m["seats"], m["used"], m["hours"], m["no_shows"]] for m in data["usage"]]
    statuses = [[status, n] for status, n in sorted(data["by_status"].items())]
    turnaround_rows = [[t["committee"].name_en, t["decided"], t["average"], t["worst"], t["within_target"],
                        t["waiting"]] for t in data["turnaround"]]
    no_shows, due = data["no_shows"]
    return [
        ("usage", ["month", "session_days", "seats_booked", "seats_used", "hours_used", "no_shows"], usage),
        ("applications", ["status", "count"], statuses),
        ("turnaround", ["committee", "decided", "average_working_days", "longest", "within_14_working_days",
                        "waiting"], turnaround_rows),
        ("no_shows", ["no_shows", "sessions_due", "rate"], [[no_shows, due, round(no_shows / due, 3) if due else 0]]),
        ("organisations", ["organisation", "approved_applications"], [list(row) for row in data["organisations"]]),
    ]


def report_csv(data: dict) -> bytes:
    """Every table one after the other, each under a "# name" line."""
    rows: list[list] = []
    for name, header, table in report_tables(data):
        rows += [[f"# {name}"], header, *[list(row) for row in table], []]
    return csv_bytes(rows)


def report_xlsx(data: dict) -> bytes:
    return xlsx_book_bytes([(name, [header, *table]) for name, header, table in report_tables(data)])

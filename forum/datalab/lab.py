"""The lab itself: its settings, workstations, sessions, closed days, staff and committees."""
from __future__ import annotations

import csv
from datetime import date, datetime, time, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..db import HK
from ..errors import ValidationError
from ..extensions import db
from ..permissions import ensure
from ..tabular import Vocabulary
from ..text import clean
from .models import Committee, CommitteeMember, Lab, LabDay, LabStaff, Workstation

HOLIDAYS_CSV = Path(__file__).resolve().parent / "data" / "hk_public_holidays.csv"
# Session key -> (start, end), Hong Kong time.
SESSIONS = {"am": (time(9, 30), time(12, 30)), "pm": (time(14, 0), time(17, 0))}
SESSION_LABELS = {"am": _l("Morning 09:30-12:30"), "pm": _l("Afternoon 14:00-17:00")}
COMMITTEES = (("ethics", "HKSTP Clinical Research Ethics Committee", "香港科技園臨床研究倫理委員會"),
              ("governance", "Data Governance Committee", "數據管治委員會"))


def get_lab() -> Lab:
    """The one lab, with its committees and the shipped holidays the first time it is needed."""
    lab = db.session.scalar(sa.select(Lab).order_by(Lab.id).limit(1))
    if lab is not None:
        return lab
    lab = Lab(name_en="HKSP-HA Data Lab", name_zh="香港科學園-醫管局數據實驗室",
              location_en="AI Plug, 2/F, Building 19W, Hong Kong Science Park",
              location_zh="香港科學園19W大樓2樓 AI Plug")
    db.session.add(lab)
    for position, (key, en, zh) in enumerate(COMMITTEES):
        if db.session.scalar(sa.select(Committee).where(Committee.key == key)) is None:
            db.session.add(Committee(key=key, name_en=en, name_zh=zh, position=position))
    db.session.flush()
    load_holidays(HOLIDAYS_CSV.read_text(encoding="utf-8"))
    return lab


def committees() -> list[Committee]:
    get_lab()
    return db.session.scalars(sa.select(Committee).order_by(Committee.position)).all()


def session_start(day: date, session: str) -> datetime:
    return datetime.combine(day, SESSIONS[session][0], tzinfo=HK)


def session_end(day: date, session: str) -> datetime:
    return datetime.combine(day, SESSIONS[session][1], tzinfo=HK)


def closed_days(start: date, end: date) -> dict[date, LabDay]:
    rows = db.session.scalars(sa.select(LabDay).where(LabDay.day.between(start, end)))
    return {row.day: row for row in rows}


def is_open_day(day: date, closed: dict[date, LabDay] | None = None) -> bool:
    if day.weekday() >= 5:
        return False
    closed = closed_days(day, day) if closed is None else closed
    return day not in closed


def open_days(start: date, end: date) -> list[date]:
    closed = closed_days(start, end)
    out, day = [], start
    while day <= end:
        if is_open_day(day, closed):
            out.append(day)
        day += timedelta(days=1)
    return out


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (for turnaround against 14)."""
    if end <= start:
        return 0
    return len(open_days(start + timedelta(days=1), end))


HOLIDAY_COLUMNS = Vocabulary({"date": ["date", "day", "日期"],
                              "name_en": ["name_en", "name", "name in english", "english name", "英文名稱", "英文名",
                                          "名稱(英文)"],
                              "name_zh": ["name_zh", "name in chinese", "chinese name", "中文名稱", "中文名", "名稱(中文)"]})


def load_holidays(text: str, actor=None) -> int:
    """Add or update public holidays from CSV (date,name_en,name_zh). Returns how many rows changed."""
    if actor is not None:
        ensure(actor, "datalab.staff", get_lab())
    changed = 0
    lines = list(csv.reader(text.splitlines()))
    # Headers as people write them (日期, 英文名稱, full-width punctuation), read by the shared vocabulary.
    fields = [HOLIDAY_COLUMNS.field_of(h) for h in (lines[0] if lines else [])]
    for n, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        row = {name: cell for name, cell in zip(fields, cells) if name}
        try:
            day = date.fromisoformat((row.get("date") or "").strip())
        except ValueError:
            raise ValidationError(_l("Line %(n)d: the date must be YYYY-MM-DD.", n=n), field="file")
        existing = db.session.scalar(sa.select(LabDay).where(LabDay.day == day))
        if existing is None:
            existing = LabDay(day=day, kind="holiday")
            db.session.add(existing)
        existing.name_en, existing.name_zh = clean(row.get("name_en")), clean(row.get("name_zh"))
        changed += 1
    db.session.flush()
    if actor is not None and changed:
        record(actor, "datalab.holidays_loaded", None, object_type="Lab", changes={"days": changed})
    return changed


def set_blackout(actor, day: date, reason: str) -> LabDay:
    lab = get_lab()
    ensure(actor, "datalab.staff", lab)
    existing = db.session.scalar(sa.select(LabDay).where(LabDay.day == day))
    if existing is not None:
        raise ValidationError(_l("The lab is already closed that day."), field="day")
    row = LabDay(day=day, kind="blackout", name_en=clean(reason)[:120], name_zh=clean(reason)[:120])
    db.session.add(row)
    db.session.flush()
    record(actor, "datalab.blackout", row, changes={"day": day, "reason": row.name_en})
    return row


def workstations(active_only: bool = True) -> list[Workstation]:
    lab = get_lab()
    stmt = sa.select(Workstation).where(Workstation.lab_id == lab.id)
    if active_only:
        stmt = stmt.where(Workstation.active.is_(True))
    return db.session.scalars(stmt.order_by(Workstation.code)).all()


def add_workstation(actor, code: str) -> Workstation:
    lab = get_lab()
    ensure(actor, "datalab.staff", lab)
    code = clean(code).upper()[:20]
    if not code:
        raise ValidationError(_l("Give the workstation a code."), field="code")
    if db.session.scalar(sa.select(Workstation).where(Workstation.lab_id == lab.id, Workstation.code == code)):
        raise ValidationError(_l("There is already a workstation with that code."), field="code")
    station = Workstation(lab_id=lab.id, code=code)
    db.session.add(station)
    db.session.flush()
    record(actor, "datalab.workstation_added", station, changes={"code": code})
    return station


def add_staff(actor, user) -> LabStaff:
    lab = get_lab()
    ensure(actor, "datalab.staff", lab)
    row = db.session.scalar(sa.select(LabStaff).where(LabStaff.user_id == user.id))
    if row is None:
        row = LabStaff(lab_id=lab.id, user_id=user.id)
        db.session.add(row)
        db.session.flush()
        record(actor, "datalab.staff_added", row, changes={"user": user.display_name})
    return row


def add_committee_member(actor, committee: Committee, user, *, chair: bool = False) -> CommitteeMember:
    ensure(actor, "datalab.staff", get_lab())
    row = db.session.scalar(sa.select(CommitteeMember).where(CommitteeMember.committee_id == committee.id,
                                                             CommitteeMember.user_id == user.id))
    if row is None:
        row = CommitteeMember(committee_id=committee.id, user_id=user.id)
        db.session.add(row)
    row.is_chair = chair
    db.session.flush()
    # The chair presides and is named as such; deciding stays with any member without a conflict (review.py).
    record(actor, "datalab.committee_chair" if chair else "datalab.committee_member", row,
           changes={"committee": committee.name_en, "user": user.display_name, "chair": chair})
    return row


SETTINGS = ("pass_days", "window_days", "noshow_minutes", "cancel_hours", "hold_minutes", "disclosure_threshold")
LIMITS = {"pass_days": (1, 30), "window_days": (7, 366), "noshow_minutes": (5, 180), "cancel_hours": (0, 168),
          "hold_minutes": (10, 1440), "disclosure_threshold": (2, 100)}


def update_settings(actor, values: dict) -> Lab:
    """The lab's rules: quota, window, no-show and cancellation times, hold time, disclosure threshold.
    New values apply to passes approved from now on (the quota and window) and to every later action."""
    lab = get_lab()
    ensure(actor, "datalab.staff", lab)
    changed = {}
    for name in SETTINGS:
        value = values.get(name)
        low, high = LIMITS[name]
        if not isinstance(value, int) or not low <= value <= high:
            raise ValidationError(_l("Between %(low)d and %(high)d.", low=low, high=high), field=name)
        if getattr(lab, name) != value:
            changed[name] = [getattr(lab, name), value]
            setattr(lab, name, value)
    db.session.flush()
    if changed:
        record(actor, "datalab.settings", lab, changes=changed)
    return lab

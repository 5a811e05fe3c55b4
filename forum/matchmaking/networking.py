"""The networking hour: organisers open it and run the scheduler; people say whom they want to meet.

The scheduler itself is `networking_solver` (pure); this module reads the wishes, writes the
meetings, and keeps organisers' locks. A table in a slot holds one meeting: the unique
(hour, slot, table) index decides between two organisers locking the same table-slot at once.
"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..accounts.models import User
from ..attendees.models import Attendee
from ..audit.services import record
from ..db import utcnow
from ..errors import Conflict, NotFound, PermissionDenied, ValidationError
from ..exhibitors.models import Application, ApplicationStatus
from ..extensions import db
from ..permissions import ensure
from . import networking_solver as solver
from .bookmarks import _insert
from .models import NetworkingBusy, NetworkingHour, NetworkingMeeting, NetworkingWish, Priority

UNMET_LABELS = {"cap_reached": _l("cap reached: one of you has as many meetings as allowed"),
                "no_common_slot": _l("no common free slot"), "no_table": _l("no table left in a common free slot")}


def open_hour(actor, forum, *, starts_at, slot_minutes=10, slots=6, tables=10, cap=4, title="") -> NetworkingHour:
    ensure(actor, "networking.manage")
    if starts_at is None or starts_at.tzinfo is None:
        raise ValidationError(_l("Give the start time."), field="starts_at")
    for name, value, low, high in (("slot_minutes", slot_minutes, 5, 60), ("slots", slots, 1, 24),
                                   ("tables", tables, 1, 200), ("cap", cap, 1, 24)):
        if not isinstance(value, int) or not low <= value <= high:
            raise ValidationError(_l("Between %(low)d and %(high)d.", low=low, high=high), field=name)
    hour = NetworkingHour(forum_id=forum.id, title=title[:160], starts_at=starts_at, slot_minutes=slot_minutes,
                          slots=slots, tables=tables, cap_per_person=cap)
    db.session.add(hour)
    db.session.flush()
    record(actor, "networking.open", hour, forum_id=forum.id, changes={"slots": slots, "tables": tables})
    return hour


def get_hour(forum, hour_id) -> NetworkingHour:
    hour = db.session.get(NetworkingHour, hour_id) if isinstance(hour_id, int) else None
    if hour is None or hour.forum_id != forum.id:
        raise NotFound()
    return hour


def hours_of(forum) -> list[NetworkingHour]:
    return db.session.scalars(sa.select(NetworkingHour).where(NetworkingHour.forum_id == forum.id)
                              .order_by(NetworkingHour.starts_at)).all()


def slot_time(hour: NetworkingHour, slot: int):
    start = hour.starts_at + timedelta(minutes=hour.slot_minutes * slot)
    return start, start + timedelta(minutes=hour.slot_minutes)


def participant_ids(hour: NetworkingHour) -> set[int]:
    """HA attendees of the forum with an account, and the staff of its approved exhibitors."""
    ha = sa.select(Attendee.user_id).where(Attendee.forum_id == hour.forum_id, Attendee.user_id.is_not(None))
    companies = sa.select(Application.company_id).where(Application.forum_id == hour.forum_id,
                                                        Application.status == ApplicationStatus.approved)
    return set(db.session.scalars(sa.select(User.id).where(User.active.is_(True), sa.or_(
        sa.and_(User.role == "ha_staff", User.id.in_(ha)),
        sa.and_(User.role == "exhibitor", User.company_id.in_(companies))))))


def set_wish(actor, hour: NetworkingHour, other_id: int, priority: str) -> None:
    """Say how much you want to meet someone (once per pair and direction; saying it again updates it)."""
    ensure(actor, "networking.join")
    try:
        priority = Priority(priority)
    except ValueError:
        raise ValidationError(_l("Choose must meet, would like to or no thanks."), field="priority") from None
    if other_id == actor.id:
        raise ValidationError(_l("You cannot meet only yourself."), field="other_id")
    allowed = participant_ids(hour)
    if actor.id not in allowed:
        raise PermissionDenied(_l("You are not taking part in this forum."))
    if other_id not in allowed:
        raise ValidationError(_l("That person is not taking part in this forum."), field="other_id")
    stmt = _insert(NetworkingWish.__table__).values(hour_id=hour.id, user_id=actor.id, other_id=other_id,
                                                    priority=priority.value)
    db.session.execute(stmt.on_conflict_do_update(index_elements=["hour_id", "user_id", "other_id"],
                                                  set_={"priority": priority.value}))


def set_busy(actor, hour: NetworkingHour, slots: list[int]) -> None:
    ensure(actor, "networking.join")
    if any(not isinstance(s, int) or not 0 <= s < hour.slots for s in slots):
        raise ValidationError(_l("No such slot."), field="busy")
    db.session.execute(sa.delete(NetworkingBusy).where(NetworkingBusy.hour_id == hour.id,
                                                       NetworkingBusy.user_id == actor.id))
    db.session.add_all([NetworkingBusy(hour_id=hour.id, user_id=actor.id, slot=s) for s in set(slots)])
    db.session.flush()


def problem_of(hour: NetworkingHour) -> solver.Problem:
    wishes = {(w.user_id, w.other_id): w.priority.value for w in db.session.scalars(
        sa.select(NetworkingWish).where(NetworkingWish.hour_id == hour.id))}
    busy = set(db.session.execute(sa.select(NetworkingBusy.user_id, NetworkingBusy.slot).where(
        NetworkingBusy.hour_id == hour.id)).tuples())
    locked = [solver.Placed(m.first_id, m.second_id, m.slot, m.table, True) for m in db.session.scalars(
        sa.select(NetworkingMeeting).where(NetworkingMeeting.hour_id == hour.id, NetworkingMeeting.locked.is_(True)))]
    people = sorted({p for pair in wishes for p in pair})
    return solver.Problem(people=people, slots=hour.slots, tables=hour.tables, cap=hour.cap_per_person,
                          wishes=wishes, busy=busy, locked=locked)


def run(actor, hour: NetworkingHour, *, seconds: float = 10.0) -> dict:
    """Schedule the hour again: locked meetings stay, the rest is replaced by the solver's answer."""
    ensure(actor, "networking.manage")
    try:
        result = solver.solve(problem_of(hour), seconds=seconds, workers=8)
    except ValueError as error:
        raise Conflict(_l("The locked meetings cannot all be kept: %(why)s", why=str(error))) from None
    db.session.execute(sa.delete(NetworkingMeeting).where(NetworkingMeeting.hour_id == hour.id,
                                                          NetworkingMeeting.locked.is_(False)))
    db.session.add_all([NetworkingMeeting(hour_id=hour.id, slot=m.slot, table=m.table, first_id=m.a, second_id=m.b)
                        for m in result.meetings if not m.locked])
    summary = {"status": result.status, "objective": result.objective, "bound": result.bound,
               "gap": round(result.gap, 4), "seconds": round(result.seconds, 2), "meetings": len(result.meetings),
               "unmet": [[a, b, why] for (a, b), why in sorted(result.unmet.items())], "at": utcnow().isoformat()}
    hour.last_run = summary
    db.session.flush()
    record(actor, "networking.run", hour, forum_id=hour.forum_id,
           changes={k: summary[k] for k in ("status", "objective", "bound", "meetings")})
    return summary


def lock(actor, hour: NetworkingHour, *, first_id: int, second_id: int, slot: int, table: int) -> NetworkingMeeting:
    """Pin a pair to a table-slot before re-running; an unlocked meeting there gives way, a locked one wins."""
    ensure(actor, "networking.manage")
    a, b = sorted((first_id, second_id))
    if a == b or not (0 <= slot < hour.slots and 1 <= table <= hour.tables):
        raise ValidationError(_l("No such table or slot."), field="table")
    db.session.execute(sa.delete(NetworkingMeeting).where(
        NetworkingMeeting.hour_id == hour.id, NetworkingMeeting.locked.is_(False), sa.or_(
            sa.and_(NetworkingMeeting.slot == slot, NetworkingMeeting.table == table),
            sa.and_(NetworkingMeeting.first_id == a, NetworkingMeeting.second_id == b))))
    try:
        with db.session.begin_nested():
            meeting = NetworkingMeeting(hour_id=hour.id, slot=slot, table=table, first_id=a, second_id=b, locked=True)
            db.session.add(meeting)
            db.session.flush()
    except sa.exc.IntegrityError:
        raise Conflict(_l("Another meeting is already locked at that table in that slot.")) from None
    record(actor, "networking.lock", meeting, forum_id=hour.forum_id, changes={"slot": slot, "table": table})
    return meeting


def timetable(user, hour: NetworkingHour) -> dict:
    """A person's meetings by slot, and their unmet requests with the reason."""
    rows = db.session.scalars(sa.select(NetworkingMeeting).where(
        NetworkingMeeting.hour_id == hour.id,
        sa.or_(NetworkingMeeting.first_id == user.id, NetworkingMeeting.second_id == user.id))
        .order_by(NetworkingMeeting.slot)).all()
    others = {m.second_id if m.first_id == user.id else m.first_id for m in rows}
    asked = set(db.session.scalars(sa.select(NetworkingWish.other_id).where(
        NetworkingWish.hour_id == hour.id, NetworkingWish.user_id == user.id, NetworkingWish.priority != Priority.no)))
    unmet = [(b if a == user.id else a, why) for a, b, why in (hour.last_run or {}).get("unmet", [])
             if user.id in (a, b) and (b if a == user.id else a) in asked]
    names = {u.id: u for u in db.session.scalars(sa.select(User).where(
        User.id.in_(others | {o for o, _ in unmet})))}
    return {"meetings": [(m, names[m.second_id if m.first_id == user.id else m.first_id], *slot_time(hour, m.slot))
                         for m in rows],
            "unmet": [(names[o], why) for o, why in unmet if o in names]}


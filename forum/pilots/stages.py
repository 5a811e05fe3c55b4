"""The one state machine of pilots and of each pilot's sites, and the optimistic version lock.

Every stage change, from the board, the pilot page, the API or the demo, goes through move().
Every change of any kind first claims the pilot with claim(): a conditional
UPDATE ... WHERE version = <the version the editor read>. The database lets exactly one of
two concurrent editors through; the other gets "changed by X at HH:MM since you opened it".
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from ..audit.services import record
from ..db import HK, utcnow
from ..errors import Conflict, ValidationError
from ..extensions import db
from ..permissions import ensure
from .models import CLOSED_STAGES, DECISIONS, OPEN_STAGES, Pilot, PilotSite, Reason, Stage, Transition

S = Stage
TRANSITIONS: dict[Stage, tuple[Stage, ...]] = {
    S.proposed: (S.under_assessment, S.withdrawn),
    S.under_assessment: (S.approved, S.withdrawn),
    S.approved: (S.running, S.withdrawn),
    S.running: (S.evaluated, S.discontinued, S.withdrawn),
    S.evaluated: (S.adopted, S.extended, S.discontinued, S.withdrawn),
    # An extension ends in a decision after all.
    S.extended: (S.adopted, S.discontinued),
    S.adopted: (),
    S.discontinued: (),
    S.withdrawn: (),
}

STAGE_LABELS = {
    S.proposed: _l("Proposed"), S.under_assessment: _l("Under assessment"), S.approved: _l("Approved"),
    S.running: _l("Running"), S.evaluated: _l("Evaluated"), S.adopted: _l("Adopted"),
    S.extended: _l("Extended"), S.discontinued: _l("Discontinued"), S.withdrawn: _l("Withdrawn"),
}
REASON_LABELS = {
    Reason.no_budget: _l("No budget or procurement route"), Reason.not_priority: _l("Not a priority"),
    Reason.workflow_fit: _l("Does not fit the workflow"), Reason.evidence_gap: _l("Evidence gap"),
    Reason.champion_left: _l("Champion left"), Reason.vendor_issue: _l("Vendor issue"), Reason.other: _l("Other"),
}


def today() -> date:
    return datetime.now(HK).date()


def parse_stage(value) -> Stage:
    try:
        return Stage(value)
    except ValueError:
        raise ValidationError(_l("Unknown stage."), field="stage") from None


def parse_reason(value) -> Reason | None:
    if value in (None, ""):
        return None
    try:
        return Reason(value)
    except ValueError:
        raise ValidationError(_l("Choose a reason from the list."), field="reason") from None


def allowed_from(stage: Stage) -> tuple[Stage, ...]:
    return TRANSITIONS[stage]


def check(current: Stage, to: Stage, reason: Reason | None, reason_detail: str = "") -> None:
    """Refuse a move the machine does not allow, with the reason next to the field it concerns."""
    if to in (S.adopted, S.extended) and current in (S.proposed, S.under_assessment, S.approved, S.running):
        raise ValidationError(_l("A decision needs an evaluation first: move it to Evaluated."), field="stage")
    if to not in TRANSITIONS[current]:
        allowed = ", ".join(str(STAGE_LABELS[s]) for s in TRANSITIONS[current]) or str(_l("none (it is closed)"))
        raise ValidationError(_l("It cannot move from %(from)s to %(to)s. Allowed from here: %(allowed)s.",
                                 **{"from": STAGE_LABELS[current], "to": STAGE_LABELS[to], "allowed": allowed}),
                              field="stage")
    if to == S.discontinued and reason is None:
        raise ValidationError(_l("Say why it was discontinued."), field="reason")
    if reason == Reason.other and not (reason_detail or "").strip():
        raise ValidationError(_l("Describe the other reason."), field="reason_detail")


def _version(read_version) -> int:
    try:
        return int(read_version)
    except (TypeError, ValueError):
        raise ValidationError(_l("The version you read is missing."), field="version") from None


def expect_version(pilot: Pilot, read_version) -> None:
    """Refuse early, before judging the change against a state the editor never saw.

    Only a courtesy: claim() below is what the database guarantees.
    """
    if pilot.version != _version(read_version):
        raise stale(pilot.id)


def claim(actor, pilot: Pilot, read_version) -> None:
    """Take the pilot for this change, or refuse if it changed since the editor read it."""
    read_version = _version(read_version)
    now = utcnow()
    result = db.session.execute(
        sa.update(Pilot).where(Pilot.id == pilot.id, Pilot.version == read_version)
        .values(version=read_version + 1, updated_at=now, updated_by_id=getattr(actor, "id", None))
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise stale(pilot.id)
    set_committed_value(pilot, "version", read_version + 1)
    set_committed_value(pilot, "updated_at", now)
    set_committed_value(pilot, "updated_by_id", getattr(actor, "id", None))


def stale(pilot_id: int) -> Conflict:
    from ..accounts.models import User
    from ..i18n import hk_datetime

    row = db.session.execute(sa.select(Pilot.updated_at, User.name_en, User.name_zh, User.email)
                             .outerjoin(User, User.id == Pilot.updated_by_id).where(Pilot.id == pilot_id)).first()
    if row is None:
        return Conflict(_l("This pilot no longer exists."))
    who = row.name_en or row.name_zh or row.email or str(_l("someone"))
    return Conflict(_l("Changed by %(name)s at %(time)s since you opened it; nothing was saved. "
                       "Reload to see the changes.", name=who, time=hk_datetime(row.updated_at, "time")))


def _check_date(on: date, earlier: date | None, field_label) -> None:
    if earlier is not None and on < earlier:
        raise ValidationError(_l("The date is before %(what)s (%(date)s).", what=field_label, date=earlier.isoformat()),
                              field="on")


def _apply_dates(target, to: Stage, on: date) -> None:
    """Stamp the stage's date on a pilot or a site, refusing dates out of order."""
    is_site = isinstance(target, PilotSite)
    start = "started_on" if is_site else "actual_start"
    end = "evaluated_on" if is_site else "actual_end"
    if to == S.running:
        setattr(target, start, on)
    elif to == S.evaluated:
        _check_date(on, getattr(target, start), _l("the start"))
        setattr(target, end, on)
    elif to in DECISIONS and is_site:
        _check_date(on, target.evaluated_on or target.started_on, _l("the evaluation"))
        target.decided_on = on


def move(actor, pilot: Pilot, to, *, read_version, site_id=None, comment: str = "", reason=None,
         reason_detail: str = "", on: date | None = None) -> list[Transition]:
    """Move the pilot (or one of its sites) to another stage; return the transitions recorded.

    Moving the whole pilot moves along every open site that stood where the pilot stood, so
    sites stay together until one of them is moved on its own. When every site has ended,
    the pilot ends too: adopted if any site adopted, else extended, else discontinued.
    """
    ensure(actor, "pilot.edit", pilot)
    expect_version(pilot, read_version)
    to = parse_stage(to)
    reason = parse_reason(reason)
    on = on or today()
    comment = (comment or "").strip()
    site = None
    if site_id not in (None, ""):
        site = next((s for s in pilot.sites if str(s.site_id) == str(site_id)), None)
        if site is None:
            raise ValidationError(_l("This pilot does not run at that site."), field="site")
    current = site.stage if site else pilot.stage
    check(current, to, reason, reason_detail)
    claim(actor, pilot, read_version)

    moved: list[Transition] = []

    def step(target, frm, note=comment):
        _apply_dates(target, to, on)
        target.stage = to
        if to == S.discontinued:
            target.reason, target.reason_detail = reason, (reason_detail or "").strip()
        is_site = isinstance(target, PilotSite)
        moved.append(Transition(pilot_id=pilot.id, pilot_site_id=target.id if is_site else None,
                                actor_id=getattr(actor, "id", None), from_stage=frm, to_stage=to,
                                comment=note, reason=reason if to == S.discontinued else None))

    if site is not None:
        step(site, current)
        _settle(pilot, actor, moved)
    else:
        followers = [s for s in pilot.sites if s.stage == current]
        step(pilot, current)
        for s in followers:
            step(s, current)
        if to == S.withdrawn:  # withdrawing a pilot ends it everywhere it is still open
            for s in pilot.sites:
                if s.stage in OPEN_STAGES and s not in followers:
                    step(s, s.stage)
    db.session.add_all(moved)
    for t in moved:
        ps = next((s for s in pilot.sites if s.id == t.pilot_site_id), None)
        record(actor, "pilot.stage", pilot, object_type="Pilot",
               changes={"stage": [t.from_stage, t.to_stage], "site": ps.site.name_en if ps else None,
                        "site_zh": ps.site.name_zh if ps else None, "comment": t.comment,
                        "reason": t.reason, "settled": site is not None and ps is None})
    db.session.flush()
    return moved


def _settle(pilot: Pilot, actor, moved: list) -> None:
    """Once every site has ended, the pilot's own stage says how it ended overall."""
    if not pilot.sites or any(s.stage not in CLOSED_STAGES for s in pilot.sites):
        return
    stages = {s.stage for s in pilot.sites}
    overall = next((s for s in (S.adopted, S.extended, S.discontinued, S.withdrawn) if s in stages))
    if pilot.stage == overall:
        return
    frm = pilot.stage
    pilot.stage = overall
    if overall == S.discontinued:
        first = next(s for s in pilot.sites if s.stage == S.discontinued)
        pilot.reason, pilot.reason_detail = first.reason, first.reason_detail
    moved.append(Transition(pilot_id=pilot.id, pilot_site_id=None, actor_id=getattr(actor, "id", None),
                            from_stage=frm, to_stage=overall, comment=""))

"""Check-in points of kinds other than a forum door: the point, its scanner page and its API are the
check-in's; how a scan there is judged belongs to the feature that registered the kind.

The data lab registers PointKind.data_lab in its init_app (forum/datalab/__init__.py), so this package
never imports the lab: the lab's pass rules stay in forum/datalab, the scanner stays here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from flask_babel import lazy_gettext as _l

from ..errors import NotFound, ValidationError
from ..permissions import ROLE_GRANTS, can, ensure
from .models import CheckInPoint, PointKind
from .services import parse_scan


@dataclass(frozen=True)
class PointRules:
    """How scans at a point of one kind are judged.

    permission: the action that lets someone scan there and set the point up (checked on the point).
    judge(actor, point, scan) -> answer: judges and records one scan (a checkin.services.Scan, whose
    `direction` is "in" or "out") and answers in the scanner's shape; it flushes, never commits.
    code_pattern: the form of a code, checked by the scanner before it queues a scan offline.
    words: the scanner's words for this kind's results and hints (lazy strings).
    """

    permission: str
    judge: Callable
    code_pattern: str
    words: dict = field(default_factory=dict)
    scans_out: bool = True


_RULES: dict[PointKind, PointRules] = {}


def register(kind: PointKind, rules: PointRules) -> None:
    """Called once per app by the feature that owns the kind; whoever may act by `rules.permission`
    may then reach the point's scanner (checkin.point, checked again on the point)."""
    if kind == PointKind.forum_door:
        raise ValueError("a forum door is judged by check_in()")
    _RULES[kind] = rules
    ROLE_GRANTS["checkin.point"] |= ROLE_GRANTS[rules.permission]


def rules_for(point: CheckInPoint) -> PointRules:
    rules = _RULES.get(point.kind)
    if rules is None or point.forum_id is not None:
        raise NotFound()
    return rules


def may_use(user, point) -> bool:
    """The rule of "checkin.point": the registered kind's own permission, on the point."""
    rules = _RULES.get(getattr(point, "kind", None))
    return rules is not None and can(user, rules.permission, point)


def judge(actor, point: CheckInPoint, scan) -> dict:
    """One scan at a point of a registered kind."""
    rules = rules_for(point)
    ensure(actor, "checkin.point", point)
    if scan.direction == "out" and not rules.scans_out:
        raise ValidationError(_l("This point does not scan out."), field="direction")
    if not point.active:
        raise ValidationError(_l("This check-in point is closed."), field="point")
    return rules.judge(actor, point, scan)


def judge_batch(actor, point: CheckInPoint, scans: list) -> list[dict]:
    """Scans queued offline, each judged like a single one (at its scanned_at, as judge() does). A scan a
    single request would refuse with 400 answers {"result": "error"} in its place: one bad item cannot
    block the queue."""
    ensure(actor, "checkin.point", point)
    results = []
    for item in scans:
        try:
            results.append(judge(actor, point, parse_scan(item)))
        except ValidationError as error:
            results.append({"result": "error", "attendee": None, "point": point.key,
                            "error": {"code": error.code, "message": error.message}})
    return results

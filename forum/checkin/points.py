"""Check-in points of a forum: listing, adding, opening and closing them."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..errors import NotFound, ValidationError
from ..extensions import db
from ..permissions import ensure
from ..refs import parse_id
from ..text import clean, slugify
from .models import CheckInPoint, PointKind


def points_of(forum, *, active_only: bool = False) -> list[CheckInPoint]:
    stmt = sa.select(CheckInPoint).where(CheckInPoint.forum_id == forum.id)
    if active_only:
        stmt = stmt.where(CheckInPoint.active.is_(True))
    return db.session.scalars(stmt.order_by(CheckInPoint.position, CheckInPoint.id)).all()


def resolve_point(forum, ref: str | None) -> CheckInPoint | None:
    """The point a scan names (key or id); the forum's first active point when none is named."""
    if ref is None:
        return db.session.scalar(
            sa.select(CheckInPoint).where(CheckInPoint.forum_id == forum.id, CheckInPoint.active.is_(True))
            .order_by(CheckInPoint.position, CheckInPoint.id).limit(1))
    cond = CheckInPoint.key == ref.lower()
    if parse_id(ref) is not None:
        cond = sa.or_(cond, CheckInPoint.id == parse_id(ref))
    point = db.session.scalar(sa.select(CheckInPoint).where(CheckInPoint.forum_id == forum.id, cond).limit(1))
    if point is None or not point.active:
        raise ValidationError(_l("No such check-in point."), field="point")
    return point


def add_point(actor, forum, name_en: str, name_zh: str = "", key: str | None = None) -> CheckInPoint:
    ensure(actor, "checkin.manage", forum)
    name_en, name_zh = clean(name_en), clean(name_zh)
    if not (name_en or name_zh):
        raise ValidationError(_l("Give a name in English or Chinese."), field="name_en")
    wanted = slugify(key or name_en, 40) if (key or name_en) else "point"
    taken = set(db.session.scalars(sa.select(CheckInPoint.key).where(CheckInPoint.forum_id == forum.id)))
    if key and wanted in taken:
        raise ValidationError(_l("This forum already has a point with that key."), field="key")
    key, n = wanted, 2
    while key in taken:
        key, n = f"{wanted[:36]}-{n}", n + 1
    position = (db.session.scalar(sa.select(sa.func.max(CheckInPoint.position))
                                  .where(CheckInPoint.forum_id == forum.id)) or 0) + 1
    point = CheckInPoint(forum_id=forum.id, key=key, name_en=name_en, name_zh=name_zh, position=position)
    db.session.add(point)
    db.session.flush()
    record(actor, "checkin_point.create", point, forum_id=forum.id,
           changes={"key": key, "name_en": name_en, "name_zh": name_zh})
    return point


def set_point_active(actor, point: CheckInPoint, active: bool) -> None:
    ensure(actor, "checkin.manage", point)
    if point.active != active:
        point.active = active
        record(actor, "checkin_point.update", point, forum_id=point.forum_id, changes={"active": [not active, active]})


def get_point(forum, point_id: int) -> CheckInPoint:
    point = db.session.get(CheckInPoint, point_id)
    if point is None or point.forum_id != forum.id:
        raise NotFound()
    return point


# --- points of another kind than a forum door (checkin/kinds.py): no forum ------------------------

def points_of_kind(kind: PointKind) -> list[CheckInPoint]:
    return db.session.scalars(sa.select(CheckInPoint).where(CheckInPoint.kind == kind,
                                                            CheckInPoint.forum_id.is_(None))
                              .order_by(CheckInPoint.position, CheckInPoint.id)).all()


def add_kind_point(actor, kind: PointKind, name_en: str, name_zh: str = "", key: str | None = None) -> CheckInPoint:
    """A point of a registered kind, set up by whoever the kind's permission names (for the data lab:
    its staff). Its key is unique among points without a forum (uq_checkin_point_unforumed_key)."""
    name_en, name_zh = clean(name_en), clean(name_zh)
    if not (name_en or name_zh):
        raise ValidationError(_l("Give a name in English or Chinese."), field="name_en")
    point = CheckInPoint(forum_id=None, kind=kind, key=slugify(key or name_en or kind.value, 40),
                         name_en=name_en, name_zh=name_zh, position=len(points_of_kind(kind)) + 1)
    ensure(actor, "checkin.point", point)
    if db.session.scalar(sa.select(CheckInPoint.id).where(CheckInPoint.forum_id.is_(None),
                                                          CheckInPoint.key == point.key)):
        raise ValidationError(_l("There is already a point with that key."), field="key")
    db.session.add(point)
    db.session.flush()
    record(actor, "checkin_point.create", point,
           changes={"kind": kind.value, "key": point.key, "name_en": name_en, "name_zh": name_zh})
    return point


def get_kind_point(point_id: int) -> CheckInPoint:
    """A point without a forum, by id (a forum's points are reached through their forum)."""
    point = db.session.get(CheckInPoint, point_id)
    if point is None or point.forum_id is not None:
        raise NotFound()
    return point

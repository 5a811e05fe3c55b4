"""The door's lookups: the forum and the check-in point a scan names, read on every scan.

Core statements built once (SQLAlchemy reuses their compiled form) that return plain rows.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..errors import NotFound, ValidationError
from ..extensions import db
from ..forums.models import Forum
from ..forums.services import ForumRef, forum_ref
from ..refs import parse_forum_ref, parse_id
from .models import CheckInPoint

# The door's point lookup: Core statements built once (compiled form cached), plain (id, key) rows.
_point = CheckInPoint.__table__.c
_FIRST_POINT = (sa.select(_point.id, _point.key, _point.active)
                .where(_point.forum_id == sa.bindparam("forum_id"), _point.active.is_(True))
                .order_by(_point.position, _point.id).limit(1))
_POINT_BY_REF = (sa.select(_point.id, _point.key, _point.active)
                 .where(_point.forum_id == sa.bindparam("forum_id"),
                        sa.or_(_point.key == sa.bindparam("key"), _point.id == sa.bindparam("id")))
                 .order_by(_point.id).limit(1))


def _point_params(ref: str) -> dict:
    return {"key": ref.lower(), "id": parse_id(ref)}


def checked_point(row, ref: str | None) -> tuple[int | None, str | None]:
    """(id, key) of the point found for `ref`; (None, None) if none is named and the forum has none."""
    if ref is None:
        return (row.id, row.key) if row else (None, None)
    if row is None or not row.active:
        raise ValidationError(_l("No such check-in point."), field="point")
    return row.id, row.key


def point_for_scan(forum_id: int, ref: str | None) -> tuple[int | None, str | None]:
    """resolve_point() for check_in: the point's (id, key), (None, None) if the forum has none."""
    conn = db.session.connection()
    if ref is None:
        return checked_point(conn.execute(_FIRST_POINT, {"forum_id": forum_id}).first(), ref)
    return checked_point(conn.execute(_POINT_BY_REF, {"forum_id": forum_id, **_point_params(ref)}).first(), ref)


@dataclass(frozen=True)
class PointRow:
    id: int
    key: str
    active: bool


@dataclass(frozen=True)
class DoorRef(ForumRef):
    """A forum with the check-in point a scan names, read together: one round trip fewer a scan.

    `point` is the point named by `point_ref` (key or id), or the forum's first active point when
    `point_ref` is None; None when there is no such point. check_in() judges it as it would its own.
    """

    point_ref: str | None = None
    point: PointRow | None = None


def _door_statement(named: bool):
    forum = Forum.__table__
    if named:
        on = sa.or_(_point.key == sa.bindparam("key"), _point.id == sa.bindparam("id"))
        order = (_point.id,)
    else:
        on, order = _point.active.is_(True), (_point.position, _point.id)
    return (sa.select(forum.c.id, forum.c.slug, forum.c.door_shows_access_needs, _point.id.label("point_id"),
                      _point.key.label("point_key"), _point.active.label("point_active"))
            .select_from(forum.outerjoin(CheckInPoint.__table__, sa.and_(_point.forum_id == forum.c.id, on)))
            .where(forum.c.slug == sa.bindparam("slug")).order_by(*order).limit(1))


_DOOR_NAMED_POINT, _DOOR_FIRST_POINT = _door_statement(True), _door_statement(False)


def door_ref(ref: str, point_ref: str | None) -> ForumRef:
    """forum_ref() for a scan at `point_ref`: a DoorRef carrying the point, in one query when the
    forum is named by its slug (as scanners do); a plain ForumRef when it is named by its id."""
    key = parse_forum_ref(ref)
    if not isinstance(key, str):
        return forum_ref(ref)
    if point_ref is None:
        row = db.session.connection().execute(_DOOR_FIRST_POINT, {"slug": key}).first()
    else:
        row = db.session.connection().execute(_DOOR_NAMED_POINT, {"slug": key, **_point_params(point_ref)}).first()
    if row is None:
        raise NotFound(_l("No such forum."))
    point = PointRow(row.point_id, row.point_key, row.point_active) if row.point_id is not None else None
    return DoorRef(row.id, row.slug, bool(row.door_shows_access_needs), point_ref=point_ref, point=point)

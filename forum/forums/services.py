"""Forums: create, change and find them. Every forum-scoped record hangs off one of these."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..audit.services import apply_changes, record
from ..schemas import FIRST_YEAR, LAST_YEAR
from ..db import HK, starts_with
from ..errors import Conflict, NotFound, ValidationError
from ..extensions import db
from ..permissions import can, ensure
from ..refs import SLUG, parse_forum_ref
from ..text import clean, slugify
from .models import Forum, ForumStatus
from .permissions import may_see

FIELDS = ("title_en", "title_zh", "description_en", "description_zh", "venue_en", "venue_zh", "starts_at",
          "ends_at", "status", "attendee_capacity", "booth_capacity", "staff_per_booth", "demo_slot_count",
          "exhibitor_deadline", "registration_deadline", "door_shows_access_needs", "retention_months")


def get_forum(ref: str | int) -> Forum:
    """A forum by numeric id or slug; NotFound otherwise."""
    key = parse_forum_ref(ref)
    forum = None
    if isinstance(key, int):
        forum = db.session.get(Forum, key) or db.session.scalar(sa.select(Forum).where(Forum.slug == str(key)))
    elif key is not None:
        forum = db.session.scalar(sa.select(Forum).where(Forum.slug == key))
    if forum is None:
        raise NotFound(_l("No such forum."))
    return forum


@dataclass(frozen=True)
class ForumRef:
    """A forum's id, slug and door setting only: enough for the door's hot path."""

    id: int
    slug: str
    door_shows_access_needs: bool = False


# Built once: SQLAlchemy reuses their compiled form (the check-in API runs this on every scan).
_forum = Forum.__table__.c
_FORUM_BY_ID = sa.select(_forum.id, _forum.slug, _forum.door_shows_access_needs).where(_forum.id == sa.bindparam("id"))
_FORUM_BY_SLUG = (sa.select(_forum.id, _forum.slug, _forum.door_shows_access_needs)
                  .where(_forum.slug == sa.bindparam("slug")))


def forum_ref(ref: str | int) -> ForumRef:
    """Like get_forum(), without loading the row into the session: one small Core query."""
    key = parse_forum_ref(ref)
    conn = db.session.connection()
    row = conn.execute(_FORUM_BY_ID, {"id": key}).first() if isinstance(key, int) else None
    if row is None and key is not None:
        row = conn.execute(_FORUM_BY_SLUG, {"slug": str(key)}).first()
    if row is None:
        raise NotFound(_l("No such forum."))
    return ForumRef(row.id, row.slug, bool(row.door_shows_access_needs))


def list_forums(*, include_drafts: bool = True) -> list[Forum]:
    stmt = sa.select(Forum).order_by(Forum.starts_at.desc())
    if not include_drafts:
        stmt = stmt.where(Forum.status != ForumStatus.draft)
    return db.session.scalars(stmt).all()


def forums_seen_by(user) -> list[Forum]:
    """The forums `user` may see (permissions.may_see), newest first."""
    return list_forums(include_drafts=can(user, "forum.manage"))


def visible_forum(user, ref) -> Forum:
    """A forum by id or slug, as NotFound when `user` may not see it (a draft, to all but its managers)."""
    forum = get_forum(ref)
    if not may_see(user, forum):
        raise NotFound(_l("No such forum."))
    return forum


def current_forum() -> Forum | None:
    """The forum people are most likely to mean now: live, else the next one, else the latest."""
    forums = [f for f in list_forums(include_drafts=False)]
    for status in (ForumStatus.live, ForumStatus.open_for_registration, ForumStatus.open_for_exhibitors):
        matches = [f for f in forums if f.status == status]
        if matches:
            return min(matches, key=lambda f: f.starts_at)
    return forums[0] if forums else None


def as_hk(value: datetime | None) -> datetime | None:
    """Naive form input is Hong Kong wall-clock time."""
    if value is None:
        return None
    return value.replace(tzinfo=HK) if value.tzinfo is None else value


def _clean_values(data: dict) -> dict:
    values = {k: data.get(k) for k in FIELDS if k in data}
    for key in ("title_en", "title_zh", "venue_en", "venue_zh"):
        if key in values:
            values[key] = clean(values[key])
    for key in ("description_en", "description_zh"):
        if key in values:
            values[key] = (values[key] or "").strip()
    for key in ("starts_at", "ends_at", "exhibitor_deadline", "registration_deadline"):
        if key in values:
            values[key] = as_hk(values[key])
    if "door_shows_access_needs" in values:
        if not isinstance(values["door_shows_access_needs"], bool):
            raise ValidationError(_l("Field %(name)s has the wrong type.", name="door_shows_access_needs"),
                                  field="door_shows_access_needs")
    if "status" in values and values["status"] is not None:
        try:
            values["status"] = ForumStatus(values["status"])
        except ValueError:
            raise ValidationError(_l("Unknown status."), field="status")
    return values


def _check(values: dict, forum: Forum | None = None) -> None:
    get = lambda k: values.get(k, getattr(forum, k, None) if forum else None)  # noqa: E731
    if not (get("title_en") or get("title_zh")):
        raise ValidationError(_l("Give a title in English or Chinese."), field="title_en")
    starts, ends = get("starts_at"), get("ends_at")
    if not starts or not ends:
        raise ValidationError(_l("Give the start and end."), field="starts_at")
    for key in ("starts_at", "ends_at", "exhibitor_deadline", "registration_deadline"):
        value = get(key)
        if value is not None and not FIRST_YEAR <= value.astimezone(HK).year <= LAST_YEAR:
            # Outside this range Hong Kong's zone answers its local mean time (+07:36:42), not +08:00.
            raise ValidationError(_l("Give a date between %(first)d and %(last)d.", first=FIRST_YEAR,
                                     last=LAST_YEAR), field=key)
    if ends <= starts:
        raise ValidationError(_l("The forum must end after it starts."), field="ends_at")
    for key in ("exhibitor_deadline", "registration_deadline"):
        deadline = get(key)
        if deadline and deadline > ends:
            raise ValidationError(_l("A deadline cannot be after the forum ends."), field=key)
    for key in ("attendee_capacity", "booth_capacity", "staff_per_booth"):
        value = get(key)
        if value is not None and value < 1:
            raise ValidationError(_l("Must be at least 1."), field=key)
    retention = get("retention_months")
    if retention is not None and (not isinstance(retention, int) or not 1 <= retention <= 120):
        raise ValidationError(_l("Keep personal data for 1 to 120 months after the forum."), field="retention_months")


def _checked_slug(data: dict) -> str:
    """The short name asked for, checked as the form checks it (the API reaches here without the form).

    Only spaces are trimmed: str.strip() would also eat control characters (\x1c-\x1f), and "$" in a
    pattern matches before a final newline, so both let a slug of control characters through.
    """
    slug = (data.get("slug") or "").strip(" ").lower()
    if slug and (len(slug) > 80 or not SLUG.fullmatch(slug)):
        raise ValidationError(_l("Use lower-case letters, digits and dashes."), field="slug")
    return slug


def _unique_slug(wanted: str, forum_id: int | None = None) -> str:
    slug = slugify(wanted)
    taken = set(db.session.scalars(sa.select(Forum.slug).where(starts_with(Forum.slug, slug),
                                                               Forum.id != (forum_id or 0))))
    if slug not in taken:
        return slug
    n = 2
    while f"{slug}-{n}" in taken:
        n += 1
    return f"{slug}-{n}"


def create_forum(actor, data: dict) -> Forum:
    ensure(actor, "forum.manage")
    values = _clean_values(data)
    _check(values)
    values.setdefault("status", ForumStatus.draft)
    slug_wanted = _checked_slug(data)
    if slug_wanted:
        if db.session.scalar(sa.select(Forum.id).where(Forum.slug == slug_wanted)):
            raise Conflict(_l("Another forum already uses this short name."), field="slug")
        slug = slug_wanted
    else:
        year = values["starts_at"].astimezone(HK).strftime("%Y-%m")
        slug = _unique_slug(f"{values.get('title_en') or 'forum'} {year}")
    forum = Forum(slug=slug, **{k: v for k, v in values.items() if v is not None or k.endswith("deadline")})
    db.session.add(forum)
    db.session.flush()
    record(actor, "forum.create", forum, forum_id=forum.id, changes={"slug": slug, "title_en": forum.title_en})
    return forum


def update_forum(actor, forum: Forum, data: dict) -> dict:
    ensure(actor, "forum.manage", forum)
    values = _clean_values(data)
    _check(values, forum)
    slug_wanted = _checked_slug(data)
    if slug_wanted and slug_wanted != forum.slug:
        if db.session.scalar(sa.select(Forum.id).where(Forum.slug == slug_wanted, Forum.id != forum.id)):
            raise Conflict(_l("Another forum already uses this short name."), field="slug")
        values["slug"] = slug_wanted
    changes = apply_changes(forum, values)
    if changes:
        record(actor, "forum.update", forum, forum_id=forum.id, changes=changes)
    return changes


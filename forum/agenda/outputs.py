"""What the published agenda looks like outside the editor: grouped for pages, JSON, iCalendar, PDF.

Everything here reads the latest release's frozen sessions, never the drafts being edited.
"""
from __future__ import annotations

from datetime import datetime

from ..db import HK, utcnow
from ..errors import NotFound
from ..forums.permissions import may_see
from .releases import latest_release


def published(forum, viewer):
    """The latest release; NotFound for a forum the viewer may not see (a draft, to all but its managers)."""
    if not may_see(viewer, forum):
        raise NotFound()
    return latest_release(forum)


def session_json(item: dict) -> dict:
    return {"id": item["id"], "kind": item["kind"], "title_en": item["title_en"], "title_zh": item["title_zh"],
            "starts_at": item["starts_at"], "ends_at": item["ends_at"],
            "room": item["room"], "exhibitor": item["exhibitor"],
            "speakers": [s["name"] for s in item["speakers"]]}


def by_time(items: list[dict]) -> list[tuple[str, list[dict]]]:
    groups: dict[str, list[dict]] = {}
    for item in sorted(items, key=lambda i: (i["starts_at"], (i["room"] or {}).get("name_en", ""))):
        groups.setdefault(item["starts_at"], []).append(item)
    return list(groups.items())


def by_room(items: list[dict]) -> list[tuple[dict | None, list[dict]]]:
    groups: dict[int | None, tuple[dict | None, list[dict]]] = {}
    for item in sorted(items, key=lambda i: i["starts_at"]):
        key = (item["room"] or {}).get("id")
        groups.setdefault(key, (item["room"], []))[1].append(item)
    return list(groups.values())


def ics(forum, items: list[dict], *, name: str, uid_prefix: str = "session") -> bytes:
    """An iCalendar feed calendar apps can subscribe to."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//HKSTP x HA Innovation Forum//Agenda//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Hong_Kong")
    stamp = utcnow()
    for item in items:
        event = Event()
        event.add("uid", f"{uid_prefix}-{item['id']}@{forum.slug}.forum")
        event.add("dtstamp", stamp)
        event.add("dtstart", datetime.fromisoformat(item["starts_at"]).astimezone(HK))
        event.add("dtend", datetime.fromisoformat(item["ends_at"]).astimezone(HK))
        title = item["title_en"] or item["title_zh"]
        if item["title_en"] and item["title_zh"] and item["title_zh"] != item["title_en"]:
            title = f"{item['title_en']} / {item['title_zh']}"
        event.add("summary", title)
        if item.get("room"):
            event.add("location", item["room"]["name_en"] or item["room"]["name_zh"])
        if item.get("description_en") or item.get("description_zh"):
            event.add("description", "\n\n".join(t for t in (item.get("description_en"), item.get("description_zh")) if t))
        cal.add_component(event)
    return cal.to_ical()


def cancelled_titles(forum, release) -> dict[int, str]:
    """Titles of the sessions the release's change log calls cancelled, from the version before it."""
    if release is None or not release.changes.get("cancelled"):
        return {}
    import sqlalchemy as sa

    from ..extensions import db
    from .models import AgendaRelease
    from .releases import pick

    previous = db.session.scalar(sa.select(AgendaRelease).where(
        AgendaRelease.forum_id == forum.id, AgendaRelease.number == release.number - 1))
    wanted = set(release.changes["cancelled"])
    return {s["id"]: pick(s, "title") for s in (previous.sessions if previous else []) if s["id"] in wanted}

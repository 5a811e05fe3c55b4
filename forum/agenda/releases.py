"""Publishing: a numbered, frozen version of the agenda, its change log, and mail to those affected."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import mail
from ..audit.services import record
from ..communications.templates import account_locales, override, person_at, queue_builtin, queue_custom
from ..db import HK
from ..errors import Conflict, ValidationError
from ..extensions import db
from ..permissions import ensure
from .conflicts import find_conflicts, live_sessions
from .models import AgendaRelease, AgendaSession, SessionStatus


def snapshot(session: AgendaSession) -> dict:
    app = session.application
    return {
        "id": session.id, "kind": session.kind.value, "title_en": session.title_en, "title_zh": session.title_zh,
        "description_en": session.description_en, "description_zh": session.description_zh,
        "starts_at": session.starts_at.isoformat(), "ends_at": session.ends_at.isoformat(),
        "room": ({"id": session.room.id, "name_en": session.room.name_en, "name_zh": session.room.name_zh}
                 if session.room else None),
        "exhibitor": ({"id": app.company_id, "name_en": app.company.name_en, "name_zh": app.company.name_zh}
                      if app is not None else None),
        "speakers": [{"name": s.display_name, "user_id": s.user_id, "email": s.guest_email} for s in session.speakers],
        "solution_id": session.solution_id,  # a live demo's solution: its bookmark button
    }


def latest_release(forum) -> AgendaRelease | None:
    return db.session.scalar(sa.select(AgendaRelease).where(AgendaRelease.forum_id == forum.id)
                             .order_by(AgendaRelease.number.desc()).limit(1))


def change_log(before: list[dict], after: list[dict]) -> dict:
    old = {s["id"]: s for s in before}
    new = {s["id"]: s for s in after}
    moved = []
    for sid, s in new.items():
        if sid in old:
            was = old[sid]
            room_was = (was["room"] or {}).get("id")
            if (was["starts_at"], was["ends_at"], room_was) != (s["starts_at"], s["ends_at"], (s["room"] or {}).get("id")):
                moved.append({"id": sid, "from": {"starts_at": was["starts_at"], "ends_at": was["ends_at"],
                                                  "room": was["room"]},
                              "to": {"starts_at": s["starts_at"], "ends_at": s["ends_at"], "room": s["room"]}})
    return {"added": sorted(sid for sid in new if sid not in old), "moved": moved,
            "cancelled": sorted(sid for sid in old if sid not in new)}


def publish(actor, forum, acknowledge_warnings: bool = False) -> AgendaRelease:
    """Freeze the agenda as the next version; with conflicts, only when they are acknowledged."""
    ensure(actor, "agenda.manage", forum)
    sessions = live_sessions(forum)
    if not sessions:
        raise ValidationError(_l("There is nothing to publish yet: add sessions first."))
    warnings = [c.message for c in find_conflicts(forum, sessions)]
    if warnings and not acknowledge_warnings:
        raise ValidationError(_l("The agenda has %(n)d warning(s). Tick the box to publish it anyway.",
                                 n=len(warnings)), field="acknowledge")
    previous = latest_release(forum)
    frozen = [snapshot(s) for s in sessions]
    changes = change_log(previous.sessions if previous else [], frozen)
    number = (previous.number if previous else 0) + 1
    release = AgendaRelease(forum_id=forum.id, number=number, sessions=frozen, changes=changes,
                            warnings=warnings, published_by_id=getattr(actor, "id", None))
    try:
        with db.session.begin_nested():
            db.session.add(release)
            db.session.flush()
    except sa.exc.IntegrityError:
        raise Conflict(_l("Someone else published a version just now; reload and publish again."))
    for s in sessions:
        s.status = SessionStatus.confirmed
    db.session.flush()
    record(actor, "agenda.publish", release, forum_id=forum.id,
           changes={"version": [previous.number if previous else None, number]})
    if previous is not None:
        _notify(forum, release, previous, sessions)
    return release


def _recipients(session_rows: dict[int, AgendaSession], sid: int, old: dict | None) -> set[str]:
    out: set[str] = set()
    row = session_rows.get(sid)
    if row is not None:
        for s in row.speakers:
            out.add(s.user.email if s.user is not None else s.guest_email)
        if row.application is not None:
            company = row.application.company
            out |= {company.contact_email} | {u.email for u in company.admins}
    if old is not None:
        out |= {s.get("email") for s in old.get("speakers", [])}
    return {e for e in out if e}


def release_entries(release: AgendaRelease, previous_sessions: list[dict]) -> list[tuple[int, dict | None, dict]]:
    """(session id, its frozen row in the previous version, what changed) for each change of a release."""
    old = {s["id"]: s for s in previous_sessions}
    new = {s["id"]: s for s in release.sessions}
    items = ([("moved", m["id"], m) for m in release.changes.get("moved", [])]
             + [("added", sid, None) for sid in release.changes.get("added", [])]
             + [("cancelled", sid, None) for sid in release.changes.get("cancelled", [])])
    return [(sid, old.get(sid), {"what": what, "session": new.get(sid) or old.get(sid),
                                 "from": (detail or {}).get("from")}) for what, sid, detail in items]


def _notify(forum, release: AgendaRelease, previous: AgendaRelease, sessions: list[AgendaSession]) -> None:
    """Each exhibitor and speaker gets one mail with just the changes to their own sessions."""
    from ..communications.values import release_values

    rows = {s.id: s for s in sessions}
    cancelled_ids = set(release.changes["cancelled"])
    if cancelled_ids:
        for s in db.session.scalars(sa.select(AgendaSession).where(AgendaSession.id.in_(cancelled_ids))):
            rows[s.id] = s
    per_person: dict[str, list[dict]] = {}
    for sid, before, entry in release_entries(release, previous.sessions):
        for to in _recipients(rows, sid, before):
            per_person.setdefault(to, []).append(entry)
    link = mail.external_url("agenda_public.agenda", forum=forum.slug)
    locales = account_locales(per_person)  # one query, not one per person
    wording = override(forum, "agenda_changes")
    for to, entries in sorted(per_person.items()):
        person = person_at(to, locales=locales)
        if queue_custom(forum, "agenda_changes", to, person, extra=release_values(release, entries, link),
                        wording=wording):
            continue
        queue_builtin(to, person, {"en": f"Agenda changes, version {release.number}",
                                   "zh_Hant_HK": f"議程更新（第{release.number}版）"}, "agenda_changes", forum=forum, entries=entries, release=release, link=link,
                            when=_when, pick=pick)


def pick(item: dict, field: str = "name") -> str:
    """A frozen row's name or title in the reader's language."""
    from ..i18n import current_locale
    from ..text import bilingual

    return bilingual(item.get(f"{field}_en"), item.get(f"{field}_zh"), current_locale())


def _when(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(HK).strftime("%d/%m %H:%M")

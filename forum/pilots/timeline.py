"""A pilot's history as sentences in the reader's language, built from the audit trail."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..audit.models import AuditEvent
from ..extensions import db
from ..i18n import is_chinese
from .models import Reason, Stage
from .stages import REASON_LABELS, STAGE_LABELS

FIELD_LABELS = {
    "title": _l("title"), "sponsor_name": _l("sponsor"), "sponsor_user_id": _l("sponsor's account"),
    "department": _l("department"), "objectives": _l("objectives"), "success_measures": _l("success measures"),
    "planned_start": _l("planned start"), "planned_end": _l("planned end"), "evaluation_due": _l("evaluation due"),
    "funding_scheme": _l("funding scheme"), "budget": _l("budget"), "notes": _l("notes"),
    "results": _l("results"), "decision": _l("decision"),
}
ORIGIN_LABELS = {"forum": _l("the forum"), "company_page": _l("the company's page"), "api": _l("the API"),
                 "bookmark": _l("a bookmark"), "lead": _l("a lead"), "meeting": _l("a meeting")}
SHORT_FIELDS = {"title", "sponsor_name", "department", "planned_start", "planned_end", "evaluation_due", "budget"}


@dataclass
class Entry:
    at: datetime
    who: str
    text: str
    detail: str = ""


def _stage(value) -> str:
    try:
        return str(STAGE_LABELS[Stage(value)])
    except (ValueError, KeyError):
        return str(value)


def _site(changes: dict) -> str:
    return (changes.get("site_zh") if is_chinese() else None) or changes.get("site") or ""


def sentence(event: AuditEvent) -> tuple[str, str]:
    c = event.changes or {}
    if event.action == "pilot.create":
        sites = (c.get("sites_zh") if is_chinese() else None) or c.get("sites") or []
        return _("proposed the pilot at %(sites)s.", sites="、".join(sites) if is_chinese() else ", ".join(sites)), ""
    if event.action == "pilot.stage":
        values = {"from": _stage(c["stage"][0]), "to": _stage(c["stage"][1])}
        if c.get("site"):
            text = _("moved it at %(site)s from %(from)s to %(to)s.", site=_site(c), **values)
        else:
            text = _("moved the pilot from %(from)s to %(to)s.", **values)
        detail = [_("Every site has a decision.")] if c.get("settled") else []
        if c.get("reason"):
            detail.append(_("Reason: %(reason)s.", reason=REASON_LABELS[Reason(c["reason"])]))
        if c.get("comment"):
            detail.append(c["comment"])
        return text, " ".join(detail)
    if event.action in ("pilot.update", "pilot.site_update"):
        parts = []
        for name, change in c.items():
            if name not in FIELD_LABELS:
                continue
            old, new = change
            if name in SHORT_FIELDS:
                parts.append(_("%(field)s from “%(old)s” to “%(new)s”", field=FIELD_LABELS[name],
                               old=old or "—", new=new or "—"))
            else:
                parts.append(str(FIELD_LABELS[name]))
        listed = "；".join(parts) if is_chinese() else "; ".join(parts)
        if event.action == "pilot.site_update":
            return _("changed at %(site)s: %(fields)s.", site=_site(c), fields=listed), ""
        return _("changed %(fields)s.", fields=listed), ""
    if event.action == "pilot.site_add":
        return _("added the site %(site)s.", site=_site(c)), ""
    if event.action == "pilot.champion_add":
        return _("named %(name)s as a champion at %(site)s.", name=c.get("champion", ""), site=_site(c)), ""
    if event.action == "pilot.follow_up_sent":
        return _("asked the pilot's owners how it went (six-month follow-up, %(n)d people).", n=c.get("to", 0)), ""
    if event.action == "pilot.follow_up_answer":
        from .followups import ANSWER_LABELS
        from .models import FollowUpAnswer

        return _("answered the six-month follow-up: %(answer)s.",
                 answer=ANSWER_LABELS[FollowUpAnswer(c["answer"])]), c.get("note", "")
    if event.action == "pilot.document_add":
        if c.get("kind") == "evaluation":
            return _("added the evaluation report “%(name)s”.", name=c.get("name", "")), ""
        return _("added the agreement “%(name)s”.", name=c.get("name", "")), ""
    if event.action == "pilot.comment":
        return _("commented:"), c.get("comment", "")
    return event.action, ""


def timeline(pilot_id: int) -> list[Entry]:
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.object_type == "Pilot",
                                                            AuditEvent.object_id == pilot_id)
                                .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())).all()
    out = []
    for event in events:
        who = (event.actor.name_zh if is_chinese() and event.actor and event.actor.name_zh else None) or \
            (event.actor.display_name if event.actor else (event.changes or {}).get("name") or _("Someone"))
        text, detail = sentence(event)
        out.append(Entry(event.at, who, text, detail))
    return out

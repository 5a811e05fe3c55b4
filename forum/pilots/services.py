"""Pilot use cases: create, edit fields, add sites and champions, comment.

Stage changes live in stages.py (the one state machine). Services take the acting user,
raise domain errors and flush; the caller commits. Every change claims the pilot's version
first (stages.claim), so an edit based on an old page is refused, never silently applied.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..audit.services import apply_changes, record
from ..errors import NotFound, ValidationError
from ..extensions import db
from ..forums.models import Forum
from ..permissions import ensure
from ..sites.models import Site
from ..text import clean
from ..refs import parse_id
from .models import Champion, Pilot, PilotComment, PilotOrigin, PilotSite, Stage
from .stages import claim, expect_version

TEXT_FIELDS = ("title", "sponsor_name", "department", "objectives", "success_measures", "funding_scheme",
               "budget", "notes")
DATE_FIELDS = ("planned_start", "planned_end", "evaluation_due")
SITE_TEXT_FIELDS = ("success_measures", "results", "decision")
ORIGIN_KINDS = ("forum", "company_page", "api", "bookmark", "lead", "meeting")


def parse_date(value, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(_l("Give the date as YYYY-MM-DD."), field=field) from None


def clean_fields(data: dict) -> dict:
    """The editable fields present in data, checked for meaning (dates in order, a title)."""
    values = {}
    for name in TEXT_FIELDS:
        if name in data:
            raw = data[name] if data[name] is not None else ""
            if not isinstance(raw, str):
                raise ValidationError(_l("Field %(name)s has the wrong type.", name=name), field=name)
            values[name] = clean(raw) if name in ("title", "sponsor_name", "department") else raw.strip()
    for name in DATE_FIELDS:
        if name in data:
            values[name] = parse_date(data[name], name)
    if "title" in values and not values["title"]:
        raise ValidationError(_l("Give the pilot a title."), field="title")
    if "sponsor_user_id" in data:
        values["sponsor_user_id"] = _user_id(data["sponsor_user_id"])
    return values


def _user_id(value) -> int | None:
    from ..accounts.models import User

    if value in (None, ""):
        return None
    user = db.session.get(User, parse_id(value)) if parse_id(value) is not None else None
    if user is None or user.role != "ha_staff":
        raise ValidationError(_l("The sponsor must be an HA user."), field="sponsor_user_id")
    return user.id


def _check_order(start, end, field: str) -> None:
    if start and end and end < start:
        raise ValidationError(_l("The end date is before the start date."), field=field)


def _sites(site_ids) -> list[Site]:
    ids = []
    for raw in site_ids or []:
        if parse_id(raw) is None:
            raise ValidationError(_l("No such site."), field="sites")
        ids.append(parse_id(raw))
    if not ids:
        raise ValidationError(_l("Choose at least one hospital, clinic or lab."), field="sites")
    found = db.session.scalars(sa.select(Site).where(Site.id.in_(ids), Site.active.is_(True))).all()
    if len(found) != len(set(ids)):
        raise ValidationError(_l("No such site."), field="sites")
    return sorted(found, key=lambda s: ids.index(s.id))


def create_pilot(actor, data: dict, *, origin_kind: str = "forum", origin_ref: int | None = None) -> Pilot:
    """A new pilot in stage Proposed at one or more sites, linked to its forum(s) and origin."""
    ensure(actor, "pilot.edit")
    return new_pilot(actor, data, origin_kind=origin_kind, origin_ref=origin_ref)


def new_pilot(actor, data: dict, *, origin_kind: str, origin_ref: int | None) -> Pilot:
    """The shared part of create_pilot() and from_bookmark.propose(): each checks its own permission first."""
    from ..exhibitors.models import Company, Solution

    company_id = parse_id(data.get("company_id") or "")
    company = db.session.get(Company, company_id) if company_id else None
    if company is None:
        raise ValidationError(_l("Choose the company."), field="company_id")
    solution = None
    if data.get("solution_id") not in (None, ""):
        solution = db.session.get(Solution, parse_id(data["solution_id"])) if parse_id(data["solution_id"]) else None
        if solution is None or solution.company_id != company.id:
            raise ValidationError(_l("Choose one of the company's solutions."), field="solution_id")
    sites = _sites(data.get("sites"))
    values = clean_fields({"title": data.get("title") or (solution.title_en if solution else ""), **{
        k: v for k, v in data.items() if k in TEXT_FIELDS + DATE_FIELDS + ("sponsor_user_id",) and k != "title"}})
    _check_order(values.get("planned_start"), values.get("planned_end"), "planned_end")
    forum_ids = [i for i in map(parse_id, data.get("forums") or []) if i is not None]
    forums = db.session.scalars(sa.select(Forum).where(Forum.id.in_(forum_ids))).all() if forum_ids else []
    if len(forums) != len(set(forum_ids)) or len(forum_ids) != len(data.get("forums") or []):
        raise ValidationError(_l("No such forum."), field="forums")
    if origin_kind not in ORIGIN_KINDS:
        raise ValidationError(_l("Unknown origin."), field="origin")
    pilot = Pilot(company_id=company.id, solution_id=solution.id if solution else None, stage=Stage.proposed,
                  created_by_id=actor.id, updated_by_id=actor.id, version=1, **values)
    pilot.forums = list(forums)
    pilot.sites = [PilotSite(site_id=s.id, stage=Stage.proposed) for s in sites]
    pilot.origins = [PilotOrigin(forum_id=f.id, kind=origin_kind, ref_id=origin_ref) for f in forums] or [
        PilotOrigin(kind=origin_kind, ref_id=origin_ref)]
    db.session.add(pilot)
    db.session.flush()
    record(actor, "pilot.create", pilot, object_type="Pilot", forum_id=forums[0].id if forums else None,
           changes={"title": pilot.title, "sites": [s.name_en for s in sites],
                    "sites_zh": [s.name_zh for s in sites], "origin": origin_kind})
    return pilot


def update_pilot(actor, pilot: Pilot, data: dict, *, read_version) -> dict:
    """Change fields; returns {field: [old, new]} (empty when nothing changed, and nothing claimed)."""
    ensure(actor, "pilot.edit", pilot)
    expect_version(pilot, read_version)
    values = clean_fields(data)
    start = values.get("planned_start", pilot.planned_start)
    _check_order(start, values.get("planned_end", pilot.planned_end), "planned_end")
    changes = {k: v for k, v in values.items() if getattr(pilot, k) != v}
    if not changes:
        return {}
    claim(actor, pilot, read_version)
    changed = apply_changes(pilot, changes)
    record(actor, "pilot.update", pilot, object_type="Pilot", changes=changed)
    db.session.flush()
    return changed


def pilot_site(pilot: Pilot, pilot_site_id: int) -> PilotSite:
    found = next((s for s in pilot.sites if s.id == int(pilot_site_id)), None)
    if found is None:
        raise ValidationError(_l("This pilot does not run at that site."), field="site")
    return found


def update_site(actor, pilot: Pilot, pilot_site_id: int, data: dict, *, read_version) -> dict:
    ensure(actor, "pilot.edit", pilot)
    expect_version(pilot, read_version)
    ps = pilot_site(pilot, pilot_site_id)
    values = {k: (data[k] or "").strip() for k in SITE_TEXT_FIELDS if k in data and isinstance(data[k], (str, type(None)))}
    changes = {k: v for k, v in values.items() if getattr(ps, k) != v}
    if not changes:
        return {}
    claim(actor, pilot, read_version)
    changed = apply_changes(ps, changes)
    record(actor, "pilot.site_update", pilot, object_type="Pilot",
           changes={**changed, "site": ps.site.name_en, "site_zh": ps.site.name_zh})
    db.session.flush()
    return changed


def add_site(actor, pilot: Pilot, site_id, *, read_version) -> PilotSite:
    ensure(actor, "pilot.edit", pilot)
    (site,) = _sites([site_id])
    if any(s.site_id == site.id for s in pilot.sites):
        raise ValidationError(_l("The pilot already runs there."), field="sites")
    claim(actor, pilot, read_version)
    ps = PilotSite(site_id=site.id, stage=Stage.proposed)
    pilot.sites.append(ps)
    db.session.flush()
    record(actor, "pilot.site_add", pilot, object_type="Pilot", changes={"site": site.name_en, "site_zh": site.name_zh})
    return ps


def add_champion(actor, pilot: Pilot, pilot_site_id: int, name: str, title: str = "", *, read_version) -> Champion:
    ensure(actor, "pilot.edit", pilot)
    ps = pilot_site(pilot, pilot_site_id)
    name = clean(name or "")
    if not name:
        raise ValidationError(_l("Give the champion's name."), field="name")
    claim(actor, pilot, read_version)
    champion = Champion(name=name, title=clean(title or ""))
    ps.champions.append(champion)
    db.session.flush()
    record(actor, "pilot.champion_add", pilot, object_type="Pilot",
           changes={"champion": name, "site": ps.site.name_en, "site_zh": ps.site.name_zh})
    return champion


def add_comment(actor, pilot: Pilot, body: str) -> PilotComment:
    """Comments do not take the version: they change no field, so they never collide with a move."""
    ensure(actor, "pilot.comment", pilot)
    body = (body or "").strip()
    if not body:
        raise ValidationError(_l("Write a comment first."), field="body")
    comment = PilotComment(pilot_id=pilot.id, author_id=actor.id, body=body[:4000])
    db.session.add(comment)
    db.session.flush()
    record(actor, "pilot.comment", pilot, object_type="Pilot", changes={"comment": comment.body[:200]})
    return comment


def get_pilot(actor, pilot_id: int) -> Pilot:
    pilot = db.session.scalar(sa.select(Pilot).where(Pilot.id == pilot_id).options(
        selectinload(Pilot.sites).selectinload(PilotSite.champions), selectinload(Pilot.forums),
        selectinload(Pilot.origins), selectinload(Pilot.documents)))
    if pilot is None:
        raise NotFound(_l("No such pilot."))
    ensure(actor, "pilot.view", pilot)
    return pilot

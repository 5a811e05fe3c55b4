"""Pilots JSON API (see shared CONTRACT.md): list, create, read, change fields and stages, dashboard figures.

PATCH carries the version it read; a pilot changed since answers 409 and nothing is saved.
The same services as the pages, so the same rules and the same messages.
"""
from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from ..api.core import api_route
from ..refs import parse_forum_ref, parse_id
from ..errors import NotFound, ValidationError
from ..extensions import db
from ..forums.services import get_forum
from . import queries, services, stages
from .dashboard import figures
from .schemas import EDITABLE, DashboardOut, DashboardQuery, PilotChange, PilotIn, PilotOut, PilotPage

REFUSALS = {400: "Bad input; `fields` says which.", 404: "No such pilot (or not yours to see)."}


def pilot_json(p) -> dict:
    def d(value):
        return value.isoformat() if value else None

    return {"id": p.id, "version": p.version, "stage": p.stage.value, "company_id": p.company_id,
            "company_en": p.company.name_en, "company_zh": p.company.name_zh, "solution_id": p.solution_id,
            **{k: (d(getattr(p, k)) if k in services.DATE_FIELDS else getattr(p, k)) for k in EDITABLE},
            "actual_start": d(p.actual_start), "actual_end": d(p.actual_end),
            "reason": p.reason.value if p.reason else None, "reason_detail": p.reason_detail,
            "forums": [f.slug for f in p.forums], "updated_at": p.updated_at.isoformat(),
            "sites": [{"id": s.id, "site_id": s.site_id, "name_en": s.site.name_en, "name_zh": s.site.name_zh,
                       "cluster": s.site.cluster.code if s.site.cluster else None, "stage": s.stage.value,
                       "started_on": d(s.started_on), "evaluated_on": d(s.evaluated_on), "decided_on": d(s.decided_on),
                       "success_measures": s.success_measures, "results": s.results, "decision": s.decision,
                       "reason": s.reason.value if s.reason else None, "reason_detail": s.reason_detail,
                       "champions": [{"name": c.name, "title": c.title} for c in s.champions]} for s in p.sites]}


@api_route("/pilots", permission="pilot.view", tag="pilots",
           summary="Pilots you may see, newest change first; filters: forum (id or slug), stage, cluster, site, "
                   "theme, company, sponsor; sort (updated, title, stage, company, start, sponsor), desc=0|1; page.",
           response=PilotPage, responses={404: "No such forum (the `forum` filter)."},
           links={"GetPilot": ("api.get_pilot.get", {"pilot_id": "$response.body#/pilots/0/id"}),
                  "UpdatePilot": ("api.patch_pilot.patch", {"pilot_id": "$response.body#/pilots/0/id"})})
def list_pilots():
    f = queries.PilotFilter.from_args(request.args)
    ref = request.args.get("forum", "")
    if ref and not isinstance(parse_forum_ref(ref), int):
        f.forum = get_forum(ref).id  # a slug works as well as an id
    page = queries.table(current_user, f, page=request.args.get("page", 1, type=int), per_page=50)
    return {"pilots": [pilot_json(p) for p in page.items], "page": page.page, "pages": page.pages,
            "total": page.total}


def _id(value: str) -> int:
    # A plain <pilot_id> in the rule (not <int:>) so the OpenAPI path reads /pilots/{pilot_id}.
    number = parse_id(value)
    if number is None:
        raise NotFound(_("No such pilot."))
    return number


def _forum_ids(refs) -> list:
    if refs is None:
        return []
    if not isinstance(refs, list):
        raise ValidationError(_("Field %(name)s has the wrong type.", name="forums"), field="forums")
    return [get_forum(r).id for r in refs]  # ids or slugs, one parser: forum.refs


@api_route("/pilots", methods=("POST",), permission="pilot.edit", tag="pilots",
           status=201,
           summary="Propose a pilot at one or more sites.", body=PilotIn, response=PilotOut, responses=REFUSALS,
           links={"GetPilot": ("api.get_pilot.get", {"pilot_id": "$response.body#/id"}),
                  "UpdatePilot": ("api.patch_pilot.patch", {"pilot_id": "$response.body#/id"})})
def create_pilot(body: dict):
    pilot = services.create_pilot(current_user, {**body, "forums": _forum_ids(body.get("forums"))},
                                  origin_kind="api")
    db.session.commit()
    return pilot_json(services.get_pilot(current_user, pilot.id))


@api_route("/pilots/<pilot_id>", permission="pilot.view", tag="pilots",
           summary="One pilot with its sites and version.", response=PilotOut, responses={404: REFUSALS[404]})
def get_pilot(pilot_id: str):
    return pilot_json(services.get_pilot(current_user, _id(pilot_id)))


@api_route("/pilots/<pilot_id>", methods=("PATCH",), permission="pilot.edit", tag="pilots",
           summary="Change fields and/or move the stage, from the version you read.", body=PilotChange,
           response=PilotOut,
           responses={**REFUSALS, 409: "The pilot changed since you read it: who and when are in the message."})
def patch_pilot(pilot_id: str, body: dict):
    pilot_id = _id(pilot_id)
    data = body
    pilot = services.get_pilot(current_user, pilot_id)
    fields = {k: v for k, v in data.items() if k in EDITABLE}
    read = data["version"]
    if fields:
        if services.update_pilot(current_user, pilot, fields, read_version=read):
            read = pilot.version  # the move below continues from this change
    if data.get("stage") is not None:
        stages.move(current_user, pilot, data["stage"], read_version=read, site_id=data.get("site"),
                    comment=str(data.get("comment") or ""), reason=data.get("reason"),
                    reason_detail=str(data.get("reason_detail") or ""),
                    on=data.get("on"))
    elif not fields:
        raise ValidationError(_("Nothing to change: send fields or a stage."))
    db.session.commit()
    return pilot_json(services.get_pilot(current_user, pilot_id))


@api_route("/pilots/dashboard", permission="pilot.dashboard", tag="pilots",
           summary="The outcome figures, for one forum (?forum=slug) or the whole series.",
           query=DashboardQuery, response=DashboardOut, responses={404: "No such forum."})
def dashboard_figures(query: dict):
    ref = query.get("forum")
    return figures(current_user, get_forum(ref) if ref else None).as_json()

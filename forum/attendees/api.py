"""JSON: the forum's attendees for organisers' scripts (list with ticket codes; add one person or a walk-in)."""
from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from . import permissions  # noqa: F401  (grants before api_route)
from ..api.core import api_route, json_body, require_fields, schema
from ..errors import ValidationError
from ..extensions import db
from ..forums.services import get_forum
from . import services
from .models import Attendee
from .tickets import code_for, current_ticket

ATTENDEE_SCHEMA = schema({
    "id": {"type": "integer"}, "kind": {"type": "string"}, "status": {"type": "string"},
    "name_en": {"type": "string"}, "name_zh": {"type": "string"}, "email": {"type": "string"},
    "title": {"type": "string"}, "department": {"type": "string"}, "organisation": {"type": "string"},
    "site_id": {"type": "integer", "nullable": True}, "themes": {"type": "array", "items": {"type": "string"}},
    "ticket_code": {"type": "string", "nullable": True, "description": "the exact text in the QR code"}})


def _as_json(a: Attendee, code: str | None) -> dict:
    return {"id": a.id, "kind": a.kind.value, "status": a.status.value, "name_en": a.name_en, "name_zh": a.name_zh,
            "email": a.email, "title": a.title, "department": a.department, "organisation": a.organisation,
            "site_id": a.site_id, "themes": list(a.themes or []), "ticket_code": code}


@api_route("/forums/<forum>/attendees", permission="attendee.manage", tag="attendees",
           summary="The forum's attendees, 200 a page; filters q, cluster, site, status, kind, page.",
           response=schema({"attendees": {"type": "array", "items": ATTENDEE_SCHEMA}, "total": {"type": "integer"},
                             "page": {"type": "integer"}}), responses={404: "No such forum."})
def list_attendees_api(forum: str):
    forum = get_forum(forum)
    site = request.args.get("site", "")
    f = services.AttendeeFilter(q=request.args.get("q", ""), cluster=request.args.get("cluster", ""),
                                site_id=int(site) if site.isdigit() else None,
                                status=request.args.get("status", ""), kind=request.args.get("kind", ""))
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    rows, total = services.list_attendees(forum, f, page=page, per_page=200, with_themes=True)
    codes = services.current_codes(forum) if rows else {}
    return jsonify({"attendees": [_as_json(a, codes.get(a.id)) for a in rows], "total": total, "page": page})


@api_route("/forums/<forum>/attendees", methods=("POST",), permission="attendee.manage", tag="attendees",
           status=201,
           summary="Add one person (invited; `invite` mails them now) or a walk-in (registered, with a ticket).",
           body=schema({"email": {"type": "string"}, "name_en": {"type": "string"}, "name_zh": {"type": "string"},
                        "title": {"type": "string"}, "department": {"type": "string"},
                        "organisation": {"type": "string"}, "site_id": {"type": "integer"},
                        "kind": {"type": "string", "enum": ["ha", "exhibitor", "organiser", "speaker", "guest"]},
                        "walk_in": {"type": "boolean"}, "invite": {"type": "boolean"}}, ["email"]),
           response=ATTENDEE_SCHEMA, responses={404: "No such forum.", 409: "The email is already on the list."})
def add_attendee_api(forum: str):
    forum = get_forum(forum)
    data = json_body()
    require_fields(data, email=str)
    for name in ("name_en", "name_zh", "title", "department", "organisation", "kind"):
        if name in data and not isinstance(data[name], str):
            raise ValidationError(_("Field %(name)s has the wrong type.", name=name), field=name)
    if "site_id" in data and (not isinstance(data["site_id"], int) or isinstance(data["site_id"], bool)):
        raise ValidationError(_("Field %(name)s has the wrong type.", name="site_id"), field="site_id")
    attendee = services.add_attendee(current_user, forum, data, walk_in=data.get("walk_in") is True,
                                     invite=data.get("invite") is True)
    db.session.commit()
    ticket = current_ticket(attendee)
    return jsonify(_as_json(attendee, code_for(ticket) if ticket else None)), 201

"""JSON: the forum's attendees for organisers' scripts (list with ticket codes; add one person or a walk-in)."""
from flask_login import current_user
from marshmallow import fields, validate

from ..api.core import api_route
from ..extensions import db
from ..forums.services import get_forum
from ..refs import parse_id
from ..schemas import ApiSchema, Bool, Int
from . import services
from .models import Attendee
from .tickets import code_for, current_ticket

KINDS = ["ha", "exhibitor", "organiser", "speaker", "guest"]


class AttendeeOut(ApiSchema):
    id = fields.Integer()
    kind = fields.String()
    status = fields.String()
    name_en = fields.String()
    name_zh = fields.String()
    email = fields.String()
    title = fields.String()
    department = fields.String()
    organisation = fields.String()
    site_id = fields.Integer(allow_none=True)
    themes = fields.List(fields.String())
    ticket_code = fields.String(allow_none=True, metadata={"description": "the exact text in the QR code"})


class AttendeePage(ApiSchema):
    attendees = fields.List(fields.Nested(AttendeeOut), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)


class AttendeeQuery(ApiSchema):
    q = fields.String(load_default="", metadata={"description": "name, email or organisation"})
    cluster = fields.String(load_default="")
    site = fields.String(load_default="", metadata={"description": "site id"})
    status = fields.String(load_default="")
    kind = fields.String(load_default="")
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))


class AttendeeIn(ApiSchema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    name_en = fields.String(validate=validate.Length(max=200))
    name_zh = fields.String(validate=validate.Length(max=200))
    title = fields.String(validate=validate.Length(max=200))
    department = fields.String(validate=validate.Length(max=200))
    organisation = fields.String(validate=validate.Length(max=200))
    site_id = Int(minimum=1)
    kind = fields.String(validate=validate.OneOf(KINDS))
    walk_in = Bool(metadata={"description": "registered now, with a ticket"})
    invite = Bool(metadata={"description": "mail the invitation now"})


def _as_json(a: Attendee, code: str | None) -> dict:
    return {"id": a.id, "kind": a.kind.value, "status": a.status.value, "name_en": a.name_en, "name_zh": a.name_zh,
            "email": a.email, "title": a.title, "department": a.department, "organisation": a.organisation,
            "site_id": a.site_id, "themes": list(a.themes or []), "ticket_code": code}


@api_route("/forums/<forum>/attendees", permission="attendee.manage", tag="attendees",
           summary="The forum's attendees, 200 a page, filtered.", query=AttendeeQuery, response=AttendeePage,
           responses={404: "No such forum."})
def list_attendees_api(forum: str, query: dict):
    forum = get_forum(forum)
    f = services.AttendeeFilter(q=query["q"], cluster=query["cluster"], site_id=parse_id(query["site"]),
                                status=query["status"], kind=query["kind"])
    page = query["page"]
    found = services.list_attendees(forum, f, page=page, per_page=200, with_themes=True)
    codes = services.current_codes(forum) if found.items else {}
    return {"attendees": [_as_json(a, codes.get(a.id)) for a in found.items], "total": found.total, "page": page}


@api_route("/forums/<forum>/attendees", methods=("POST",), permission="attendee.manage", tag="attendees",
           status=201,
           summary="Add one person (invited; `invite` mails them now) or a walk-in (registered, with a ticket).",
           body=AttendeeIn, response=AttendeeOut,
           responses={404: "No such forum.", 409: "The email is already on the list."},
           links={"CheckInStats": ("api.checkin_stats_api.get", {"forum": "$request.path.forum"}),
                  "ListAttendees": ("api.list_attendees_api.get", {"forum": "$request.path.forum"})})
def add_attendee_api(forum: str, body: dict):
    forum = get_forum(forum)
    attendee = services.add_attendee(current_user, forum, body, walk_in=body.pop("walk_in", False) is True,
                                     invite=body.pop("invite", False) is True)
    db.session.commit()
    ticket = current_ticket(attendee)
    return _as_json(attendee, code_for(ticket) if ticket else None)

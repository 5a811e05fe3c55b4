from datetime import datetime

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from ..api.core import api_route, json_body, require_fields
from ..errors import NotFound, ValidationError
from ..extensions import db
from ..permissions import can
from .models import ForumStatus
from .services import create_forum, forum_as_json, get_forum, list_forums, update_forum

FORUM_SCHEMA = {"type": "object", "properties": {
    "id": {"type": "integer"}, "slug": {"type": "string"}, "title_en": {"type": "string"},
    "title_zh": {"type": "string"}, "starts_at": {"type": "string", "format": "date-time"},
    "ends_at": {"type": "string", "format": "date-time"}, "venue": {"type": "string"},
    "status": {"type": "string"}}}


@api_route("/forums", permission="forum.view", summary="The forums of the series, newest first.",
           response={"type": "object", "properties": {"forums": {"type": "array", "items": FORUM_SCHEMA}}})
def forums():
    rows = list_forums(include_drafts=can(current_user, "forum.manage"))
    return jsonify({"forums": [forum_as_json(f) for f in rows]})


FORUM_BODY = {"type": "object", "required": ["starts_at", "ends_at"], "properties": {
    "title_en": {"type": "string"}, "title_zh": {"type": "string"}, "slug": {"type": "string"},
    "description_en": {"type": "string"}, "description_zh": {"type": "string"},
    "venue_en": {"type": "string"}, "venue_zh": {"type": "string"},
    "starts_at": {"type": "string", "format": "date-time", "description": "ISO 8601; no offset means HK time"},
    "ends_at": {"type": "string", "format": "date-time"},
    "status": {"type": "string", "enum": [s.value for s in ForumStatus]},
    "attendee_capacity": {"type": "integer"}, "booth_capacity": {"type": "integer"},
    "staff_per_booth": {"type": "integer"}, "demo_slot_count": {"type": "integer"}}}


def _parse_forum_body(data: dict) -> dict:
    values = {}
    for key in ("title_en", "title_zh", "slug", "description_en", "description_zh", "venue_en", "venue_zh",
                "status"):
        if key in data:
            if not isinstance(data[key], str):
                raise ValidationError(_("Field %(name)s has the wrong type.", name=key), field=key)
            values[key] = data[key]
    for key in ("attendee_capacity", "booth_capacity", "staff_per_booth", "demo_slot_count"):
        if key in data:
            if not isinstance(data[key], int) or isinstance(data[key], bool):
                raise ValidationError(_("Field %(name)s has the wrong type.", name=key), field=key)
            values[key] = data[key]
    for key in ("starts_at", "ends_at", "exhibitor_deadline", "registration_deadline"):
        if data.get(key) is not None:
            try:
                values[key] = datetime.fromisoformat(str(data[key]))
            except ValueError:
                raise ValidationError(_("Field %(name)s is not an ISO 8601 date and time.", name=key), field=key)
    return values


@api_route("/forums", methods=("POST",), permission="forum.manage", summary="Create a forum.",
           body=FORUM_BODY, response=FORUM_SCHEMA, responses={409: "The short name is taken."})
def create_forum_api():
    data = json_body()
    require_fields(data, starts_at=str, ends_at=str)
    forum = create_forum(current_user, _parse_forum_body(data))
    db.session.commit()
    return jsonify(forum_as_json(forum)), 201


@api_route("/forums/<forum>", permission="forum.view", summary="One forum, by id or slug.",
           response=FORUM_SCHEMA, responses={404: "No such forum."})
def forum_detail(forum: str):
    forum = get_forum(forum)
    if forum.status == ForumStatus.draft and not can(current_user, "forum.manage"):
        raise NotFound()
    return jsonify(forum_as_json(forum))


@api_route("/forums/<forum>", methods=("PATCH",), permission="forum.manage", summary="Change a forum.",
           body={**FORUM_BODY, "required": []}, response=FORUM_SCHEMA, responses={404: "No such forum."})
def update_forum_api(forum: str):
    forum = get_forum(forum)
    data = json_body()
    update_forum(current_user, forum, _parse_forum_body(data))
    db.session.commit()
    return jsonify(forum_as_json(forum))

"""GET /api/v1/forums/{forum}/agenda: the published agenda."""
from flask_login import current_user
from marshmallow import fields

from ..api.core import api_route
from ..forums.services import get_forum
from ..permissions import PUBLIC
from ..schemas import ApiSchema, HKDateTime
from . import outputs

NAMED = {"type": "object", "nullable": True, "properties": {
    "id": {"type": "integer"}, "name_en": {"type": "string"}, "name_zh": {"type": "string"}}}


class AgendaSession(ApiSchema):
    id = fields.Integer()
    kind = fields.String()
    title_en = fields.String()
    title_zh = fields.String()
    starts_at = HKDateTime()
    ends_at = HKDateTime()
    room = fields.Raw(allow_none=True, metadata=NAMED)  # the release's snapshot, as published
    exhibitor = fields.Raw(allow_none=True, metadata=NAMED)
    speakers = fields.List(fields.String())


class Agenda(ApiSchema):
    forum = fields.String(required=True, metadata={"description": "the forum's slug"})
    version = fields.Integer(allow_none=True, required=True)
    published_at = fields.String(allow_none=True, required=True, metadata={"format": "date-time"})
    sessions = fields.List(fields.Nested(AgendaSession), required=True)


@api_route("/forums/<forum>/agenda", permission=PUBLIC,
           summary="The published agenda: sessions with room, start, end, kind, exhibitor.",
           response=Agenda, responses={404: "No such forum."})
def forum_agenda(forum: str):
    target = get_forum(forum)
    release = outputs.published(target, current_user)
    return {"forum": target.slug, "version": release.number if release else None,
            "published_at": release.published_at.isoformat() if release else None,
            "sessions": [outputs.session_json(s) for s in (release.sessions if release else [])]}

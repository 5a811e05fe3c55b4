"""GET /api/v1/forums/{forum}/agenda: the published agenda."""
from flask import jsonify
from flask_login import current_user

from . import permissions as _permissions  # noqa: F401  (grants exist before @requires runs)
from ..api.core import api_route
from ..forums.services import get_forum
from ..permissions import PUBLIC, can
from . import outputs

ROOM = {"type": "object", "nullable": True, "properties": {
    "id": {"type": "integer"}, "name_en": {"type": "string"}, "name_zh": {"type": "string"}}}
SESSION = {"type": "object", "properties": {
    "id": {"type": "integer"}, "kind": {"type": "string"}, "title_en": {"type": "string"},
    "title_zh": {"type": "string"}, "starts_at": {"type": "string", "format": "date-time"},
    "ends_at": {"type": "string", "format": "date-time"}, "room": ROOM,
    "exhibitor": {"type": "object", "nullable": True, "properties": {
        "id": {"type": "integer"}, "name_en": {"type": "string"}, "name_zh": {"type": "string"}}},
    "speakers": {"type": "array", "items": {"type": "string"}}}}


@api_route("/forums/<forum>/agenda", permission=PUBLIC,
           summary="The published agenda: sessions with room, start, end, kind, exhibitor.",
           response={"type": "object", "properties": {
               "forum": {"type": "string"}, "version": {"type": "integer", "nullable": True},
               "published_at": {"type": "string", "nullable": True},
               "sessions": {"type": "array", "items": SESSION}}},
           responses={404: "No such forum."})
def forum_agenda(forum: str):
    target = get_forum(forum)
    release = outputs.published(target, can(current_user, "forum.manage"))
    return jsonify({"forum": target.slug, "version": release.number if release else None,
                    "published_at": release.published_at.isoformat() if release else None,
                    "sessions": [outputs.session_json(s) for s in (release.sessions if release else [])]})

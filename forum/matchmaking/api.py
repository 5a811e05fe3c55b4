"""Bookmarks and recommendations over JSON (see shared CONTRACT.md): the same services as the pages."""
from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from . import permissions as _permissions  # noqa: F401  (grants before @requires)
from ..api.core import api_route, json_body
from ..errors import ValidationError
from ..extensions import db
from ..forums.services import get_forum
from . import bookmarks

BOOKMARK = {"type": "object", "required": ["id", "forum", "interest"], "properties": {
    "id": {"type": "integer"}, "forum": {"type": "string", "description": "the forum's slug"},
    "solution": {"type": "integer", "nullable": True}, "exhibitor": {"type": "integer"},
    "booth": {"type": "string", "nullable": True},
    "title_en": {"type": "string"}, "title_zh": {"type": "string"},
    "interest": {"type": "string", "enum": ["curious", "follow_up", "pilot"]},
    "note": {"type": "string"}, "site": {"type": "integer", "nullable": True},
    "created_at": {"type": "string", "format": "date-time"}}}
BODY = {"type": "object", "description": "exactly one of solution, booth or exhibitor", "properties": {
    "solution": {"type": "integer"}, "booth": {"type": "string"}, "exhibitor": {"type": "integer"},
    "interest": {"type": "string", "enum": ["curious", "follow_up", "pilot"]},
    "note": {"type": "string"}, "site": {"type": "integer", "nullable": True,
                                         "description": "candidate hospital, clinic or lab (site id)"}}}
REFUSALS = {400: "Malformed body, a solution of another forum or not yet published.",
            401: "Not signed in.", 403: "Not an HA user.", 404: "No such forum, booth or bookmark."}
FIELDS = ("solution", "booth", "exhibitor", "interest", "note", "site")


def as_json(bookmark, booths: dict[int, str] | None = None) -> dict:
    solution = bookmark.solution
    return {"id": bookmark.id, "forum": bookmark.forum.slug, "solution": bookmark.solution_id,
            "exhibitor": bookmark.company_id, "booth": (booths or {}).get(bookmark.company_id),
            "title_en": solution.title_en if solution else bookmark.company.name_en,
            "title_zh": solution.title_zh if solution else bookmark.company.name_zh,
            "interest": bookmark.interest.value, "note": bookmark.note, "site": bookmark.site_id,
            "created_at": bookmark.created_at.isoformat()}


@api_route("/forums/<forum>/bookmarks", methods=("POST",), permission="bookmark.own", tag="matchmaking",
           summary="Bookmark a solution or a booth's exhibitor; repeating it changes nothing (200), a new one is 201.",
           body=BODY, response=BOOKMARK, responses=REFUSALS)
def add_bookmark_api(forum: str):
    forum = get_forum(forum)
    data = json_body()
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise ValidationError(f"Unknown field: {', '.join(unknown)}.", field=unknown[0])
    values = {k: data[k] for k in ("interest", "note") if k in data}
    if "site" in data:
        values["site_id"] = data["site"]
    bookmark, created = bookmarks.add_bookmark(current_user, forum, solution_id=data.get("solution"),
                                               booth=data.get("booth"), company_id=data.get("exhibitor"), **values)
    db.session.commit()
    return jsonify(as_json(bookmark, bookmarks.booth_codes(forum))), 201 if created else 200


@api_route("/forums/<forum>/bookmarks", permission="bookmark.own", tag="matchmaking",
           summary="The signed-in person's bookmarks at the forum.",
           response={"type": "object", "properties": {"bookmarks": {"type": "array", "items": BOOKMARK}}},
           responses={401: REFUSALS[401], 403: REFUSALS[403], 404: "No such forum."})
def list_bookmarks_api(forum: str):
    forum = get_forum(forum)
    booths = bookmarks.booth_codes(forum)
    return jsonify({"bookmarks": [as_json(b, booths) for b in bookmarks.my_bookmarks(current_user, forum)]})


@api_route("/forums/<forum>/bookmarks/<bookmark_id>", methods=("DELETE",), permission="bookmark.own",
           tag="matchmaking", summary="Remove one of the signed-in person's bookmarks.",
           response={"type": "object", "properties": {"deleted": {"type": "integer"}}},
           responses={401: REFUSALS[401], 403: REFUSALS[403], 404: "No such forum or bookmark."})
def delete_bookmark_api(forum: str, bookmark_id: str):
    forum = get_forum(forum)
    bookmark = bookmarks.get_bookmark(current_user, bookmark_id)
    deleted = bookmark.id
    bookmarks.remove_bookmark(current_user, bookmark.id, forum=forum)
    db.session.commit()
    return jsonify({"deleted": deleted})


RECOMMENDATION = {"type": "object", "properties": {
    "solution": {"type": "integer"}, "exhibitor": {"type": "integer"}, "booth": {"type": "string", "nullable": True},
    "title_en": {"type": "string"}, "title_zh": {"type": "string"}, "score": {"type": "number"},
    "reasons": {"type": "array", "items": {"type": "string"}, "description": "in the caller's language"}}}


@api_route("/forums/<forum>/recommendations", permission="recommendation.own", tag="matchmaking",
           summary="Solutions the signed-in HA person has not bookmarked, best first, each with its reasons.",
           response={"type": "object", "properties": {"recommendations": {"type": "array", "items": RECOMMENDATION}}},
           responses={401: REFUSALS[401], 403: REFUSALS[403], 404: "No such forum."})
def recommendations_api(forum: str):
    from .recommendations import for_person

    forum = get_forum(forum)
    limit = request.args.get("limit", "10")
    k = int(limit) if limit.isdecimal() and 0 < int(limit) <= 50 else 10
    return jsonify({"recommendations": [
        {"solution": r.solution.id, "exhibitor": r.solution.company_id, "booth": r.booth,
         "title_en": r.solution.title_en, "title_zh": r.solution.title_zh, "score": r.score,
         "reasons": r.sentences} for r in for_person(current_user, forum, k)]})

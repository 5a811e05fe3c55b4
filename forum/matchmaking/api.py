"""Bookmarks and recommendations over JSON (see shared CONTRACT.md): the same services as the pages."""
from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _
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
           status=(201, 200),
           summary="Bookmark a solution or a booth's exhibitor; repeating it changes nothing (200), a new one is 201.",
           body=BODY, response=BOOKMARK, responses=REFUSALS)
def add_bookmark_api(forum: str):
    forum = get_forum(forum)
    data = json_body()
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise ValidationError(_("Unknown field: %(fields)s.", fields=", ".join(unknown)), field=unknown[0])
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


PERSON = {"type": "object", "nullable": True, "properties": {
    "name_en": {"type": "string"}, "name_zh": {"type": "string"}, "organisation": {"type": "string"},
    "title": {"type": "string"}, "department": {"type": "string"}, "contact_shared": {"type": "boolean"},
    "email": {"type": "string", "nullable": True, "description": "only with the person's consent"}}}
LEAD_ANSWER = {"type": "object", "required": ["result", "attendee", "lead"], "properties": {
    "result": {"type": "string", "enum": ["ok", "already_saved", "invalid", "ticket_code", "wrong_forum"]},
    "attendee": PERSON, "lead": {"type": "integer", "nullable": True},
    "error": {"type": "object", "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}}
LEAD_SCAN = {"type": "object", "required": ["code"], "properties": {
    "code": {"type": "string", "description": "the lead code on the badge (HKL1...)"},
    "nonce": {"type": "string", "description": "8-80 characters; a resend gets the first answer"}}}
LEAD_REFUSALS = {400: "Malformed body.", 401: "Not signed in.", 403: "Not an exhibitor at this forum.",
                 404: "No such forum."}


def _scan_fields(item) -> tuple:
    if not isinstance(item, dict):
        raise ValidationError(_("Each scan is an object with a code."), field="code")
    return item.get("code"), item.get("nonce")


@api_route("/forums/<forum>/leads/scan", methods=("POST",), permission="lead.manage", tag="matchmaking",
           summary="Save the person whose badge lead code was scanned at the exhibitor's booth.",
           body=LEAD_SCAN, response=LEAD_ANSWER, responses=LEAD_REFUSALS)
def lead_scan_api(forum: str):
    from .leads import scan_lead

    forum = get_forum(forum)
    code, nonce = _scan_fields(json_body())
    answer = scan_lead(current_user, forum, code, nonce)
    db.session.commit()
    return jsonify(answer)


@api_route("/forums/<forum>/leads/batch", methods=("POST",), permission="lead.manage", tag="matchmaking",
           summary="Lead scans queued offline at the booth, judged one by one; answers in the same order.",
           body={"type": "object", "required": ["scans"], "properties": {"scans": {"type": "array",
                                                                                    "items": LEAD_SCAN}}},
           response={"type": "object", "properties": {"results": {"type": "array", "items": LEAD_ANSWER}}},
           responses=LEAD_REFUSALS)
def lead_batch_api(forum: str):
    from ..errors import DomainError
    from .leads import scan_lead

    forum = get_forum(forum)
    scans = json_body().get("scans")
    if not isinstance(scans, list) or len(scans) > 200:
        raise ValidationError(_("Send up to 200 scans in a list."), field="scans")
    results = []
    for item in scans:
        try:
            results.append(scan_lead(current_user, forum, *_scan_fields(item)))
        except ValidationError as error:
            results.append({"result": "invalid", "attendee": None, "lead": None,
                            "error": {"code": error.code, "message": error.message}})
        except DomainError:
            raise
    db.session.commit()
    return jsonify({"results": results})


@api_route("/forums/<forum>/leads", permission="lead.manage", tag="matchmaking",
           summary="The exhibitor's own leads: scanned badges and people who bookmarked it.",
           response={"type": "object", "properties": {"leads": {"type": "array", "items": {
               "type": "object", "properties": {"person": PERSON, "lead": {"type": "integer", "nullable": True},
                                                "bookmarked": {"type": "boolean"}, "rating": {"type": "integer",
                                                                                              "nullable": True},
                                                "tags": {"type": "string"}, "note": {"type": "string"}}}}}},
           responses=LEAD_REFUSALS)
def leads_api(forum: str):
    from .leads import leads_for

    forum = get_forum(forum)
    return jsonify({"leads": [{"person": r.person, "lead": r.lead.id if r.lead else None, "bookmarked": r.bookmarked,
                               "rating": r.lead.rating if r.lead else None, "tags": r.lead.tags if r.lead else "",
                               "note": r.lead.note if r.lead else ""} for r in leads_for(current_user, forum)]})

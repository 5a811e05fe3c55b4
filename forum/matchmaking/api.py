"""Bookmarks and recommendations over JSON (see shared CONTRACT.md): the same services as the pages."""
from __future__ import annotations

import marshmallow as ma
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import fields, validate

from ..api.core import api_route
from ..errors import ValidationError
from ..extensions import db
from ..forums.services import get_forum
from ..refs import parse_id
from ..schemas import ApiSchema, Int
from . import bookmarks

INTERESTS = ["curious", "follow_up", "pilot"]
REFUSALS = {400: "Malformed body, a solution of another forum or not yet published.",
            401: "Not signed in.", 403: "Not an HA user.", 404: "No such forum, booth or bookmark."}


class BookmarkOut(ApiSchema):
    id = fields.Integer(required=True)
    forum = fields.String(required=True, metadata={"description": "the forum's slug"})
    solution = fields.Integer(allow_none=True)
    exhibitor = fields.Integer()
    booth = fields.String(allow_none=True)
    title_en = fields.String()
    title_zh = fields.String()
    interest = fields.String(required=True, validate=validate.OneOf(INTERESTS))
    note = fields.String()
    site = fields.Integer(allow_none=True)
    created_at = fields.String(metadata={"format": "date-time"})


class BookmarkIn(ApiSchema):
    """Exactly one of solution, booth or exhibitor."""

    class Meta:
        unknown = ma.RAISE  # a misspelt field would otherwise bookmark something else silently

    solution = Int(minimum=1)
    booth = fields.String(validate=validate.Length(max=40))
    exhibitor = Int(minimum=1)
    interest = fields.String(validate=validate.OneOf(INTERESTS))
    note = fields.String(validate=validate.Length(max=2000))
    site = Int(minimum=1, allow_none=True, metadata={"description": "candidate hospital, clinic or lab (site id)"})


class Bookmarks(ApiSchema):
    bookmarks = fields.List(fields.Nested(BookmarkOut), required=True)


class Deleted(ApiSchema):
    deleted = fields.Integer(required=True)


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
           body=BookmarkIn, response=BookmarkOut, responses=REFUSALS,
           links={"DeleteBookmark": ("api.delete_bookmark_api.delete",
                                     {"forum": "$request.path.forum", "bookmark_id": "$response.body#/id"}),
                  "ListBookmarks": ("api.list_bookmarks_api.get", {"forum": "$request.path.forum"})})
def add_bookmark_api(forum: str, body: dict):
    forum = get_forum(forum)
    data = body
    values = {k: data[k] for k in ("interest", "note") if k in data}
    if "site" in data:
        values["site_id"] = data["site"]
    bookmark, created = bookmarks.add_bookmark(current_user, forum, solution_id=data.get("solution"),
                                               booth=data.get("booth"), company_id=data.get("exhibitor"), **values)
    # Answered from what this request wrote: another device may remove the bookmark right after the commit.
    answer = as_json(bookmark, bookmarks.booth_codes(forum))
    db.session.commit()
    return answer, 201 if created else 200


@api_route("/forums/<forum>/bookmarks", permission="bookmark.own", tag="matchmaking",
           summary="The signed-in person's bookmarks at the forum.",
           response=Bookmarks, responses={401: REFUSALS[401], 403: REFUSALS[403], 404: "No such forum."})
def list_bookmarks_api(forum: str):
    forum = get_forum(forum)
    booths = bookmarks.booth_codes(forum)
    return {"bookmarks": [as_json(b, booths) for b in bookmarks.my_bookmarks(current_user, forum)]}


@api_route("/forums/<forum>/bookmarks/<bookmark_id>", methods=("DELETE",), permission="bookmark.own",
           tag="matchmaking", summary="Remove one of the signed-in person's bookmarks.",
           response=Deleted, responses={401: REFUSALS[401], 403: REFUSALS[403], 404: "No such forum or bookmark."})
def delete_bookmark_api(forum: str, bookmark_id: str):
    forum = get_forum(forum)
    bookmark = bookmarks.get_bookmark(current_user, bookmark_id)
    deleted = bookmark.id
    bookmarks.remove_bookmark(current_user, bookmark.id, forum=forum)
    db.session.commit()
    return {"deleted": deleted}


class RecommendationOut(ApiSchema):
    solution = fields.Integer()
    exhibitor = fields.Integer()
    booth = fields.String(allow_none=True)
    title_en = fields.String()
    title_zh = fields.String()
    score = fields.Float()
    reasons = fields.List(fields.String(), metadata={"description": "in the caller's language"})


class Recommendations(ApiSchema):
    recommendations = fields.List(fields.Nested(RecommendationOut), required=True)


class RecommendationQuery(ApiSchema):
    limit = fields.String(load_default="10", metadata={"description": "how many, 1-50 (default 10)"})


@api_route("/forums/<forum>/recommendations", permission="recommendation.own", tag="matchmaking",
           summary="Solutions the signed-in HA person has not bookmarked, best first, each with its reasons.",
           query=RecommendationQuery, response=Recommendations,
           responses={401: REFUSALS[401], 403: REFUSALS[403], 404: "No such forum."})
def recommendations_api(forum: str, query: dict):
    from .recommendations import for_person

    forum = get_forum(forum)
    k = parse_id(query["limit"]) or 10
    k = k if k <= 50 else 10
    return {"recommendations": [
        {"solution": r.solution.id, "exhibitor": r.solution.company_id, "booth": r.booth,
         "title_en": r.solution.title_en, "title_zh": r.solution.title_zh, "score": r.score,
         "reasons": r.sentences} for r in for_person(current_user, forum, k)]}


class PersonOut(ApiSchema):
    name_en = fields.String()
    name_zh = fields.String()
    organisation = fields.String()
    title = fields.String()
    department = fields.String()
    contact_shared = fields.Boolean()
    email = fields.String(allow_none=True, metadata={"description": "only with the person's consent"})


class LeadProblem(ApiSchema):
    code = fields.String()
    message = fields.String()


class LeadAnswer(ApiSchema):
    result = fields.String(required=True, validate=validate.OneOf(["ok", "already_saved", "invalid", "ticket_code",
                                                                   "wrong_forum"]))
    attendee = fields.Nested(PersonOut, allow_none=True, required=True)
    lead = fields.Integer(allow_none=True, required=True)
    error = fields.Nested(LeadProblem)


class LeadScanIn(ApiSchema):
    code = fields.String(required=True, validate=validate.Length(max=200),
                         metadata={"description": "the lead code on the badge (HKL1...)"})
    nonce = fields.String(allow_none=True, metadata={"description": "8-80 characters; a resend gets the first answer"})


class LeadBatchIn(ApiSchema):
    scans = fields.List(fields.Raw(metadata={"$ref": "#/components/schemas/LeadScanIn"}), required=True,
                        validate=validate.Length(max=200), metadata={"description": "each judged on its own"})


class LeadBatchOut(ApiSchema):
    results = fields.List(fields.Nested(LeadAnswer), required=True)


class LeadOut(ApiSchema):
    person = fields.Nested(PersonOut, allow_none=True)
    lead = fields.Integer(allow_none=True)
    bookmarked = fields.Boolean()
    rating = fields.Integer(allow_none=True)
    tags = fields.String()
    note = fields.String()


class Leads(ApiSchema):
    leads = fields.List(fields.Nested(LeadOut), required=True)


LEAD_REFUSALS = {400: "Malformed body.", 401: "Not signed in.", 403: "Not an exhibitor at this forum.",
                 404: "No such forum."}


def _scan_fields(item) -> tuple:
    if not isinstance(item, dict):
        raise ValidationError(_("Each scan is an object with a code."), field="code")
    return item.get("code"), item.get("nonce")


@api_route("/forums/<forum>/leads/scan", methods=("POST",), permission="lead.manage", tag="matchmaking",
           summary="Save the person whose badge lead code was scanned at the exhibitor's booth.",
           body=LeadScanIn, response=LeadAnswer, responses=LEAD_REFUSALS)
def lead_scan_api(forum: str, body: dict):
    from .leads import scan_lead

    forum = get_forum(forum)
    answer = scan_lead(current_user, forum, body["code"], body.get("nonce"))
    db.session.commit()
    return answer


@api_route("/forums/<forum>/leads/batch", methods=("POST",), permission="lead.manage", tag="matchmaking",
           summary="Lead scans queued offline at the booth, judged one by one; answers in the same order.",
           body=LeadBatchIn, response=LeadBatchOut, responses=LEAD_REFUSALS)
def lead_batch_api(forum: str, body: dict):
    from ..errors import DomainError
    from .leads import scan_lead

    forum = get_forum(forum)
    scans = body["scans"]
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
    return {"results": results}


@api_route("/forums/<forum>/leads", permission="lead.manage", tag="matchmaking",
           summary="The exhibitor's own leads: scanned badges and people who bookmarked it.",
           response=Leads, responses=LEAD_REFUSALS)
def leads_api(forum: str):
    from .leads import leads_for

    forum = get_forum(forum)
    return {"leads": [{"person": r.person, "lead": r.lead.id if r.lead else None, "bookmarked": r.bookmarked,
                               "rating": r.lead.rating if r.lead else None, "tags": r.lead.tags if r.lead else "",
                               "note": r.lead.note if r.lead else ""} for r in leads_for(current_user, forum)]}

from flask import jsonify

from . import permissions as _permissions  # noqa: F401  (grants exist before @requires runs)
from ..api.core import api_route
from ..errors import NotFound
from ..forums.models import ForumStatus
from ..forums.services import get_forum
from ..permissions import can
from flask_login import current_user
from .directory import SOLUTION_DETAILS, approved_with_solutions, exhibitor_json

SOLUTION = {"type": "object", "properties": {
    "id": {"type": "integer"}, "title_en": {"type": "string"}, "title_zh": {"type": "string"},
    "summary_en": {"type": "string"}, "summary_zh": {"type": "string"}, "trl": {"type": "integer"},
    "regulatory_status": {"type": "string"}, "themes": {"type": "array", "items": {"type": "string"}},
    # The details in English (no suffix, as first published) and in Traditional Chinese (_zh).
    **{f"{name}{suffix}": {"type": "string"} for name in SOLUTION_DETAILS for suffix in ("", "_zh")}}}
EXHIBITOR = {"type": "object", "properties": {
    "company_id": {"type": "integer"}, "name_en": {"type": "string"}, "name_zh": {"type": "string"},
    "sector": {"type": "string"}, "website": {"type": "string"}, "booth": {"type": "string", "nullable": True},
    "description_en": {"type": "string"}, "description_zh": {"type": "string"},
    "demo_selected": {"type": "boolean"}, "solutions": {"type": "array", "items": SOLUTION}}}


@api_route("/forums/<forum>/exhibitors", permission="directory.view",
           summary="The forum's approved exhibitors with the solutions they show.",
           response={"type": "object", "properties": {"forum": {"type": "string"},
                                                      "exhibitors": {"type": "array", "items": EXHIBITOR}}},
           responses={404: "No such forum."})
def forum_exhibitors(forum: str):
    forum = get_forum(forum)
    if forum.status == ForumStatus.draft and not can(current_user, "forum.manage"):
        raise NotFound()
    return jsonify({"forum": forum.slug, "exhibitors": [exhibitor_json(a) for a in approved_with_solutions(forum)]})

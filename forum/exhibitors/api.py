"""GET /api/v1/forums/{forum}/exhibitors: approved exhibitors with their solutions."""
from flask_login import current_user
from marshmallow import fields

from ..api.core import api_route
from ..forums.services import visible_forum
from ..schemas import ApiSchema
from .directory import SOLUTION_DETAILS, approved_with_solutions, exhibitor_json


# The details come in English (no suffix, as first published) and in Traditional Chinese (_zh).
SolutionOut = type("SolutionOut", (ApiSchema,), {
    "id": fields.Integer(), "title_en": fields.String(), "title_zh": fields.String(),
    "summary_en": fields.String(), "summary_zh": fields.String(), "trl": fields.Integer(allow_none=True),
    "themes": fields.List(fields.String(), metadata={"description": "theme keys"}),
    **{f"{name}{suffix}": fields.String(allow_none=True) for name in SOLUTION_DETAILS for suffix in ("", "_zh")},
})


class ExhibitorOut(ApiSchema):
    company_id = fields.Integer()
    name_en = fields.String()
    name_zh = fields.String()
    sector = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    booth = fields.String(allow_none=True)
    description_en = fields.String()
    description_zh = fields.String()
    demo_selected = fields.Boolean()
    solutions = fields.List(fields.Nested(SolutionOut))


class Exhibitors(ApiSchema):
    forum = fields.String(required=True)
    exhibitors = fields.List(fields.Nested(ExhibitorOut), required=True)


@api_route("/forums/<forum>/exhibitors", permission="directory.view",
           summary="The forum's approved exhibitors with the solutions they show.",
           response=Exhibitors, responses={404: "No such forum."})
def forum_exhibitors(forum: str):
    forum = visible_forum(current_user, forum)
    return {"forum": forum.slug, "exhibitors": [exhibitor_json(a) for a in approved_with_solutions(forum)]}

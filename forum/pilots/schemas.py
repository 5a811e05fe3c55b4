"""The pilots API's bodies and answers (marshmallow): one declaration for validation, answers and the document."""
from __future__ import annotations

from marshmallow import fields, validate

from ..schemas import ApiSchema, Int, ISODate
from .models import Reason, Stage

STAGES = [s.value for s in Stage]
REASONS = [r.value for r in Reason]


def _date(**kwargs):
    return ISODate(allow_none=True, **kwargs)


class Champion(ApiSchema):
    name = fields.String()
    title = fields.String()


class PilotSiteOut(ApiSchema):
    id = fields.Integer(metadata={"description": "the pilot-site's id"})
    site_id = fields.Integer()
    name_en = fields.String()
    name_zh = fields.String()
    cluster = fields.String(allow_none=True)
    stage = fields.String(validate=validate.OneOf(STAGES))
    started_on = _date()
    evaluated_on = _date()
    decided_on = _date()
    success_measures = fields.String()
    results = fields.String()
    decision = fields.String()
    reason = fields.String(allow_none=True, validate=validate.OneOf(REASONS))
    reason_detail = fields.String()
    champions = fields.List(fields.Nested(Champion))


class PilotFields(ApiSchema):
    """The fields a person edits, in and out."""

    title = fields.String(validate=validate.Length(max=200))
    sponsor_name = fields.String(validate=validate.Length(max=200))
    sponsor_user_id = Int(minimum=1, allow_none=True, metadata={"description": "an HA user's id: they see the pilot"})
    department = fields.String(validate=validate.Length(max=200))
    objectives = fields.String(validate=validate.Length(max=20000))
    success_measures = fields.String(validate=validate.Length(max=20000))
    planned_start = _date()
    planned_end = _date()
    evaluation_due = _date()
    funding_scheme = fields.String(validate=validate.Length(max=200))
    budget = fields.String(validate=validate.Length(max=200))
    notes = fields.String(validate=validate.Length(max=20000))


EDITABLE = tuple(PilotFields._declared_fields)


class PilotOut(PilotFields):
    id = fields.Integer()
    version = fields.Integer()
    stage = fields.String(validate=validate.OneOf(STAGES))
    company_id = fields.Integer()
    company_en = fields.String()
    company_zh = fields.String()
    solution_id = fields.Integer(allow_none=True)
    actual_start = _date()
    actual_end = _date()
    reason = fields.String(allow_none=True)
    reason_detail = fields.String()
    forums = fields.List(fields.String(), metadata={"description": "forum slugs"})
    sites = fields.List(fields.Nested(PilotSiteOut))
    updated_at = fields.String(metadata={"format": "date-time"})


class PilotPage(ApiSchema):
    pilots = fields.List(fields.Nested(PilotOut), required=True)
    page = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    total = fields.Integer(required=True)


class ForumRefField(fields.Field):
    """A forum's id (number) or slug (text)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).update({"oneOf": [{"type": "integer"}, {"type": "string"}]})
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise validate.ValidationError("Give a forum's id or slug.")
        return value


class PilotIn(PilotFields):
    company_id = Int(minimum=1, required=True)
    solution_id = Int(minimum=1, allow_none=True)
    sites = fields.List(Int(minimum=1), required=True, validate=validate.Length(min=1, max=200),
                        metadata={"description": "site ids (GET /sites)"})
    forums = fields.List(ForumRefField(), validate=validate.Length(max=50), metadata={
        "description": "forum ids or slugs"})


class PilotChange(PilotFields):
    version = Int(required=True, metadata={"description": "the version you read; 409 if the pilot changed since"})
    stage = fields.String(validate=validate.OneOf(STAGES), metadata={
        "description": "move to this stage (the pilot, or `site`)"})
    site = Int(minimum=1, metadata={"description": "site id: move only the pilot at this site"})
    reason = fields.String(validate=validate.OneOf(REASONS), metadata={"description": "required for discontinued"})
    reason_detail = fields.String(validate=validate.Length(max=20000))
    comment = fields.String(validate=validate.Length(max=20000))
    on = ISODate(metadata={"description": "the day of the move; default today (HK)"})


class Spread(ApiSchema):
    n = fields.Integer()
    median = fields.Float(allow_none=True)
    q1 = fields.Float(allow_none=True)
    q3 = fields.Float(allow_none=True)
    min = fields.Float(allow_none=True)
    max = fields.Float(allow_none=True)


def _table(description: str):
    return fields.Raw(metadata={"description": description})


class DashboardOut(ApiSchema):
    forum = fields.String(allow_none=True, metadata={"description": "the forum's slug; null for the series"})
    funnel = fields.List(fields.Dict(), metadata={"description": "steps in order: step, companies, pilot_sites"})
    days_in_stage = fields.Dict(keys=fields.String(), values=fields.Nested(Spread))
    adoption = _table("adopted, extended and discontinued counts")
    days_from_start_to_decision = fields.Nested(Spread)
    discontinuation_reasons = _table("reason -> count")
    by_cluster = _table("rows per hospital cluster")
    by_site = _table("rows per site")
    by_theme = _table("rows per theme")
    by_forum = _table("rows per forum")
    follow_up_answers = _table("the six-month follow-up answers")


class DashboardQuery(ApiSchema):
    forum = fields.String(metadata={"description": "a forum's id or slug; none for the whole series"})

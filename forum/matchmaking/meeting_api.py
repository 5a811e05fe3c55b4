"""Follow-up meetings and the networking hour's schedule run over JSON: the same services as the pages."""
from __future__ import annotations

from flask_login import current_user
from marshmallow import fields, validate

from ..api.core import api_route
from ..refs import parse_id
from ..extensions import db
from ..forums.services import get_forum
from ..schemas import ApiSchema, Bool, HKDateTime, Int
from . import meeting_outcomes, meetings, networking

STATUSES = ["pending", "confirmed", "declined", "expired", "cancelled"]
OUTCOMES = ["no_show", "informative", "follow_up", "pilot"]


class Span(ApiSchema):
    starts_at = HKDateTime(required=True, require_offset=True)
    ends_at = HKDateTime(required=True, require_offset=True)


class OptionOut(ApiSchema):
    id = fields.Integer()
    starts_at = fields.String(metadata={"format": "date-time"})
    ends_at = fields.String(metadata={"format": "date-time"})


class MeetingPerson(ApiSchema):
    user_id = fields.Integer()
    side = fields.String()
    answer = fields.String(allow_none=True)
    name_en = fields.String()
    name_zh = fields.String()
    email = fields.String(allow_none=True, metadata={
        "description": "null when an HA person has not consented to share contact details with exhibitors"})


class OutcomeOut(ApiSchema):
    kind = fields.String(validate=validate.OneOf(OUTCOMES))
    next_step = fields.String()


class MeetingOut(ApiSchema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    company = fields.Integer()
    solution = fields.Integer(allow_none=True)
    place = fields.String()
    video_url = fields.String()
    starts_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    expires_at = fields.String(metadata={"format": "date-time"})
    options = fields.List(fields.Nested(OptionOut))
    people = fields.List(fields.Nested(MeetingPerson))
    outcome = fields.Nested(OutcomeOut, allow_none=True)


class Meetings(ApiSchema):
    meetings = fields.List(fields.Nested(MeetingOut), required=True)


class ProposalIn(ApiSchema):
    company = Int(minimum=1, required=True)
    solution = Int(minimum=1, allow_none=True)
    ha_people = fields.List(Int(minimum=1), validate=validate.Length(max=50))
    options = fields.List(fields.Nested(Span), required=True, validate=validate.Length(min=1, max=3),
                          metadata={"description": "two or three times"})
    place = fields.String(validate=validate.Length(max=200))
    video_url = fields.String(validate=validate.Length(max=500))
    subject = fields.String(validate=validate.Length(max=200))


class AnswerIn(ApiSchema):
    """Exactly one of accept, decline or other_time."""

    accept = Int(minimum=1, allow_none=True, metadata={"description": "an option id"})
    decline = Bool(allow_none=True)
    other_time = fields.Nested(Span, allow_none=True)


class OutcomeIn(ApiSchema):
    kind = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    next_step = fields.String(validate=validate.Length(max=2000))


class ScheduleRun(ApiSchema):
    status = fields.String()
    objective = fields.Integer(allow_none=True)
    bound = fields.Integer(allow_none=True, metadata={"description": "the solver's proven bound"})
    gap = fields.Float()
    seconds = fields.Float()
    meetings = fields.Integer()
    unmet = fields.List(fields.List(fields.Raw()), metadata={"description": "[person, person, why]"})
    at = fields.String(metadata={"format": "date-time"})


REFUSALS = {400: "Malformed body, a time in the past, no HA participant.", 401: "Not signed in.",
            403: "Not invited.", 404: "No such forum or meeting.", 409: "Already answered, or no longer open."}


def as_json(meeting, viewer) -> dict:
    outcome = meeting.outcome
    return {"id": meeting.id, "status": meeting.status.value, "company": meeting.company_id,
            "solution": meeting.solution_id, "place": meeting.place, "video_url": meeting.video_url,
            "starts_at": meeting.starts_at.isoformat() if meeting.starts_at else None,
            "expires_at": meeting.expires_at.isoformat(),
            "options": [{"id": o.id, "starts_at": o.starts_at.isoformat(), "ends_at": o.ends_at.isoformat()}
                        for o in meeting.options],
            "people": [{k: p[k] for k in ("user_id", "side", "answer", "name_en", "name_zh", "email")}
                       for p in meetings.people_shown(viewer, meeting)],
            "outcome": {"kind": outcome.kind.value, "next_step": outcome.next_step} if outcome else None}


def _id(value: str) -> int | None:
    return parse_id(value)


@api_route("/forums/<forum>/meetings", permission="meeting.answer", tag="meetings",
           summary="The signed-in person's meetings at the forum.",
           response=Meetings, responses={401: REFUSALS[401], 404: "No such forum."})
def list_meetings_api(forum: str):
    target = get_forum(forum)
    meetings.expire_overdue()
    db.session.commit()  # expiry on read, before loading
    found = meetings.my_meetings(current_user, target)
    return {"meetings": [as_json(m, current_user) for m in found]}


@api_route("/forums/<forum>/meetings", methods=("POST",), permission="meeting.propose", tag="meetings",
           status=201,
           summary="Propose a meeting between a company and HA people, with two or three times.",
           body=ProposalIn, response=MeetingOut, responses=REFUSALS,
           links={name: (target, {"forum": "$request.path.forum", "meeting_id": "$response.body#/id"})
                  for name, target in (("AnswerMeeting", "api.answer_meeting_api.post"),
                                       ("MeetingOutcome", "api.meeting_outcome_api.post"))})
def propose_meeting_api(forum: str, body: dict):
    target = get_forum(forum)
    data = body
    meeting = meetings.propose(current_user, target, company_id=data.get("company"),
                               ha_user_ids=data.get("ha_people") or [], solution_id=data.get("solution"),
                               options=[(o["starts_at"], o["ends_at"]) for o in data["options"]],
                               place=data.get("place") or "",
                               video_url=data.get("video_url") or "", subject=data.get("subject") or "",
                               origin="api")
    db.session.commit()
    return as_json(meeting, current_user)


@api_route("/forums/<forum>/meetings/<meeting_id>/answer", methods=("POST",), permission="meeting.answer",
           tag="meetings", summary="Accept one option, decline, or propose another time; once per person.",
           body=AnswerIn, response=MeetingOut, responses=REFUSALS)
def answer_meeting_api(forum: str, meeting_id: str, body: dict):
    target = get_forum(forum)
    meeting = meetings.get_meeting(current_user, target, _id(meeting_id))
    data = body
    span = data.get("other_time")
    other = (span["starts_at"], span["ends_at"]) if span else None
    meetings.answer(current_user, meeting, accept=data.get("accept"), decline=data.get("decline") is True,
                    other_time=other)
    db.session.commit()
    return as_json(meeting, current_user)


@api_route("/forums/<forum>/meetings/<meeting_id>/outcome", methods=("POST",), permission="meeting.answer",
           status=201,
           tag="meetings", summary="Record what came of a meeting (once): no_show, informative, follow_up or pilot.",
           body=OutcomeIn, response=MeetingOut, responses=REFUSALS)
def meeting_outcome_api(forum: str, meeting_id: str, body: dict):
    target = get_forum(forum)
    meeting = meetings.get_meeting(current_user, target, _id(meeting_id))
    data = body
    meeting_outcomes.record_outcome(current_user, meeting, kind=data.get("kind"), next_step=data.get("next_step") or "")
    db.session.commit()
    return as_json(meeting, current_user)


@api_route("/forums/<forum>/networking/<hour_id>/schedule", methods=("POST",), permission="networking.manage",
           tag="meetings", summary="Run the networking hour's scheduler (CP-SAT); locked meetings stay.",
           response=ScheduleRun,
           responses={401: REFUSALS[401], 403: "Not an organiser.", 404: "No such forum or hour.",
                      409: "Locked meetings that cannot all be kept."})
def networking_schedule_api(forum: str, hour_id: str):
    target = get_forum(forum)
    summary = networking.run(current_user, networking.get_hour(target, _id(hour_id)))
    db.session.commit()
    return summary


class TableScanIn(ApiSchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=200),
                         metadata={"description": "the ticket code on the badge (HKF...)"})
    # A <select> value may arrive as text ("2"): accepted when it is a whole number.
    table = fields.Raw(required=True, metadata={"description": "the table the scanner stands at (integer)"})


class TableScanPerson(ApiSchema):
    name_en = fields.String()
    name_zh = fields.String()
    organisation = fields.String()


class TableScanAnswer(ApiSchema):
    result = fields.String(required=True, validate=validate.OneOf([
        "ok", "already_recorded", "invalid", "revoked", "wrong_forum", "outside_hour", "not_scheduled",
        "no_meeting_now", "wrong_table", "not_your_meeting"]))
    attendee = fields.Nested(TableScanPerson, allow_none=True, required=True)
    meeting = fields.Integer(allow_none=True)
    table = fields.Integer(allow_none=True)
    happened = fields.Boolean(metadata={"description": "both people of the meeting are recorded at the table"})
    note = fields.String()
    error = fields.Dict()


@api_route("/forums/<forum>/networking/<hour_id>/scans", methods=("POST",), permission="networking.scan",
           tag="meetings", summary="A badge (the door ticket's QR code) scanned at a networking table: records the "
                                   "holder's attendance at their meeting in the slot running now; a repeat changes "
                                   "nothing. The server's clock decides the slot.",
           body=TableScanIn, response=TableScanAnswer,
           responses={400: "Malformed body or no such table.", 401: REFUSALS[401],
                      403: "Not door staff, an organiser or a participant.", 404: "No such forum or hour."})
def networking_scan_api(forum: str, hour_id: str, body: dict):
    from .table_scans import scan_at_table

    target = get_forum(forum)
    hour = networking.get_hour(target, _id(hour_id))
    table = body["table"]
    if not isinstance(table, bool) and isinstance(table, (str, int)):
        table = parse_id(str(table))
    answer = scan_at_table(current_user, hour, code=body["code"], table=table)
    db.session.commit()
    return answer

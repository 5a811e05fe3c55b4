"""Follow-up meetings and the networking hour's schedule run over JSON: the same services as the pages."""
from __future__ import annotations

from datetime import datetime

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from . import permissions as _permissions  # noqa: F401  (grants before @requires)
from ..api.core import api_route, json_body
from ..errors import ValidationError
from ..extensions import db
from ..forums.services import get_forum
from . import meeting_outcomes, meetings, networking

MEETING = {"type": "object", "properties": {
    "id": {"type": "integer"}, "status": {"type": "string",
                                          "enum": ["pending", "confirmed", "declined", "expired", "cancelled"]},
    "company": {"type": "integer"}, "solution": {"type": "integer", "nullable": True},
    "place": {"type": "string"}, "video_url": {"type": "string"},
    "starts_at": {"type": "string", "format": "date-time", "nullable": True},
    "expires_at": {"type": "string", "format": "date-time"},
    "options": {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "integer"}, "starts_at": {"type": "string", "format": "date-time"},
        "ends_at": {"type": "string", "format": "date-time"}}}},
    "people": {"type": "array", "items": {"type": "object", "description": "email is null when an HA person has "
                                          "not consented to share contact details with exhibitors"}},
    "outcome": {"type": "object", "nullable": True}}}
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
    return int(value) if value.isdigit() else None


def _time(value, field):
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ValidationError(_("Give times as ISO 8601 with a time zone."), field=field)
    return parsed


def _span(item, field):
    if not isinstance(item, dict):
        raise ValidationError(_("Give times as ISO 8601 with a time zone."), field=field)
    return _time(item.get("starts_at"), field), _time(item.get("ends_at"), field)


@api_route("/forums/<forum>/meetings", permission="meeting.answer", tag="meetings",
           summary="The signed-in person's meetings at the forum.",
           response={"type": "object", "properties": {"meetings": {"type": "array", "items": MEETING}}},
           responses={401: REFUSALS[401], 404: "No such forum."})
def list_meetings_api(forum: str):
    target = get_forum(forum)
    meetings.expire_overdue()
    db.session.commit()  # expiry on read, before loading
    found = meetings.my_meetings(current_user, target)
    return jsonify({"meetings": [as_json(m, current_user) for m in found]})


@api_route("/forums/<forum>/meetings", methods=("POST",), permission="meeting.propose", tag="meetings",
           summary="Propose a meeting between a company and HA people, with two or three times.",
           body={"type": "object", "required": ["company", "options"], "properties": {
               "company": {"type": "integer"}, "solution": {"type": "integer"},
               "ha_people": {"type": "array", "items": {"type": "integer"}},
               "options": {"type": "array", "minItems": 2, "maxItems": 3, "items": {"type": "object", "properties": {
                   "starts_at": {"type": "string", "format": "date-time"},
                   "ends_at": {"type": "string", "format": "date-time"}}}},
               "place": {"type": "string"}, "video_url": {"type": "string"}, "subject": {"type": "string"}}},
           response=MEETING, responses=REFUSALS)
def propose_meeting_api(forum: str):
    target = get_forum(forum)
    data = json_body()
    options = data.get("options")
    if not isinstance(options, list):
        raise ValidationError(_("Propose two or three times."), field="options")
    if not isinstance(data.get("ha_people") or [], list):
        raise ValidationError(_("Invite HA staff only."), field="ha_people")
    meeting = meetings.propose(current_user, target, company_id=data.get("company"),
                               ha_user_ids=data.get("ha_people") or [], solution_id=data.get("solution"),
                               options=[_span(o, "options") for o in options], place=data.get("place") or "",
                               video_url=data.get("video_url") or "", subject=data.get("subject") or "",
                               origin="api")
    db.session.commit()
    return jsonify(as_json(meeting, current_user)), 201


@api_route("/forums/<forum>/meetings/<meeting_id>/answer", methods=("POST",), permission="meeting.answer",
           tag="meetings", summary="Accept one option, decline, or propose another time; once per person.",
           body={"type": "object", "description": "exactly one of accept, decline or other_time", "properties": {
               "accept": {"type": "integer", "description": "an option id"}, "decline": {"type": "boolean"},
               "other_time": {"type": "object", "properties": {"starts_at": {"type": "string"},
                                                               "ends_at": {"type": "string"}}}}},
           response=MEETING, responses=REFUSALS)
def answer_meeting_api(forum: str, meeting_id: str):
    target = get_forum(forum)
    meeting = meetings.get_meeting(current_user, target, _id(meeting_id))
    data = json_body()
    other = _span(data["other_time"], "other_time") if data.get("other_time") is not None else None
    meetings.answer(current_user, meeting, accept=data.get("accept"), decline=data.get("decline") is True,
                    other_time=other)
    db.session.commit()
    return jsonify(as_json(meeting, current_user))


@api_route("/forums/<forum>/meetings/<meeting_id>/outcome", methods=("POST",), permission="meeting.answer",
           tag="meetings", summary="Record what came of a meeting (once): no_show, informative, follow_up or pilot.",
           body={"type": "object", "required": ["kind"], "properties": {
               "kind": {"type": "string", "enum": ["no_show", "informative", "follow_up", "pilot"]},
               "next_step": {"type": "string"}}},
           response=MEETING, responses=REFUSALS)
def meeting_outcome_api(forum: str, meeting_id: str):
    target = get_forum(forum)
    meeting = meetings.get_meeting(current_user, target, _id(meeting_id))
    data = json_body()
    meeting_outcomes.record_outcome(current_user, meeting, kind=data.get("kind"), next_step=data.get("next_step") or "")
    db.session.commit()
    return jsonify(as_json(meeting, current_user)), 201


@api_route("/forums/<forum>/networking/<hour_id>/schedule", methods=("POST",), permission="networking.manage",
           tag="meetings", summary="Run the networking hour's scheduler (CP-SAT); locked meetings stay.",
           response={"type": "object", "properties": {
               "status": {"type": "string"}, "objective": {"type": "integer"},
               "bound": {"type": "integer", "description": "the solver's proven bound"}, "gap": {"type": "number"},
               "seconds": {"type": "number"}, "meetings": {"type": "integer"},
               "unmet": {"type": "array", "items": {"type": "array"}}}},
           responses={401: REFUSALS[401], 403: "Not an organiser.", 404: "No such forum or hour.",
                      409: "Locked meetings that cannot all be kept."})
def networking_schedule_api(forum: str, hour_id: str):
    target = get_forum(forum)
    summary = networking.run(current_user, networking.get_hour(target, _id(hour_id)))
    db.session.commit()
    return jsonify(summary)


TABLE_SCAN_ANSWER = {"type": "object", "required": ["result", "attendee"], "properties": {
    "result": {"type": "string", "enum": ["ok", "already_recorded", "invalid", "revoked", "wrong_forum",
                                          "outside_hour", "not_scheduled", "no_meeting_now", "wrong_table",
                                          "not_your_meeting"]},
    "attendee": {"type": "object", "nullable": True, "properties": {
        "name_en": {"type": "string"}, "name_zh": {"type": "string"}, "organisation": {"type": "string"}}},
    "meeting": {"type": "integer", "nullable": True}, "table": {"type": "integer", "nullable": True},
    "happened": {"type": "boolean", "description": "both people of the meeting are recorded at the table"},
    "note": {"type": "string"},
    "error": {"type": "object", "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}}


@api_route("/forums/<forum>/networking/<hour_id>/scans", methods=("POST",), permission="networking.scan",
           tag="meetings", summary="A badge (the door ticket's QR code) scanned at a networking table: records the "
                                   "holder's attendance at their meeting in the slot running now; a repeat changes "
                                   "nothing. The server's clock decides the slot.",
           body={"type": "object", "required": ["code", "table"], "properties": {
               "code": {"type": "string", "description": "the ticket code on the badge (HKF...)"},
               "table": {"type": "integer", "description": "the table the scanner stands at"}}},
           response=TABLE_SCAN_ANSWER,
           responses={400: "Malformed body or no such table.", 401: REFUSALS[401],
                      403: "Not door staff, an organiser or a participant.", 404: "No such forum or hour."})
def networking_scan_api(forum: str, hour_id: str):
    from .table_scans import scan_at_table

    target = get_forum(forum)
    hour = networking.get_hour(target, _id(hour_id))
    data = json_body()
    table = data.get("table")
    if isinstance(table, str) and table.isdigit():  # a <select> value sent as it is
        table = int(table)
    answer = scan_at_table(current_user, hour, code=data.get("code"), table=table)
    db.session.commit()
    return jsonify(answer)

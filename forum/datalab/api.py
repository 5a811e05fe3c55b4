"""Data-lab JSON API: application status, booking a seat, the lab door. Same services as the pages."""
from __future__ import annotations

from datetime import date

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from . import permissions as _permissions  # noqa: F401  (grants before @requires)
from ..api.core import api_route, json_body, require_fields, schema
from ..checkin.services import parse_batch, parse_scan
from ..db import utcnow
from ..refs import parse_id
from ..errors import NotFound, ValidationError
from ..extensions import db
from . import applications, bookings, door, review

APPLICATION = schema({
    "id": {"type": "integer"}, "title": {"type": "string"}, "status": {"type": "string"},
    "revision": {"type": "integer"}, "pass_from": {"type": "string", "nullable": True, "format": "date"},
    "pass_until": {"type": "string", "nullable": True, "format": "date"}, "days_left": {"type": "integer"},
    "waiting_on": {"type": "array", "items": {"type": "string"}},
    "steps": {"type": "array", "items": schema({"at": {"type": "string"}, "action": {"type": "string"}})}})
BOOKING_IN = schema({"member_id": {"type": "integer", "description": "user id of a named team member"},
                     "workstation_id": {"type": "integer"}, "day": {"type": "string", "format": "date"},
                     "session": {"type": "string", "enum": ["am", "pm"]}},
                    ["member_id", "workstation_id", "day", "session"])
BOOKING_OUT = schema({"id": {"type": "integer"}, "day": {"type": "string"}, "session": {"type": "string"},
                      "workstation": {"type": "string"}, "days_left": {"type": "integer"}})
DOOR_IN = schema({"code": {"type": "string"}, "point": {"type": "string", "enum": ["in", "out"]},
                  "nonce": {"type": "string", "description": "8-80 characters, unique per scan; a resend gets the "
                                                             "first answer"},
                  "scanned_at": {"type": "string", "format": "date-time",
                                 "description": "device time of the scan (batch only)"}}, ["code"])
DOOR_OUT = schema({"result": {"type": "string", "enum": ["ok", "left", "refused", "invalid", "error"]},
                   "attendee": {"type": "object", "nullable": True}, "seat": {"type": "string", "nullable": True},
                   "error": schema({"message": {"type": "string", "description": "why entry is refused"}})})


def _number(value: str) -> int:
    number = parse_id(value)
    if number is None:
        raise NotFound()
    return number


@api_route("/datalab/applications/<application_id>", permission="datalab.view", tag="datalab",
           summary="A data-lab application's status, pass and every step so far.", response=APPLICATION,
           responses={401: "Missing or unknown token.", 403: "Not yours to see.", 404: "No such application."})
def application_api(application_id: str):
    application = applications.get_application(current_user, _number(application_id))
    waiting = [r.committee.name_en for r in review.current_reviews(application) if r.decision is None]
    return jsonify({"id": application.id, "title": application.title, "status": application.status.value,
                    "revision": application.revision,
                    "pass_from": application.pass_from.isoformat() if application.pass_from else None,
                    "pass_until": application.pass_until.isoformat() if application.pass_until else None,
                    "days_left": bookings.days_left(application), "waiting_on": waiting,
                    "steps": [{"at": e.at.isoformat(), "action": e.action}
                              for e in applications.history(application)]})


@api_route("/datalab/applications/<application_id>/bookings", methods=("POST",), permission="datalab.book",
           status=201,
           tag="datalab", summary="Book a seat for a named member; the database refuses a taken seat (409).",
           body=BOOKING_IN, response=BOOKING_OUT,
           responses={400: "Outside the pass, closed day, quota used.", 409: "Seat or day just taken."})
def booking_api(application_id: str):
    data = json_body()
    require_fields(data, member_id=int, workstation_id=int, day=str, session=str)
    try:
        day = date.fromisoformat(data["day"])
    except ValueError:
        raise ValidationError(_("Field %(name)s is not an ISO 8601 date and time.", name="day"), field="day")
    application = applications.get_application(current_user, _number(application_id))
    booking = bookings.book(current_user, application, data["member_id"], data["workstation_id"], day,
                            data["session"], now=utcnow())
    db.session.commit()
    return jsonify({"id": booking.id, "day": booking.day.isoformat(), "session": booking.session,
                    "workstation": booking.workstation.code, "days_left": bookings.days_left(application)}), 201


@api_route("/datalab/door", methods=("POST",), permission="datalab.staff", tag="datalab",
           summary="Judge a lab pass at the door (point 'in' or 'out'); refusals say why.", body=DOOR_IN,
           response=DOOR_OUT, responses={401: "Missing or unknown token.", 403: "Not lab staff."})
def door_api():
    data = json_body()
    require_fields(data, code=str)
    nonce = parse_scan(data).nonce  # the same shape checks as the forum door
    answer = door.scan(current_user, data["code"], data.get("point") or "in", now=utcnow(), nonce=nonce)
    db.session.commit()
    return jsonify(answer)


@api_route("/datalab/door/batch", methods=("POST",), permission="datalab.staff", tag="datalab",
           summary="Lab-door scans queued offline, each judged like a single scan at its scanned_at; answers in "
                   "the same order, a resent nonce gets the first answer.",
           body={"type": "object", "required": ["scans"], "properties": {"scans": {"type": "array", "items": DOOR_IN}}},
           response={"type": "object", "properties": {"results": {"type": "array", "items": DOOR_OUT}}},
           responses={400: "Not a list of scans.", 401: "Missing or unknown token.", 403: "Not lab staff."})
def door_batch_api():
    answers = door.scan_batch(current_user, parse_batch(json_body()), now=utcnow())
    db.session.commit()
    return jsonify({"results": answers})

"""Data-lab JSON API: application status, booking a seat, the lab door. Same services as the pages."""
from __future__ import annotations

from flask_login import current_user
from marshmallow import fields, validate

from . import permissions as _permissions  # noqa: F401  (grants before @requires)
from ..api.core import api_route
from ..checkin.schemas import ScanIn
from ..checkin.services import parse_batch
from ..db import utcnow
from ..refs import parse_id
from ..errors import NotFound
from ..schemas import ApiSchema, HKDateTime, Int, ISODate
from ..extensions import db
from . import applications, bookings, door, review

class Step(ApiSchema):
    at = fields.String(metadata={"format": "date-time"})
    action = fields.String()


class ApplicationOut(ApiSchema):
    id = fields.Integer()
    title = fields.String()
    status = fields.String()
    revision = fields.Integer()
    pass_from = ISODate(allow_none=True)
    pass_until = ISODate(allow_none=True)
    days_left = fields.Integer()
    waiting_on = fields.List(fields.String(), metadata={"description": "committees yet to decide"})
    steps = fields.List(fields.Nested(Step))


class BookingIn(ApiSchema):
    member_id = Int(minimum=1, required=True, metadata={"description": "user id of a named team member"})
    workstation_id = Int(minimum=1, required=True)
    day = ISODate(required=True)
    session = fields.String(required=True, validate=validate.OneOf(["am", "pm"]))


class BookingOut(ApiSchema):
    id = fields.Integer()
    day = fields.String(metadata={"format": "date"})
    session = fields.String()
    workstation = fields.String()
    days_left = fields.Integer()


class DoorIn(ApiSchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=200))
    point = fields.String(allow_none=True, validate=validate.OneOf(["in", "out"]))
    nonce = ScanIn._declared_fields["nonce"]
    scanned_at = HKDateTime(allow_none=True, metadata={"description": "device time of the scan (batch only)"})


class DoorPerson(ApiSchema):
    name_en = fields.String()
    name_zh = fields.String()
    organisation = fields.String()
    access_needs = fields.String()
    kind = fields.String()


class DoorProblem(ApiSchema):
    code = fields.String()
    message = fields.String(metadata={"description": "why entry is refused"})


class DoorAnswer(ApiSchema):
    result = fields.String(required=True, validate=validate.OneOf(["ok", "left", "refused", "invalid", "error"]))
    attendee = fields.Nested(DoorPerson, allow_none=True)
    seat = fields.String(allow_none=True)
    error = fields.Nested(DoorProblem)


class DoorBatchIn(ApiSchema):
    scans = fields.List(fields.Raw(metadata={"$ref": "#/components/schemas/DoorIn"}), required=True,
                        metadata={"description": "each judged on its own, like a single scan"})


class DoorBatchOut(ApiSchema):
    results = fields.List(fields.Nested(DoorAnswer), required=True)


def _number(value: str) -> int:
    number = parse_id(value)
    if number is None:
        raise NotFound()
    return number


@api_route("/datalab/applications/<application_id>", permission="datalab.view", tag="datalab",
           summary="A data-lab application's status, pass and every step so far.", response=ApplicationOut,
           responses={401: "Missing or unknown token.", 403: "Not yours to see.", 404: "No such application."})
def application_api(application_id: str):
    application = applications.get_application(current_user, _number(application_id))
    waiting = [r.committee.name_en for r in review.current_reviews(application) if r.decision is None]
    return {"id": application.id, "title": application.title, "status": application.status.value,
                    "revision": application.revision,
                    "pass_from": application.pass_from.isoformat() if application.pass_from else None,
                    "pass_until": application.pass_until.isoformat() if application.pass_until else None,
                    "days_left": bookings.days_left(application), "waiting_on": waiting,
                    "steps": [{"at": e.at.isoformat(), "action": e.action}
                              for e in applications.history(application)]}


@api_route("/datalab/applications/<application_id>/bookings", methods=("POST",), permission="datalab.book",
           status=201,
           tag="datalab", summary="Book a seat for a named member; the database refuses a taken seat (409).",
           body=BookingIn, response=BookingOut,
           responses={400: "Outside the pass, closed day, quota used.", 409: "Seat or day just taken."})
def booking_api(application_id: str, body: dict):
    data, day = body, body["day"]
    application = applications.get_application(current_user, _number(application_id))
    booking = bookings.book(current_user, application, data["member_id"], data["workstation_id"], day,
                            data["session"], now=utcnow())
    db.session.commit()
    return {"id": booking.id, "day": booking.day.isoformat(), "session": booking.session,
            "workstation": booking.workstation.code, "days_left": bookings.days_left(application)}


@api_route("/datalab/door", methods=("POST",), permission="datalab.staff", tag="datalab",
           summary="Judge a lab pass at the door (point 'in' or 'out'); refusals say why.", body=DoorIn,
           response=DoorAnswer, responses={401: "Missing or unknown token.", 403: "Not lab staff."})
def door_api(body: dict):
    answer = door.scan(current_user, body["code"], body.get("point") or "in", now=utcnow(), nonce=body.get("nonce"))
    db.session.commit()
    return answer


@api_route("/datalab/door/batch", methods=("POST",), permission="datalab.staff", tag="datalab",
           summary="Lab-door scans queued offline, each judged like a single scan at its scanned_at; answers in "
                   "the same order, a resent nonce gets the first answer.",
           body=DoorBatchIn, response=DoorBatchOut,
           responses={400: "Not a list of scans.", 401: "Missing or unknown token.", 403: "Not lab staff."})
def door_batch_api(body: dict):
    answers = door.scan_batch(current_user, parse_batch(body), now=utcnow())
    db.session.commit()
    return {"results": answers}

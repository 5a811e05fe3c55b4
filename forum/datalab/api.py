"""Data-lab JSON API: application status, booking a seat. Same services as the pages. The lab door's scans
go to its check-in point (POST /api/v1/checkin/points/{id}/checkins, judged by door.judge)."""
from __future__ import annotations

from flask_login import current_user
from marshmallow import fields, validate

from ..api.core import api_route
from ..db import utcnow
from ..refs import parse_id
from ..errors import NotFound
from ..schemas import ApiSchema, Int, ISODate
from ..extensions import db
from . import applications, bookings, review

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

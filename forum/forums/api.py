"""Forums over JSON: list, read, create and change (see shared CONTRACT.md)."""
from flask_login import current_user
from marshmallow import fields, validate

from ..api.core import api_route
from ..schemas import ApiSchema, Bool, HKDateTime, Int
from ..extensions import db
from .models import ForumStatus
from .services import create_forum, forums_seen_by, get_forum, update_forum, visible_forum

STATUSES = [s.value for s in ForumStatus]


class ForumOut(ApiSchema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    title_en = fields.String(required=True)
    title_zh = fields.String(required=True)
    starts_at = HKDateTime(required=True)
    ends_at = HKDateTime(required=True)
    venue = fields.Function(lambda f: f.venue_en or f.venue_zh, metadata={
        "type": "string", "description": "the English venue, else the Chinese"})
    venue_en = fields.String()
    venue_zh = fields.String()
    status = fields.Function(lambda f: f.status.value, metadata={"type": "string", "enum": STATUSES})
    exhibitor_deadline = HKDateTime(allow_none=True)
    registration_deadline = HKDateTime(allow_none=True)


class ForumList(ApiSchema):
    forums = fields.List(fields.Nested(ForumOut), required=True)


def _text(limit: int | None = None):
    return fields.String(validate=validate.Length(max=limit) if limit else None)


class ForumIn(ApiSchema):
    title_en = _text(200)
    title_zh = _text(200)
    slug = fields.String(validate=validate.Length(max=80),
                         metadata={"description": "lower-case letters, digits and dashes; default from the title"})
    description_en = _text(20000)
    description_zh = _text(20000)
    venue_en = _text(200)
    venue_zh = _text(200)
    starts_at = HKDateTime(required=True)
    ends_at = HKDateTime(required=True)
    exhibitor_deadline = HKDateTime(allow_none=True)
    registration_deadline = HKDateTime(allow_none=True)
    status = fields.String(validate=validate.OneOf(STATUSES))
    attendee_capacity = Int(minimum=1)
    booth_capacity = Int(minimum=1)
    staff_per_booth = Int(minimum=1)
    demo_slot_count = Int()
    door_shows_access_needs = Bool()


class ForumChange(ForumIn):
    starts_at = HKDateTime()
    ends_at = HKDateTime()


def _forum_links(slug: str) -> dict:
    """OpenAPI links from an answer naming a forum to what can be done with that forum."""
    return {name: (target, {"forum": slug}) for name, target in (
        ("GetForum", "api.forum_detail.get"), ("UpdateForum", "api.update_forum_api.patch"),
        ("AddAttendee", "api.add_attendee_api.post"), ("ListAttendees", "api.list_attendees_api.get"),
        ("CheckIn", "api.checkin_api.post"), ("CheckInStats", "api.checkin_stats_api.get"),
        ("Agenda", "api.forum_agenda.get"), ("Exhibitors", "api.forum_exhibitors.get"),
        ("AddBookmark", "api.add_bookmark_api.post"), ("ListBookmarks", "api.list_bookmarks_api.get"),
        ("ProposeMeeting", "api.propose_meeting_api.post"), ("ListMeetings", "api.list_meetings_api.get"))}


@api_route("/forums", permission="forum.view", summary="The forums of the series, newest first.",
           response=ForumList, links=_forum_links("$response.body#/forums/0/slug"))
def forums():
    return {"forums": forums_seen_by(current_user)}


@api_route("/forums", methods=("POST",), permission="forum.manage", summary="Create a forum.",
           body=ForumIn, response=ForumOut, status=201, responses={409: "The short name is taken."},
           links=_forum_links("$response.body#/slug"))
def create_forum_api(body: dict):
    forum = create_forum(current_user, body)
    db.session.commit()
    return forum


@api_route("/forums/<forum>", permission="forum.view", summary="One forum, by id or slug.",
           response=ForumOut, responses={404: "No such forum."})
def forum_detail(forum: str):
    return visible_forum(current_user, forum)


@api_route("/forums/<forum>", methods=("PATCH",), permission="forum.manage", summary="Change a forum.",
           body=ForumChange, response=ForumOut, responses={404: "No such forum.", 409: "The short name is taken."})
def update_forum_api(forum: str, body: dict):
    forum = get_forum(forum)
    update_forum(current_user, forum, body)
    db.session.commit()
    return forum

"""Audit events as sentences people read ("Mandy Lo submitted the application", "Status: draft → submitted").

The stored record keeps the machine form (action key, field names, raw values); this module only
words it, in the reader's language, and leaves out internal fields for readers outside the staff.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from flask_babel import lazy_gettext as _l

from ..i18n import both_names, hk_datetime

# What happened, by action key. %(who)s is the person (or "the system").
ACTIONS = {
    "application.create": _l("%(who)s started the application"),
    "application.update": _l("%(who)s changed the application"),
    "application.submit": _l("%(who)s submitted the application"),
    "application.approve": _l("%(who)s approved the application"),
    "application.waitlist": _l("%(who)s put the application on the waiting list"),
    "application.reject": _l("%(who)s declined the application"),
    "application.booth": _l("%(who)s assigned the booth"),
    "application.demo_score": _l("%(who)s scored the stage demo"),
    "application.demo_select": _l("%(who)s chose the stage demos"),
    "attendee.add": _l("%(who)s added an attendee"),
    "attendee.import": _l("%(who)s imported the invitation list"),
    "attendee.import_create": _l("%(who)s added an attendee from the invitation list"),
    "attendee.import_update": _l("%(who)s updated an attendee from the invitation list"),
    "attendee.invite": _l("%(who)s sent the invitation"),
    "attendee.register": _l("%(who)s registered"),
    "attendee.declined": _l("%(who)s declined the invitation"),
    "attendee.cancelled": _l("%(who)s cancelled the registration"),
    "attendee.reissue_ticket": _l("%(who)s reissued the ticket"),
    "attendee.update": _l("%(who)s changed the attendee's details"),
    "attendee.walk_in": _l("%(who)s registered a walk-in"),
    "attendee.export": _l("%(who)s exported the attendee list"),
    "attendee.badges_download": _l("%(who)s downloaded badges"),
    "checkin.annul": _l("%(who)s annulled a check-in"),
    "job.start": _l("%(who)s started a background job"),
    "job.retry": _l("%(who)s asked a failed background job to run again"),
    "checkin.search": _l("%(who)s searched attendees at the door"),
    "checkin_point.create": _l("%(who)s added a check-in point"),
    "checkin_point.update": _l("%(who)s changed a check-in point"),
    "company.create": _l("%(who)s signed up the company"),
    "company.update": _l("%(who)s changed the company profile"),
    "company.admin_add": _l("%(who)s made a colleague a company administrator"),
    "company.member_remove": _l("%(who)s removed a colleague from the company"),
    "solution.create": _l("%(who)s added a solution"),
    "solution.update": _l("%(who)s changed a solution"),
    "forum.create": _l("%(who)s created the forum"),
    "forum.update": _l("%(who)s changed the forum"),
    "invitation.create": _l("%(who)s invited someone to an account"),
    "invitation.accept": _l("%(who)s accepted an account invitation"),
    "invitation.revoke": _l("%(who)s withdrew an account invitation"),
    "kiosk.start": _l("%(who)s started kiosk mode"),
    "kiosk.exit": _l("%(who)s ended kiosk mode"),
    "kiosk.exit_refused": _l("Someone tried to end kiosk mode with a wrong PIN"),
    "kiosk.pin_set": _l("%(who)s set the kiosk PIN"),
    "user.login": _l("%(who)s signed in"),
    "user.login_failed": _l("A sign-in failed"),
    "user.create": _l("%(who)s created an account"),
    "user.update": _l("%(who)s changed an account"),
    "user.role": _l("%(who)s changed an account's role"),
    "user.active": _l("%(who)s turned an account on or off"),
    "user.password_change": _l("%(who)s changed their password"),
    "user.password_reset": _l("%(who)s reset their password"),
    "user.email_verified": _l("%(who)s confirmed their email address"),
    "lead.scan": _l("%(who)s scanned a visitor's lead code"),
    "lead.update": _l("%(who)s updated a lead"),
    "lead.connect_request": _l("%(who)s asked the partnership team to connect"),
    "bookmark.add": _l("%(who)s bookmarked a booth"),
    "bookmark.remove": _l("%(who)s removed a bookmark"),
    "pilot.create": _l("%(who)s proposed a pilot"),
    "pilot.stage": _l("%(who)s moved a pilot to another stage"),
    "pilot.update": _l("%(who)s changed a pilot"),
    "agenda.publish": _l("%(who)s published the agenda"),
    "site.create": _l("%(who)s added a site"),
    "site.update": _l("%(who)s changed a site"),
    "theme.save": _l("%(who)s changed the theme list"),
    "agenda.room_add": _l("%(who)s added a room"),
    "agenda.session_add": _l("%(who)s added a session"),
    "agenda.session_change": _l("%(who)s changed a session"),
    "agenda.session_cancel": _l("%(who)s cancelled a session"),
    "agenda.session_pin": _l("%(who)s pinned a session to its time"),
    "agenda.slots_open": _l("%(who)s opened demo slots in a room"),
    "agenda.booth_slots_open": _l("%(who)s opened demo slots at the booth"),
    "agenda.book": _l("%(who)s booked a demo slot"),
    "agenda.booking_cancel": _l("%(who)s cancelled a demo booking"),
    "agenda.schedule": _l("%(who)s ran the programme scheduler"),
    "attendee.exhibitor_staff": _l("%(who)s put the company's booth staff on the attendee list"),
    "bookmark.update": _l("%(who)s updated a bookmark"),
    "exhibitor.export": _l("%(who)s exported the exhibitor list"),
    "meeting.propose": _l("%(who)s proposed a meeting"),
    "meeting.answer": _l("%(who)s answered a meeting invitation"),
    "meeting.confirm": _l("The meeting is confirmed"),
    "meeting.declined": _l("The meeting was declined"),
    "meeting.cancel": _l("%(who)s cancelled a meeting"),
    "meeting.update": _l("%(who)s changed the meeting's place"),
    "meeting.outcome": _l("%(who)s recorded what came of a meeting"),
    "networking.open": _l("%(who)s opened the networking hour"),
    "networking.run": _l("%(who)s ran the networking scheduler"),
    "networking.lock": _l("%(who)s fixed a networking meeting"),
    "networking.happened": _l("%(who)s confirmed a networking meeting took place"),
    "pilot.site_add": _l("%(who)s added a site to a pilot"),
    "pilot.site_update": _l("%(who)s changed a pilot at a site"),
    "pilot.champion_add": _l("%(who)s named a pilot champion"),
    "pilot.comment": _l("%(who)s commented on a pilot"),
    "pilot.document_add": _l("%(who)s added a pilot document"),
    "pilot.follow_up_sent": _l("%(who)s sent the six-month pilot follow-up"),
    "pilot.follow_up_answer": _l("A pilot follow-up was answered"),
    "survey.edit": _l("%(who)s changed the survey questions"),
    "survey.send": _l("%(who)s sent the survey"),
    "token.issue": _l("%(who)s created an API token"),
    "token.revoke": _l("%(who)s revoked an API token"),
    "user.unconfirmed_replaced": _l("An unconfirmed account was replaced by a new sign-up"),
    "person.erase": _l("%(who)s erased a person's personal data"),
    "person.export": _l("%(who)s downloaded their personal data"),
    "forum.purge": _l("%(who)s anonymised the forum's attendees at the end of its retention period"),
}

# Features that word their own events (the data lab) register a writer for their action prefix.
WRITERS: dict[str, Callable] = {}


def word_actions(prefix: str, writer: Callable) -> None:
    """`writer(event) -> str` words every event whose action starts with `prefix`, values included."""
    WRITERS[prefix] = writer

FIELDS = {
    "status": _l("Status"), "needs_power": _l("Needs power"), "needs_screen": _l("Needs a screen"),
    "needs_table": _l("Needs a table"), "booth_notes": _l("Booth notes"), "booth_code": _l("Booth"),
    "decision_reason": _l("Reason"), "demo_requested": _l("Stage demo requested"),
    "demo_presenter": _l("Demo presenter"), "demo_minutes": _l("Demo minutes"), "demo_av": _l("Demo AV needs"),
    "demo_windows": _l("Demo times"), "demo_selected": _l("Chosen for a stage demo"), "themes": _l("Themes"),
    "access_needs": _l("Access needs"), "dietary_needs": _l("Dietary needs"),
    "share_contact": _l("Shares contact details"), "name_en": _l("Name (English)"), "name_zh": _l("Name (Chinese)"),
    "email": _l("Email"), "role": _l("Role"), "active": _l("Active"), "title_en": _l("Title (English)"),
    "title_zh": _l("Title (Chinese)"), "score": _l("Score"), "comment": _l("Comment"),
    "starts_at": _l("Starts at"), "slots": _l("Slots"), "tables": _l("Tables"), "missed": _l("Not placed"),
    "objective": _l("Score of the plan"), "bound": _l("Best possible score"), "meetings": _l("Meetings"),
    "outcome": _l("Outcome"), "next_step": _l("Next step"), "company": _l("Company"), "people": _l("People"),
    "times": _l("Times offered"), "answer": _l("Answer"), "place": _l("Place"), "video": _l("Video link"),
    "questions": _l("Questions"), "invited": _l("Invited"), "kind": _l("Kind"), "format": _l("Format"),
    "label": _l("Label"), "token": _l("Token"), "site": _l("Site"), "site_zh": _l("Site (Chinese)"),
    "champion": _l("Champion"), "to": _l("People asked"), "name": _l("Name"), "note": _l("Note"),
    "slot": _l("Slot"), "table": _l("Table"), "ip": _l("IP address"), "organisation": _l("Organisation"),
    "title": _l("Job title"), "version": _l("Version"), "key": _l("Key"),
}

VALUES = {
    "draft": _l("draft"), "submitted": _l("submitted"), "approved": _l("approved"),
    "waitlisted": _l("waiting list"), "rejected": _l("declined"), "withdrawn": _l("withdrawn"),
    "invited": _l("invited"), "registered": _l("registered"), "declined": _l("declined"),
    "cancelled": _l("cancelled"), "live": _l("open"), "closed": _l("closed"),
    "accepted": _l("accepted"), "other_time": _l("another time proposed"),
    "OPTIMAL": _l("best plan found"), "FEASIBLE": _l("good plan found"), "INFEASIBLE": _l("no plan possible"),
    "forum door": _l("forum door"), "data lab": _l("data lab"),  # check-in point kinds
}

# Never shown outside the staff: who decided, bookkeeping times, internal ids.
INTERNAL = {"decided_by_id", "decided_at", "waitlisted_at", "created_at", "updated_at", "version", "score",
            "comment", "user_id", "password_hash", "session_version"}


@dataclass
class Sentence:
    at: datetime
    text: str
    changes: list[str]


def _who(event) -> str:
    if event.actor is not None:
        if getattr(event.actor, "erased_at", None) is not None:
            return str(_l("a person whose data was erased"))
        return both_names(event.actor) or event.actor.email
    label = event.actor_label or ""
    if label.startswith("invitee: "):
        return str(_l("the invitee, %(name)s", name=label[len("invitee: "):]))
    return {"command line": str(_l("command line")), "kiosk": str(_l("the kiosk"))}.get(
        label, label or str(_l("the system")))


def _value(value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if value is True:
        return str(_l("yes"))
    if value is False:
        return str(_l("no"))
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, str) and len(value) >= 19 and value[4:5] == "-" and value[10:11] in "T ":
        try:
            return hk_datetime(datetime.fromisoformat(value), "short")
        except ValueError:
            pass
    text = str(value)
    return str(VALUES[text]) if text in VALUES else text


def _field(name: str) -> str:
    return str(FIELDS[name]) if name in FIELDS else name.replace("_", " ").capitalize()


def _action(event, changes: dict) -> str:
    key = event.action
    status = changes.get("status")
    if key == "application.update" and isinstance(status, list) and status[-1:] == ["submitted"]:
        key = "application.submit"
    template = ACTIONS.get(key)
    if template is None:  # a new action nobody has worded yet: still a readable line
        noun, _dot, verb = key.partition(".")
        return f"{_who(event)}: {noun.replace('_', ' ')} · {verb.replace('_', ' ')}"
    return str(template) % {"who": _who(event)}


def describe(event, *, internal: bool = True) -> Sentence:
    """One audit event in words; `internal=False` for readers outside the staff (company users)."""
    writer = next((w for prefix, w in WRITERS.items() if event.action.startswith(prefix)), None)
    if writer is not None:
        return Sentence(at=event.at, text=writer(event), changes=[])
    changes = dict(event.changes or {})
    lines = []
    for name, change in changes.items():
        if not internal and (name in INTERNAL or name.endswith("_id")):
            continue
        if isinstance(change, list) and len(change) == 2:
            lines.append(f"{_field(name)}: {_value(change[0])} → {_value(change[1])}")
        else:
            lines.append(f"{_field(name)}: {_value(change)}")
    return Sentence(at=event.at, text=_action(event, changes), changes=lines)

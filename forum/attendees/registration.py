"""The invited person's answers: register (themes, needs, consent), decline, cancel."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..audit.services import Invitee, apply_changes, record
from ..db import utcnow
from ..errors import Conflict, PermissionDenied, ValidationError
from ..exhibitors.models import Theme
from ..extensions import db
from ..forums.models import ForumStatus
from ..permissions import can, ensure
from ..privacy.consents import record_consent
from ..text import clean, normalise_email
from .models import Attendee, AttendeeKind, AttendeeStatus, Ticket
from .tickets import current_ticket
from .ticket_mail import issue_and_mail, queue_ticket_mail


def _check_open(forum) -> None:
    if forum.status == ForumStatus.closed or utcnow() > forum.ends_at:
        raise ValidationError(_l("This forum is over."))


def register(attendee: Attendee, values: dict, *, actor=None, token: str | None = None) -> Attendee:
    """The person confirms: themes, needs and PDPO consent recorded; a ticket is issued and mailed once."""
    forum = attendee.forum
    _check_open(forum)
    if (actor is not None and getattr(actor, "id", None) and attendee.user_id not in (None, actor.id)
            and not can(actor, "attendee.manage")):
        raise PermissionDenied()  # someone else's invitation, and not an organiser
    first_time = attendee.status != AttendeeStatus.registered
    came_back = attendee.status in (AttendeeStatus.cancelled, AttendeeStatus.declined)
    if first_time and forum.registration_deadline and utcnow() > forum.registration_deadline:
        raise ValidationError(_l("Registration for this forum has closed."))
    if first_time:
        registered = db.session.scalar(sa.select(sa.func.count()).where(
            Attendee.forum_id == forum.id, Attendee.status == AttendeeStatus.registered))
        if forum.attendee_capacity and registered >= forum.attendee_capacity:
            raise Conflict(_l("The forum is full. Please contact the organisers."))
    # The organisers' theme list: a theme they added reaches attendees; retired or unknown keys are dropped.
    active = set(db.session.scalars(sa.select(Theme.key).where(Theme.active.is_(True))))
    themes = [t for t in (values.get("themes") or []) if t in active]
    changes = apply_changes(attendee, {
        "status": AttendeeStatus.registered, "themes": themes,
        "access_needs": clean(values.get("access_needs"))[:2000],
        "dietary_needs": clean(values.get("dietary_needs"))[:2000],
        "share_contact": bool(values.get("share_contact")),
    })
    # A signed-in person answering their own invitation gets it linked to their account ("My ticket").
    if (actor is not None and getattr(actor, "id", None) and attendee.user_id is None
            and normalise_email(getattr(actor, "email", "")) == attendee.email_key
            and (actor.role != "exhibitor" or attendee.kind == AttendeeKind.exhibitor)):
        attendee.user_id = actor.id
    attendee.responded_at = utcnow()
    record(actor or Invitee(attendee), "attendee.register", attendee, forum_id=forum.id, changes=changes)
    if values.get("consent_wording"):  # the words the person saw beside the box, in their language
        record_consent("share_contact", attendee.share_contact, values["consent_wording"],
                       values.get("consent_locale") or "en", attendee_id=attendee.id, user_id=attendee.user_id,
                       forum_id=forum.id)
    if first_time or current_ticket(attendee) is None:
        # Coming back after cancelling keeps the same code: a badge already printed still scans.
        restored = _restore_last_ticket(attendee) if came_back else None
        if restored is not None:
            queue_ticket_mail(attendee, restored, token=token)
        else:
            issue_and_mail(attendee, token=token)
    db.session.flush()
    return attendee


def ticket_will_be_mailed(attendee: Attendee) -> bool:
    """Whether registering now sends the ticket (a first answer, or no live ticket); saving choices does not."""
    return attendee.status != AttendeeStatus.registered or current_ticket(attendee) is None


def _restore_last_ticket(attendee: Attendee) -> Ticket | None:
    """The newest ticket, which the person's own cancellation revoked, made live again (None if none)."""
    if not attendee.tickets:
        return None
    last = max(attendee.tickets, key=lambda t: t.id)
    last.revoked_at = None
    return last


def decline(attendee: Attendee, *, actor=None) -> Attendee:
    _check_open(attendee.forum)
    return withdraw(attendee, AttendeeStatus.declined, actor)


def cancel(attendee: Attendee, *, actor=None) -> Attendee:
    """A registered person cancels: the ticket is revoked (it scans as `revoked`)."""
    _check_open(attendee.forum)
    if attendee.status != AttendeeStatus.registered:
        raise ValidationError(_l("Only a registration can be cancelled."))
    return withdraw(attendee, AttendeeStatus.cancelled, actor)


def withdraw(attendee: Attendee, status: AttendeeStatus, actor) -> Attendee:
    changes = apply_changes(attendee, {"status": status})
    attendee.responded_at = utcnow()
    now = utcnow()
    for ticket in attendee.tickets:
        if ticket.revoked_at is None:
            ticket.revoked_at = now
    record(actor or Invitee(attendee), f"attendee.{status.value}", attendee, forum_id=attendee.forum_id,
           changes=changes)
    db.session.flush()
    return attendee


def answer_for(actor, attendee: Attendee, answer: str) -> Attendee:
    """An organiser records an answer given by phone or in person: register, decline or cancel."""
    ensure(actor, "attendee.manage")
    if answer == "register":
        return register(attendee, {"themes": attendee.themes, "access_needs": attendee.access_needs,
                                   "dietary_needs": attendee.dietary_needs, "share_contact": attendee.share_contact},
                        actor=actor)
    if answer == "decline":
        return decline(attendee, actor=actor)
    if answer == "cancel":
        return cancel(attendee, actor=actor)
    raise ValidationError(_l("Unknown answer."))

"""Erasing a person, and anonymising a forum's attendees once its retention period is over.

Rows stay and lose what names a person: counts (invited, checked in, leads per exhibitor, bookmarks
per solution), pilots and the audit trail keep their shape, while names, addresses, needs and the
notes written about someone are gone. The audit trail records the erasure itself as one event,
which it shows as a sentence; earlier events keep their action and time but lose the personal values.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..db import utcnow
from ..errors import ValidationError
from ..extensions import db
from ..permissions import ensure
from ..text import normalise_email
from .export import attendees_of, audit_events_about

ERASED = "[erased]"
# Fields of an audit event's changes that carry personal values.
PERSONAL_FIELDS = {"name_en", "name_zh", "email", "title", "department", "organisation", "access_needs",
                   "dietary_needs", "note", "notes", "member", "name", "tags", "rating", "training",
                   "prior_undertakings"}


def anonymise_attendee(attendee, now: datetime) -> None:
    """The attendee row keeps forum, kind, status, site, company and themes (counts); nothing names them."""
    from ..matchmaking.models import Lead

    placeholder = f"anonymised-{attendee.id}@erased.invalid"
    for name in ("name_en", "name_zh", "title", "department", "organisation", "access_needs", "dietary_needs"):
        setattr(attendee, name, "")
    attendee.email = attendee.email_key = placeholder
    attendee.share_contact = False
    attendee.lead_key = None  # the printed lead code no longer leads to the row
    attendee.invitation_token_hash = None
    attendee.user_id = None
    attendee.anonymised_at = now
    db.session.execute(sa.update(Lead).where(Lead.attendee_id == attendee.id)
                       .values(note="", tags="", rating=None))


def _scrub_event(event, words: set[str]) -> None:
    """Personal values out of one audit event's changes and actor label; action, object and time stay."""
    changes = {}
    for name, change in (event.changes or {}).items():
        if name in PERSONAL_FIELDS:
            change = [ERASED, ERASED] if isinstance(change, list) and len(change) == 2 else ERASED
        elif isinstance(change, (str, list)):
            values = change if isinstance(change, list) else [change]
            if any(isinstance(v, str) and v and v in words for v in values):
                change = ERASED
        changes[name] = change
    event.changes = changes
    if event.actor_label.startswith("invitee: "):
        event.actor_label = f"invitee: {ERASED}"


def erase_person(actor, user, *, now: datetime | None = None):
    """An administrator erases a person: account, attendee records, notes about them, audit values."""
    ensure(actor, "privacy.erase", user)
    if getattr(actor, "id", None) == user.id:
        raise ValidationError(_l("You cannot erase your own account."))
    if user.erased_at is not None:
        raise ValidationError(_l("This person's data has already been erased."))
    from ..accounts.models import ApiToken, Invitation
    from ..datalab.models import MemberProfile
    from ..exhibitors.models import ApplicationStaff
    from ..matchmaking.models import Bookmark
    from ..pilots.models import Champion, FollowUp, SurveyInvite

    now = now or utcnow()
    attendees = attendees_of(user)
    words = {w for a in attendees for w in (a.name_en, a.name_zh, a.email) if w}
    words |= {w for w in (user.name_en, user.name_zh, user.email) if w}
    for event in audit_events_about(user, attendees):
        _scrub_event(event, words)
    for attendee in attendees:
        anonymise_attendee(attendee, now)
    key = normalise_email(user.email)
    gone = f"erased-{user.id}@erased.invalid"
    db.session.execute(sa.delete(ApiToken).where(ApiToken.user_id == user.id))
    db.session.execute(sa.update(Invitation).where(sa.func.lower(Invitation.email) == key)
                       .values(email=gone, name_en="", name_zh="", revoked_at=sa.func.coalesce(Invitation.revoked_at, now)))
    db.session.execute(sa.update(Bookmark).where(Bookmark.user_id == user.id).values(note=""))
    db.session.execute(sa.update(MemberProfile).where(MemberProfile.user_id == user.id)
                       .values(training="", prior_undertakings=""))
    db.session.execute(sa.update(ApplicationStaff).where(sa.func.lower(ApplicationStaff.email) == key)
                       .values(email="", name_en=ERASED, name_zh="", title=""))
    db.session.execute(sa.update(Champion).where(Champion.user_id == user.id).values(name=ERASED, title=""))
    for model in (FollowUp, SurveyInvite):
        db.session.execute(sa.update(model).where(sa.func.lower(model.email) == key).values(email=gone, name=""))
    user.email, user.name_en, user.name_zh, user.locale = gone, "", "", None
    user.password_hash = None
    user.active = False
    user.company_id = None
    user.session_version = (user.session_version or 0) + 1  # every session of the person ends
    user.erased_at = now
    record(actor, "person.erase", user, changes={"attendee_records": len(attendees)})
    db.session.flush()
    return user


def expired_forums(now: datetime | None = None) -> list:
    """Forums whose retention period (months after their end) is over and that are not yet purged."""
    from ..forums.models import Forum

    now = now or utcnow()
    forums = db.session.scalars(sa.select(Forum).where(Forum.purged_at.is_(None), Forum.ends_at < now)).all()
    return [f for f in forums if _add_months(f.ends_at, f.retention_months) <= now]


def _add_months(moment: datetime, months: int) -> datetime:
    year, month = divmod(moment.month - 1 + max(months, 0), 12)
    year += moment.year
    month += 1
    for day in (moment.day, 30, 29, 28):  # the 31st plus one month is the month's last day
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def purge_expired(actor, *, now: datetime | None = None) -> list[tuple[str, int]]:
    """Anonymise the attendees (and their leads) of every forum past its retention period.

    A plain service function: the command line calls it today and a scheduled job can call it later.
    Returns (forum slug, attendees anonymised) for each forum purged; running it again does nothing.
    """
    from ..attendees.models import Attendee
    from .models import Consent

    ensure(actor, "privacy.purge")
    now = now or utcnow()
    done = []
    for forum in expired_forums(now):
        attendees = db.session.scalars(sa.select(Attendee).where(
            Attendee.forum_id == forum.id, Attendee.anonymised_at.is_(None))).all()
        for attendee in attendees:
            words = {w for w in (attendee.name_en, attendee.name_zh, attendee.email) if w}
            for event in _attendee_events(attendee):
                _scrub_event(event, words)
            anonymise_attendee(attendee, now)
        db.session.execute(sa.update(Consent).where(Consent.forum_id == forum.id).values(user_id=None))
        forum.purged_at = now
        record(actor, "forum.purge", forum, forum_id=forum.id,
               changes={"attendees": len(attendees), "retention_months": forum.retention_months})
        done.append((forum.slug, len(attendees)))
    db.session.flush()
    return done


def _attendee_events(attendee):
    from ..audit.models import AuditEvent

    return db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.object_type == "Attendee", AuditEvent.object_id == attendee.id)).all()

"""PDPO principle 6 (access): everything the app holds about one person, as one JSON document.

Each feature's part is one small function below; `export_person()` puts them together. Secrets
(password hashes, token hashes, ticket and lead keys) are never included: they are not about the
person, and a copy of them would let someone else act as the person.
"""
from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import sqlalchemy as sa

from ..extensions import db
from ..permissions import ensure
from ..text import normalise_email


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return None
    return value


def _row(obj, fields) -> dict:
    return {name: _plain(getattr(obj, name)) for name in fields}


def attendees_of(user) -> list:
    """The person's attendee records: linked to the account, or invited at the account's address."""
    from ..attendees.models import Attendee

    key = normalise_email(user.email)
    return db.session.scalars(sa.select(Attendee).where(
        sa.or_(Attendee.user_id == user.id, Attendee.email_key == key)).order_by(Attendee.id)).all()


def _account(user) -> dict:
    from ..accounts.models import ApiToken

    data = _row(user, ("id", "email", "name_en", "name_zh", "role", "locale", "active", "email_verified",
                       "created_at", "last_login_at"))
    data["company"] = user.company.name_en if user.company else None
    data["api_tokens"] = [_row(t, ("prefix", "label", "created_at", "last_used_at", "revoked_at"))
                          for t in db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id))]
    return data


def _attendee_records(attendees) -> list:
    from ..checkin.models import CheckIn

    ids = [a.id for a in attendees]
    checkins = {}
    if ids:
        for c in db.session.scalars(sa.select(CheckIn).where(CheckIn.attendee_id.in_(ids)).order_by(CheckIn.id)):
            checkins.setdefault(c.attendee_id, []).append(
                {"scanned_at": _plain(c.scanned_at), "first_entry": c.first_entry,
                 "result": _plain(getattr(c, "result", None))})
    out = []
    for a in attendees:
        data = _row(a, ("id", "forum_id", "kind", "status", "name_en", "name_zh", "email", "title", "department",
                        "organisation", "access_needs", "dietary_needs", "share_contact", "invited_at",
                        "responded_at", "created_at", "updated_at"))
        data["forum"] = a.forum.display_title
        data["site"] = a.site.name_en if a.site else None
        data["themes"] = a.themes
        data["tickets"] = [_row(t, ("issued_at", "revoked_at")) for t in a.tickets]
        data["check_ins"] = checkins.get(a.id, [])
        out.append(data)
    return out


def _bookmarks(user) -> list:
    from ..matchmaking.models import Bookmark

    rows = db.session.scalars(sa.select(Bookmark).where(Bookmark.user_id == user.id).order_by(Bookmark.id))
    return [{**_row(b, ("id", "forum_id", "interest", "note", "created_at", "updated_at")),
             "company": b.company.name_en, "solution": b.solution.name_en if b.solution else None,
             "candidate_site": b.site.name_en if b.site else None} for b in rows]


def _leads_about(attendees) -> list:
    """What exhibitors wrote down about the person at their booths."""
    from ..matchmaking.models import Lead

    ids = [a.id for a in attendees]
    if not ids:
        return []
    rows = db.session.scalars(sa.select(Lead).where(Lead.attendee_id.in_(ids)).order_by(Lead.id))
    return [{**_row(lead, ("forum_id", "scanned_at", "note", "rating", "tags", "connect_requested_at")),
             "company": lead.company.name_en} for lead in rows]


def _meetings(user) -> list:
    from ..matchmaking.models import MeetingParticipant

    rows = db.session.scalars(sa.select(MeetingParticipant).where(MeetingParticipant.user_id == user.id)
                              .order_by(MeetingParticipant.id))
    return [{**_row(p.meeting, ("id", "forum_id", "subject", "place", "status", "starts_at", "ends_at",
                                "created_at")),
             "company": p.meeting.company.name_en, "side": p.side, "my_answer": _plain(p.answer),
             "answered_at": _plain(p.answered_at)} for p in rows]


def _data_lab(user) -> dict:
    from ..datalab.models import Booking, LabApplication, MemberProfile, TeamMember

    profile = db.session.scalar(sa.select(MemberProfile).where(MemberProfile.user_id == user.id))
    teams = db.session.scalars(sa.select(TeamMember).where(TeamMember.user_id == user.id)).all()
    created = db.session.scalars(sa.select(LabApplication).where(LabApplication.created_by_id == user.id)).all()
    bookings = db.session.scalars(sa.select(Booking).where(Booking.user_id == user.id).order_by(Booking.id))
    return {
        "profile": _row(profile, ("training", "training_on", "prior_undertakings")) if profile else None,
        "applications_created": [_row(a, ("id", "title", "status", "created_at", "submitted_at")) for a in created],
        "team_memberships": [{"application_id": t.application_id, "application": t.application.title,
                              "undertaking_at": _plain(t.undertaking_at)} for t in teams],
        "bookings": [_row(b, ("day", "session", "booked_at", "released_at", "release_reason")) for b in bookings],
    }


def _consents(user, attendees) -> list:
    from .models import Consent

    ids = [a.id for a in attendees] or [-1]
    rows = db.session.scalars(sa.select(Consent).where(
        sa.or_(Consent.user_id == user.id, Consent.attendee_id.in_(ids))).order_by(Consent.at, Consent.id))
    return [_row(c, ("forum_id", "purpose", "given", "wording", "locale", "at")) for c in rows]


def audit_events_about(user, attendees) -> list:
    """Audit events the person did, or that were about their account or attendee records."""
    from ..audit.models import AuditEvent

    ids = [a.id for a in attendees] or [-1]
    return db.session.scalars(sa.select(AuditEvent).where(sa.or_(
        AuditEvent.actor_id == user.id,
        sa.and_(AuditEvent.object_type == "User", AuditEvent.object_id == user.id),
        sa.and_(AuditEvent.object_type == "Attendee", AuditEvent.object_id.in_(ids)),
    )).order_by(AuditEvent.at, AuditEvent.id)).all()


def export_person(actor, user) -> dict:
    """Everything held about `user`; the person themself (or an administrator answering a request)."""
    ensure(actor, "privacy.export", user)
    from ..audit.sentences import describe
    from ..db import utcnow

    attendees = attendees_of(user)
    events = audit_events_about(user, attendees)
    return {
        "generated_at": utcnow().isoformat(),
        "account": _account(user),
        "attendee_records": _attendee_records(attendees),
        "bookmarks": _bookmarks(user),
        "leads_about_me": _leads_about(attendees),
        "meetings": _meetings(user),
        "data_lab": _data_lab(user),
        "consents": _consents(user, attendees),
        "audit_entries": [{"at": e.at.isoformat(), "action": e.action, "sentence": s.text, "details": s.changes}
                          for e, s in ((e, describe(e)) for e in events)],
    }

"""Exhibitors' leads: badge lead codes scanned at the booth, and the attendees who bookmarked them.

What an exhibitor may see of a person is decided once, in `visible_person()`: name, organisation
and role always; contact details only while the person's PDPO consent (`share_contact`, opt-in at
registration, withdrawable there) stands. Every page, export and API answer goes through it.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ..attendees.lead_codes import parse_lead_code
from ..attendees.models import Attendee
from ..attendees.tickets import parse_code as parse_ticket_code
from ..audit.services import apply_changes, record
from ..db import utcnow
from ..errors import NotFound, PermissionDenied, ValidationError
from ..exhibitors.exports import to_csv
from ..exhibitors.models import Application, ApplicationStatus
from ..extensions import db
from ..permissions import ensure
from ..text import clean
from .bookmarks import _insert
from .models import Bookmark, Lead

RESULTS = ("ok", "already_saved", "invalid", "ticket_code", "wrong_forum")


def visible_person(attendee: Attendee) -> dict:
    """The one rule for what an exhibitor sees of a person."""
    shared = bool(attendee.share_contact)
    return {"name_en": attendee.name_en, "name_zh": attendee.name_zh, "organisation": attendee.organisation,
            "title": attendee.title, "department": attendee.department, "contact_shared": shared,
            "email": attendee.email if shared else None}


def exhibiting(actor, forum) -> Application:
    """The actor's company's approved application at the forum, or a refusal."""
    ensure(actor, "lead.manage")
    if actor.company_id is None:
        raise PermissionDenied(_l("Your account is not linked to a company."))
    application = db.session.scalar(sa.select(Application).where(
        Application.forum_id == forum.id, Application.company_id == actor.company_id,
        Application.status == ApplicationStatus.approved))
    if application is None:
        raise PermissionDenied(_l("Your company is not exhibiting at this forum."))
    ensure(actor, "lead.manage", application)
    return application


def scan_lead(actor, forum, code, nonce: str | None = None) -> dict:
    """Judge one scanned code at the booth: a lead is saved once per person; refusals say why."""
    application = exhibiting(actor, forum)
    if not isinstance(code, str) or not code.strip():
        raise ValidationError(_l("Send the scanned code."), field="code")
    if nonce is not None and (not isinstance(nonce, str) or not 8 <= len(nonce) <= 80):
        raise ValidationError(_l("The nonce is 8 to 80 characters."), field="nonce")
    key = parse_lead_code(code)
    if key is None:
        if parse_ticket_code(code) is not None:
            return {"result": "ticket_code", "attendee": None, "lead": None,
                    "error": {"code": "ticket_code", "message": str(_l(
                        "This is a door ticket, not a lead code: scan the small code marked 'Exhibitors'."))}}
        return {"result": "invalid", "attendee": None, "lead": None,
                "error": {"code": "invalid", "message": str(_l("Not a lead code of this forum's badges."))}}
    attendee = db.session.scalar(sa.select(Attendee).where(Attendee.lead_key == key))
    if attendee is None:
        return {"result": "invalid", "attendee": None, "lead": None,
                "error": {"code": "invalid", "message": str(_l("Not a lead code of this forum's badges."))}}
    if attendee.forum_id != forum.id:
        return {"result": "wrong_forum", "attendee": None, "lead": None,
                "error": {"code": "wrong_forum", "message": str(_l("This badge is for another forum."))}}
    now = utcnow()
    # One lead per exhibitor and person: the unique constraint decides between two booth phones.
    inserted = db.session.execute(_insert(Lead.__table__).values(
        forum_id=forum.id, company_id=application.company_id, attendee_id=attendee.id, scanned_by_id=actor.id,
        scanned_at=now, nonce=nonce, note="", tags="", created_at=now, updated_at=now)
        .on_conflict_do_nothing().returning(Lead.__table__.c.id))
    lead_id = inserted.scalar()
    if lead_id is None:
        lead = db.session.scalar(sa.select(Lead).where(Lead.forum_id == forum.id, Lead.attendee_id == attendee.id,
                                                       Lead.company_id == application.company_id))
        result = "ok" if nonce and lead.nonce == nonce else "already_saved"  # a resend gets its first answer
        lead_id = lead.id
    else:
        result = "ok"
        record(actor, "lead.scan", db.session.get(Lead, lead_id), forum_id=forum.id,
               changes={"attendee_id": attendee.id, "company_id": application.company_id})
    db.session.flush()
    return {"result": result, "attendee": visible_person(attendee), "lead": lead_id}


@dataclass
class LeadRow:
    attendee: Attendee
    person: dict
    lead: Lead | None
    bookmarked: bool


def leads_for(actor, forum) -> list[LeadRow]:
    """The exhibitor's leads: badges scanned at the booth, then people who bookmarked it (three queries)."""
    application = exhibiting(actor, forum)
    leads = db.session.scalars(sa.select(Lead).options(joinedload(Lead.attendee)).where(
        Lead.forum_id == forum.id, Lead.company_id == application.company_id).order_by(Lead.scanned_at.desc())).all()
    marked = db.session.scalars(
        sa.select(Attendee).join(Bookmark, sa.and_(Bookmark.user_id == Attendee.user_id,
                                                   Bookmark.forum_id == Attendee.forum_id))
        .where(Attendee.forum_id == forum.id, Bookmark.company_id == application.company_id)
        .distinct().order_by(Attendee.name_en)).all()
    marked_ids = {a.id for a in marked}
    rows = [LeadRow(lead.attendee, visible_person(lead.attendee), lead, lead.attendee_id in marked_ids)
            for lead in leads]
    scanned = {lead.attendee_id for lead in leads}
    rows += [LeadRow(a, visible_person(a), None, True) for a in marked if a.id not in scanned]
    return rows


def _own_lead(actor, forum, lead_id) -> Lead:
    application = exhibiting(actor, forum)
    lead = db.session.get(Lead, lead_id) if str(lead_id).isdecimal() else None
    if lead is None or lead.company_id != application.company_id or lead.forum_id != forum.id:
        raise NotFound(_l("No such lead."))
    return lead


def update_lead(actor, forum, lead_id, values: dict) -> Lead:
    lead = _own_lead(actor, forum, lead_id)
    rating = values.get("rating")
    if rating in ("", None):
        rating = None
    elif not str(rating).isdecimal() or not 1 <= int(rating) <= 5:
        raise ValidationError(_l("Rate from 1 to 5."), field="rating")
    note = clean(values.get("note") or "")
    if len(note) > 2000:
        raise ValidationError(_l("Keep the note under %(n)s characters.", n=2000), field="note")
    tags = ", ".join(dict.fromkeys(t.strip()[:40] for t in (values.get("tags") or "").split(",") if t.strip()))
    if len(tags) > 300:
        raise ValidationError(_l("Fewer tags, please."), field="tags")
    changes = apply_changes(lead, {"note": note, "rating": int(rating) if rating else None, "tags": tags})
    if changes:
        record(actor, "lead.update", lead, forum_id=forum.id, changes=changes)
    db.session.flush()
    return lead


def request_connection(actor, forum, attendee_id) -> Lead:
    """"Ask the partnership team to connect us": for a person who bookmarked the exhibitor or was scanned."""
    application = exhibiting(actor, forum)
    attendee = db.session.get(Attendee, attendee_id) if str(attendee_id).isdecimal() else None
    if attendee is None or attendee.forum_id != forum.id:
        raise NotFound(_l("No such person."))
    lead = db.session.scalar(sa.select(Lead).where(Lead.forum_id == forum.id, Lead.attendee_id == attendee.id,
                                                   Lead.company_id == application.company_id))
    if lead is None:
        interested = db.session.scalar(sa.select(Bookmark.id).where(
            Bookmark.forum_id == forum.id, Bookmark.company_id == application.company_id,
            Bookmark.user_id == attendee.user_id).limit(1)) if attendee.user_id else None
        if interested is None:
            raise NotFound(_l("No such person."))
        lead = Lead(forum_id=forum.id, company_id=application.company_id, attendee_id=attendee.id,
                    scanned_by_id=None, scanned_at=utcnow(), note="", tags="")
        db.session.add(lead)
    if lead.connect_requested_at is None:
        lead.connect_requested_at = utcnow()
        db.session.flush()
        record(actor, "lead.connect_request", lead, forum_id=forum.id, changes={"attendee_id": attendee.id})
        _mail_partnership_team(forum, application, attendee)
    db.session.flush()
    return lead


def _mail_partnership_team(forum, application, attendee) -> None:
    """Each partnership colleague hears of the request (after the commit); no contact details in the mail."""
    from .. import mail
    from ..accounts.models import User

    from ..communications.templates import queue_builtin, queue_custom
    from ..communications.values import lead_values

    link = mail.external_url("matchmaking.pairs", forum=forum.slug)
    values = lead_values(application.company, attendee, link)
    for user in db.session.scalars(sa.select(User).where(User.role == "partnership", User.active.is_(True))):
        email = user.email
        if queue_custom(forum, "connection_request", email, user, extra=values):
            continue
        queue_builtin(email, user, {"en": f"Introduction asked for: {application.company.name_en}",
                                    "zh_Hant_HK": "引薦要求"}, "connection_request", company=application.company, attendee=attendee, forum=forum,
                            link=link)


EXPORT_COLUMNS = ["name_en", "name_zh", "organisation", "title", "department", "email", "contact_shared",
                  "bookmarked", "scanned_at", "rating", "tags", "note", "connect_requested"]


def export_leads_csv(actor, forum) -> bytes:
    """The exhibitor's own leads; the email column is empty without the person's consent."""
    rows = leads_for(actor, forum)
    return to_csv(EXPORT_COLUMNS, [[
        r.person["name_en"], r.person["name_zh"], r.person["organisation"], r.person["title"],
        r.person["department"], r.person["email"] or "", "yes" if r.person["contact_shared"] else "no",
        "yes" if r.bookmarked else "no", r.lead.scanned_at.isoformat() if r.lead and r.lead.scanned_by_id else "",
        r.lead.rating or "" if r.lead else "", r.lead.tags if r.lead else "", r.lead.note if r.lead else "",
        "yes" if r.lead and r.lead.connect_requested_at else "no"] for r in rows])


def connection_requests(actor, forum) -> list[Lead]:
    """For the partnership team: exhibitors' requests to be introduced, newest first (one query)."""
    ensure(actor, "recommendation.pairs")
    return db.session.scalars(sa.select(Lead).options(joinedload(Lead.attendee), joinedload(Lead.company)).where(
        Lead.forum_id == forum.id, Lead.connect_requested_at.is_not(None))
        .order_by(Lead.connect_requested_at.desc())).all()

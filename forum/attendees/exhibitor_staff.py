"""Staff named on approved exhibitor applications: attendee records, tickets and badges kept in step."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..audit.services import apply_changes, record
from ..db import utcnow
from ..errors import PermissionDenied, ValidationError
from ..extensions import db
from ..permissions import ensure
from ..text import clean, is_email, normalise_email
from .account_links import link_new_records
from .models import Attendee, AttendeeKind, AttendeeStatus
from .tickets import current_ticket, issue_ticket
from .registration import withdraw
from .ticket_mail import queue_ticket_mail


def sync_exhibitor_staff(forum, actor, entries: list[dict], *, notify: bool = True,
                         company_ids: set[int] | None = None) -> list[Attendee]:
    """Exhibitor staff named in approved applications: registered attendees of kind exhibitor, with tickets.

    entries: [{"company_id", "name_en", "name_zh", "email", "title"}]. Idempotent: running it again with
    the same entries changes nothing and mails nobody. With company_ids, exhibitor attendees of those
    companies who are no longer in entries are cancelled (their tickets then scan as `revoked`).
    Only the company's own exhibitor-staff rows are ever touched: an email already on the forum's list
    for an HA invitee, a guest or another company's staff is refused (ValidationError on "staff").
    Without company_ids (every company at once) it needs "attendee.manage"; with them, the actor must
    hold "company.staff_badges" for each company (its own people, or an organiser).
    """
    from ..exhibitors.models import Company

    if company_ids is None:
        ensure(actor, "attendee.manage")
    else:
        for company_id in company_ids:
            ensure(actor, "company.staff_badges", db.session.get(Company, company_id))
    out = []
    companies: dict[int, Company] = {}
    for entry in entries:
        company_id = int(entry["company_id"])
        company = companies.get(company_id) or db.session.get(Company, company_id)
        if company is None:
            raise ValidationError(_l("No such company."), field="company_id")
        if company_ids is not None and company_id not in company_ids:
            raise PermissionDenied()
        companies[company_id] = company
        values = {"name_en": clean(entry.get("name_en"))[:160], "name_zh": clean(entry.get("name_zh"))[:160],
                  "title": clean(entry.get("title"))[:160], "company_id": company.id,
                  "organisation": company.name_en or company.name_zh}
        email_key = normalise_email(entry.get("email"))
        if not is_email(email_key):
            raise ValidationError(_l("Enter a valid email address."), field="email")
        attendee = db.session.scalar(sa.select(Attendee).where(Attendee.forum_id == forum.id,
                                                               Attendee.email_key == email_key))
        if attendee is None:
            attendee = Attendee(forum_id=forum.id, email=email_key, email_key=email_key, kind=AttendeeKind.exhibitor,
                                status=AttendeeStatus.registered, themes=[], access_needs="", dietary_needs="",
                                share_contact=False, department="", responded_at=utcnow(), **values)
            db.session.add(attendee)
            db.session.flush()
            link_new_records([email_key])
            record(actor, "attendee.exhibitor_staff", attendee, forum_id=forum.id, changes=values)
        elif attendee.kind != AttendeeKind.exhibitor or attendee.company_id != company.id:
            raise ValidationError(_l("%(email)s is already on this forum's list for someone else. Give the "
                                     "person's own work address, or ask the organisers.", email=email_key),
                                  field="staff")
        else:
            wanted = {k: v for k, v in values.items() if v not in ("", None)}
            wanted["status"] = AttendeeStatus.registered
            changes = apply_changes(attendee, wanted)
            if changes:
                record(actor, "attendee.exhibitor_staff", attendee, forum_id=forum.id, changes=changes)
        if current_ticket(attendee) is None:
            ticket = issue_ticket(attendee)
            if notify:
                queue_ticket_mail(attendee, ticket)
        out.append(attendee)
    if company_ids:
        kept = {a.id for a in out}
        leaving = db.session.scalars(sa.select(Attendee).where(
            Attendee.forum_id == forum.id, Attendee.kind == AttendeeKind.exhibitor,
            Attendee.company_id.in_(company_ids), Attendee.status == AttendeeStatus.registered)).all()
        for attendee in leaving:
            if attendee.id not in kept:
                withdraw(attendee, AttendeeStatus.cancelled, actor)
    db.session.flush()
    return out

"""Attendees: invitations, registration, walk-ins, tickets and their delivery, exhibitor staff, exports."""
from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from .. import mail
from ..audit.services import Invitee, diff, record
from ..db import contains, utcnow
from ..errors import Conflict, NotFound, PermissionDenied, ValidationError
from ..exhibitors.models import Theme
from ..extensions import db
from ..forums.models import ForumStatus
from ..permissions import can, ensure
from ..privacy.consents import record_consent
from ..qr import qr_png
from ..sites.models import Cluster, Site
from ..text import clean, normalise_email
from . import permissions  # noqa: F401  (grants)
from .importer import EMAIL_SHAPE
from .models import Attendee, AttendeeKind, AttendeeStatus, Ticket
from .tickets import code_for, current_ticket, issue_ticket


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def get_attendee(forum, attendee_id: int) -> Attendee:
    attendee = db.session.get(Attendee, attendee_id)
    if attendee is None or attendee.forum_id != forum.id:
        raise NotFound(_l("No such attendee."))
    return attendee


# --- finding ---------------------------------------------------------------------------------------

@dataclass
class AttendeeFilter:
    q: str = ""
    cluster: str = ""  # cluster code
    site_id: int | None = None
    status: str = ""
    kind: str = ""


def filtered_query(forum, f: AttendeeFilter):
    stmt = sa.select(Attendee).where(Attendee.forum_id == forum.id)
    if f.q:
        q = clean(f.q)
        stmt = stmt.where(sa.or_(contains(Attendee.name_en, q, ignore_case=True), contains(Attendee.name_zh, q),
                                 contains(Attendee.email_key, normalise_email(f.q)),
                                 contains(Attendee.organisation, q, ignore_case=True),
                                 contains(Attendee.title, q, ignore_case=True)))
    if f.cluster:
        stmt = stmt.where(Attendee.site_id.in_(
            sa.select(Site.id).join(Cluster, Site.cluster_id == Cluster.id).where(Cluster.code == f.cluster)))
    if f.site_id:
        stmt = stmt.where(Attendee.site_id == f.site_id)
    if f.status in AttendeeStatus.__members__:
        stmt = stmt.where(Attendee.status == AttendeeStatus(f.status))
    elif f.status == "checked_in":
        stmt = stmt.where(Attendee.id.in_(arrived_ids(forum)))
    if f.kind in AttendeeKind.__members__:
        stmt = stmt.where(Attendee.kind == AttendeeKind(f.kind))
    return stmt


def list_attendees(forum, f: AttendeeFilter, *, page: int = 1, per_page: int = 50,
                   with_themes: bool = False) -> tuple[list[Attendee], int]:
    """One page of attendees and the total; two queries whatever the size (sites come joined)."""
    stmt = filtered_query(forum, f)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    if with_themes:
        stmt = stmt.options(selectinload(Attendee.theme_links))
    rows = db.session.scalars(stmt.options(selectinload(Attendee.site))
                              .order_by(Attendee.name_en, Attendee.id)
                              .limit(per_page).offset(max(page - 1, 0) * per_page)).all()
    return rows, total


def arrived_ids(forum):
    """A subquery of the attendees whose first entry at the door stands (not annulled)."""
    from ..checkin.models import CheckIn

    return sa.select(CheckIn.attendee_id).where(CheckIn.forum_id == forum.id, CheckIn.first_entry.is_(True),
                                                CheckIn.annulled_at.is_(None))


def arrived_among(forum, attendee_ids: list[int]) -> set[int]:
    if not attendee_ids:
        return set()
    return set(db.session.scalars(arrived_ids(forum).where(
        arrived_ids(forum).selected_columns[0].in_(attendee_ids))))


def status_counts(forum) -> dict[str, int]:
    rows = db.session.execute(sa.select(Attendee.status, sa.func.count()).where(Attendee.forum_id == forum.id)
                              .group_by(Attendee.status)).all()
    counts = {s.value: 0 for s in AttendeeStatus}
    counts.update({(s.value if hasattr(s, "value") else s): n for s, n in rows})
    counts["checked_in"] = db.session.scalar(sa.select(sa.func.count()).select_from(arrived_ids(forum).subquery()))
    return counts


def attendee_for_token(token: str) -> Attendee:
    attendee = None
    if token and len(token) < 200:
        attendee = db.session.scalar(sa.select(Attendee).where(Attendee.invitation_token_hash == token_hash(token)))
    if attendee is None:
        raise NotFound(_l("This invitation link is not valid. It may have been replaced by a newer one."))
    return attendee


def attendee_for_user(user, forum) -> Attendee | None:
    """The user's own attendee record at the forum: linked by account, else by the same email (then linked).

    Linking by email needs an address the account has proven it owns, and an exhibitor account only
    ever takes its own company's exhibitor-staff record, never an HA invitee's.
    """
    if forum is None or user is None:
        return None
    attendee = db.session.scalar(sa.select(Attendee).where(Attendee.forum_id == forum.id,
                                                           Attendee.user_id == user.id))
    if attendee is None and user.email_verified:
        match = sa.select(Attendee).where(Attendee.forum_id == forum.id,
                                          Attendee.email_key == normalise_email(user.email),
                                          Attendee.user_id.is_(None))
        if user.role == "exhibitor":
            match = match.where(Attendee.kind == AttendeeKind.exhibitor, Attendee.company_id == user.company_id,
                                Attendee.company_id.is_not(None))
        attendee = db.session.scalar(match)
        if attendee is not None:
            attendee.user_id = user.id
            db.session.flush()
    return attendee


# --- adding people -----------------------------------------------------------------------------------

def _clean_person(values: dict) -> dict:
    email_key = normalise_email(values.get("email"))
    out = {"name_en": clean(values.get("name_en"))[:160], "name_zh": clean(values.get("name_zh"))[:160],
           "title": clean(values.get("title"))[:160], "department": clean(values.get("department"))[:160],
           "organisation": clean(values.get("organisation"))[:200]}
    if not EMAIL_SHAPE.match(email_key):
        raise ValidationError(_l("Enter a valid email address."), field="email")
    if not (out["name_en"] or out["name_zh"]):
        raise ValidationError(_l("Give the name in English or Chinese."), field="name_en")
    site_id = values.get("site_id") or None
    if site_id:
        site = db.session.get(Site, int(site_id))
        if site is None:
            raise ValidationError(_l("No such site."), field="site_id")
        out["site_id"] = site.id
        out["organisation"] = site.name_en  # an HA site names the organisation
    else:
        out["site_id"] = None
    kind = values.get("kind") or "ha"
    if kind not in AttendeeKind.__members__:
        raise ValidationError(_l("Unknown kind of attendee."), field="kind")
    out["kind"] = AttendeeKind(kind)
    out["email"] = email_key
    out["email_key"] = email_key
    return out


def add_attendee(actor, forum, values: dict, *, walk_in: bool = False, invite: bool = False) -> Attendee:
    """An organiser adds one person: invited (optionally mailed now) or, for a walk-in, registered with a ticket."""
    ensure(actor, "attendee.manage")
    cleaned = _clean_person(values)
    clash = db.session.scalar(sa.select(Attendee.id).where(Attendee.forum_id == forum.id,
                                                           Attendee.email_key == cleaned["email_key"]))
    if clash:
        raise Conflict(_l("This email is already on the forum's list."), field="email")
    attendee = Attendee(forum_id=forum.id, status=AttendeeStatus.invited, themes=[], access_needs="",
                        dietary_needs="", share_contact=False, **cleaned)
    db.session.add(attendee)
    db.session.flush()
    record(actor, "attendee.walk_in" if walk_in else "attendee.add", attendee, forum_id=forum.id,
           changes={"email": attendee.email, "kind": attendee.kind})
    if walk_in:
        attendee.status = AttendeeStatus.registered
        attendee.responded_at = utcnow()
        _issue_and_mail(attendee)
    elif invite:
        send_invitation(actor, attendee)
    return attendee


def update_attendee(actor, attendee: Attendee, values: dict) -> dict:
    """An organiser corrects a person's details; their answers, status and ticket stay as they are."""
    ensure(actor, "attendee.manage")
    cleaned = _clean_person(values)
    clash = db.session.scalar(sa.select(Attendee.id).where(Attendee.forum_id == attendee.forum_id,
                                                           Attendee.email_key == cleaned["email_key"],
                                                           Attendee.id != attendee.id))
    if clash:
        raise Conflict(_l("This email is already on the forum's list."), field="email")
    changes = diff(attendee, cleaned)
    if changes:
        record(actor, "attendee.update", attendee, forum_id=attendee.forum_id, changes=changes)
        db.session.flush()
    return changes


# --- invitations -------------------------------------------------------------------------------------

def _new_link_token(attendee: Attendee) -> str:
    token = secrets.token_urlsafe(24)
    attendee.invitation_token_hash = token_hash(token)
    return token


def send_invitation(actor, attendee: Attendee) -> str:
    """Mail the bilingual invitation with a personal link (a new one: earlier links stop working)."""
    ensure(actor, "attendee.manage")
    token = _new_link_token(attendee)
    attendee.invited_at = utcnow()
    forum = attendee.forum
    link = mail.external_url("attendees.respond", token=token)
    mail.queue_template(db.session, attendee.email,
                        f"Invitation: {forum.title_en} | 邀請：{forum.title_zh}",
                        "attendee_invitation", attendee=attendee, forum=forum, link=link)
    db.session.flush()
    record(actor, "attendee.invite", attendee, forum_id=attendee.forum_id)
    return token


def send_pending_invitations(actor, forum, *, emails: list[str] | None = None) -> int:
    """Invite everyone on the list not invited yet (or just these emails, again if need be)."""
    ensure(actor, "attendee.manage")
    stmt = sa.select(Attendee).where(Attendee.forum_id == forum.id, Attendee.status == AttendeeStatus.invited)
    if emails:
        stmt = stmt.where(Attendee.email_key.in_([normalise_email(e) for e in emails]))
    else:
        stmt = stmt.where(Attendee.invited_at.is_(None))
    count = 0
    for attendee in db.session.scalars(stmt.order_by(Attendee.id)):
        send_invitation(actor, attendee)
        count += 1
    return count


# --- answers -----------------------------------------------------------------------------------------

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
    changes = diff(attendee, {
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
            _issue_and_mail(attendee, token=token)
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
    return _withdraw(attendee, AttendeeStatus.declined, actor)


def cancel(attendee: Attendee, *, actor=None) -> Attendee:
    """A registered person cancels: the ticket is revoked (it scans as `revoked`)."""
    _check_open(attendee.forum)
    if attendee.status != AttendeeStatus.registered:
        raise ValidationError(_l("Only a registration can be cancelled."))
    return _withdraw(attendee, AttendeeStatus.cancelled, actor)


def _withdraw(attendee: Attendee, status: AttendeeStatus, actor) -> Attendee:
    changes = diff(attendee, {"status": status})
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


# --- tickets -----------------------------------------------------------------------------------------

def calendar_invite(forum, attendee: Attendee | None = None) -> bytes:
    """An .ics file for the forum (a single event in Hong Kong time)."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//HKSTP x HA Innovation Forum//forum.hkstp.example//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    suffix = f"-{attendee.id}" if attendee is not None else ""
    event.add("uid", f"forum-{forum.id}{suffix}@forum.hkstp.example")
    event.add("dtstamp", utcnow())
    event.add("dtstart", forum.starts_at)
    event.add("dtend", forum.ends_at)
    event.add("summary", f"{forum.title_en} | {forum.title_zh}")
    event.add("location", f"{forum.venue_en} | {forum.venue_zh}")
    event.add("description", "Bring your QR ticket (in the confirmation email or on the My ticket page).\n"
                             "請攜帶您的二維碼門票（見確認電郵或「我的門票」頁面）。")
    calendar.add_component(event)
    return calendar.to_ical()


def _issue_and_mail(attendee: Attendee, *, token: str | None = None) -> Ticket:
    ticket = issue_ticket(attendee)
    queue_ticket_mail(attendee, ticket, token=token)
    return ticket


def queue_ticket_mail(attendee: Attendee, ticket: Ticket, *, token: str | None = None) -> None:
    """The confirmation: the QR as a PNG, an .ics invite and a link to the person's "My ticket" page."""
    if token is None:
        token = _new_link_token(attendee)
    code = code_for(ticket)
    forum = attendee.forum
    png = qr_png(code, box_size=8)
    mail.queue_template(
        db.session, attendee.email, f"Your ticket: {forum.title_en} | 您的門票：{forum.title_zh}", "attendee_ticket",
        attachments=[mail.Attachment("ticket-qr.png", png, "image", "png"),
                     mail.Attachment("forum.ics", calendar_invite(forum, attendee), "text", "calendar")],
        attendee=attendee, forum=forum, code=code,
        # Also shown in the message itself, for mail apps that display data: images; the attachment is the sure way.
        qr_inline="data:image/png;base64," + base64.b64encode(png).decode("ascii"),
        ticket_link=mail.external_url("attendees.token_ticket", token=token),
        respond_link=mail.external_url("attendees.respond", token=token))


def reissue_ticket(actor, attendee: Attendee) -> Ticket:
    """A new code for a registered attendee (lost phone, shared screenshot); the old one scans as revoked."""
    ensure(actor, "attendee.manage")
    if attendee.status != AttendeeStatus.registered:
        raise ValidationError(_l("Only registered attendees have tickets."))
    ticket = _issue_and_mail(attendee)
    record(actor, "attendee.reissue_ticket", attendee, forum_id=attendee.forum_id)
    return ticket


def current_codes(forum) -> dict[int, str]:
    """attendee id -> the text in their live QR code, for one forum, in one query."""
    tickets = db.session.scalars(sa.select(Ticket).where(Ticket.forum_id == forum.id, Ticket.revoked_at.is_(None))
                                 .order_by(Ticket.id)).all()
    return {t.attendee_id: code_for(t) for t in tickets}


# --- exhibitor staff ---------------------------------------------------------------------------------

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
        if not EMAIL_SHAPE.match(email_key):
            raise ValidationError(_l("Enter a valid email address."), field="email")
        attendee = db.session.scalar(sa.select(Attendee).where(Attendee.forum_id == forum.id,
                                                               Attendee.email_key == email_key))
        if attendee is None:
            attendee = Attendee(forum_id=forum.id, email=email_key, email_key=email_key, kind=AttendeeKind.exhibitor,
                                status=AttendeeStatus.registered, themes=[], access_needs="", dietary_needs="",
                                share_contact=False, department="", responded_at=utcnow(), **values)
            db.session.add(attendee)
            db.session.flush()
            record(actor, "attendee.exhibitor_staff", attendee, forum_id=forum.id, changes=values)
        elif attendee.kind != AttendeeKind.exhibitor or attendee.company_id != company.id:
            raise ValidationError(_l("%(email)s is already on this forum's list for someone else. Give the "
                                     "person's own work address, or ask the organisers.", email=email_key),
                                  field="staff")
        else:
            wanted = {k: v for k, v in values.items() if v not in ("", None)}
            wanted["status"] = AttendeeStatus.registered
            changes = diff(attendee, wanted)
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
                _withdraw(attendee, AttendeeStatus.cancelled, actor)
    db.session.flush()
    return out

"""Tickets sent by mail (with the QR and an .ics), reissued tickets and the codes of a forum."""
from __future__ import annotations

import base64

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import mail
from ..audit.services import record
from ..communications.templates import queue_builtin, queue_custom
from ..communications.wallet import is_configured as wallet_ready
from ..db import utcnow
from ..errors import ValidationError
from ..extensions import db
from ..permissions import ensure
from ..qr import qr_png
from .models import Attendee, AttendeeStatus, Ticket
from .tickets import code_for, issue_ticket
from .invitations import new_link_token


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


def issue_and_mail(attendee: Attendee, *, token: str | None = None) -> Ticket:
    ticket = issue_ticket(attendee)
    queue_ticket_mail(attendee, ticket, token=token)
    return ticket


def queue_ticket_mail(attendee: Attendee, ticket: Ticket, *, token: str | None = None) -> None:
    """The confirmation: the QR as a PNG, an .ics invite and a link to the person's "My ticket" page."""
    if token is None:
        token = new_link_token(attendee)
    code = code_for(ticket)
    forum = attendee.forum
    png = qr_png(code, box_size=8)
    attachments = [mail.Attachment("ticket-qr.png", png, "image", "png"),
                   mail.Attachment("forum.ics", calendar_invite(forum, attendee), "text", "calendar")]
    ticket_link = mail.external_url("attendees.token_ticket", token=token)
    respond_link = mail.external_url("attendees.respond", token=token)
    wallet_link = mail.external_url("communications.token_pass", token=token) if wallet_ready() else None
    if queue_custom(forum, "attendee_ticket", attendee.email, attendee,
                    attachments=attachments, extra={"ticket_link": ticket_link, "respond_link": respond_link,
                                                    "ticket_code": code, "wallet_link": wallet_link or ""}):
        return
    queue_builtin(
        attendee.email, attendee, {"en": f"Your ticket: {forum.title_en}", "zh_Hant_HK": f"您的門票：{forum.title_zh}"},
        "attendee_ticket",
        attachments=attachments, wallet_link=wallet_link,
        attendee=attendee, forum=forum, code=code,
        # Also shown in the message itself, for mail apps that display data: images; the attachment is the sure way.
        qr_inline="data:image/png;base64," + base64.b64encode(png).decode("ascii"),
        ticket_link=ticket_link, respond_link=respond_link)


def reissue_ticket(actor, attendee: Attendee) -> Ticket:
    """A new code for a registered attendee (lost phone, shared screenshot); the old one scans as revoked."""
    ensure(actor, "attendee.manage")
    if attendee.status != AttendeeStatus.registered:
        raise ValidationError(_l("Only registered attendees have tickets."))
    ticket = issue_and_mail(attendee)
    record(actor, "attendee.reissue_ticket", attendee, forum_id=attendee.forum_id)
    return ticket


def current_codes(forum) -> dict[int, str]:
    """attendee id -> the text in their live QR code, for one forum, in one query."""
    tickets = db.session.scalars(sa.select(Ticket).where(Ticket.forum_id == forum.id, Ticket.revoked_at.is_(None))
                                 .order_by(Ticket.id)).all()
    return {t.attendee_id: code_for(t) for t in tickets}

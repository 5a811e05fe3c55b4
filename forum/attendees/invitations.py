"""Personal invitation links (stored hashed), the invitee they lead to, and the invitation mail."""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import mail
from ..audit.services import record
from ..communications.templates import queue_builtin, queue_custom
from ..db import utcnow
from ..errors import NotFound
from ..extensions import db
from ..permissions import ensure
from ..secret_tokens import hash_token
from ..text import normalise_email
from .models import Attendee, AttendeeStatus


def attendee_for_token(token: str) -> Attendee:
    attendee = None
    if token and len(token) < 200:
        attendee = db.session.scalar(sa.select(Attendee).where(Attendee.invitation_token_hash == hash_token(token)))
    if attendee is None:
        raise NotFound(_l("This invitation link is not valid. It may have been replaced by a newer one."))
    return attendee


def new_link_token(attendee: Attendee) -> str:
    token = secrets.token_urlsafe(24)
    attendee.invitation_token_hash = hash_token(token)
    return token


def send_invitation(actor, attendee: Attendee) -> str:
    """Mail the bilingual invitation with a personal link (a new one: earlier links stop working)."""
    ensure(actor, "attendee.manage")
    token = new_link_token(attendee)
    attendee.invited_at = utcnow()
    forum = attendee.forum
    link = mail.external_url("attendees.respond", token=token)
    if not queue_custom(forum, "attendee_invitation", attendee.email, attendee, extra={"respond_link": link}):
        queue_builtin(attendee.email, attendee,
                      {"en": f"Invitation: {forum.title_en}", "zh_Hant_HK": f"邀請：{forum.title_zh}"},
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

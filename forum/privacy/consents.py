"""Consents recorded as given, and the personal information collection statement (PICS)."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..db import utcnow
from ..extensions import db
from .models import Consent

# The collection statement shown wherever the app asks for personal data (templates/privacy/_notice.html).
NOTICE_TITLE = _l("Personal Information Collection Statement")
NOTICE = (
    _l("HKSTP and the Hospital Authority collect the personal data on this page to run the Innovation Forum: "
       "invitations, registration, tickets and badges, check-in, follow-up between exhibitors and HA staff, "
       "and pilots that come of it."),
    _l("Giving it is voluntary, but without your name and email address we cannot register you or send your "
       "ticket. Exhibitors receive your contact details only if you agree below."),
    _l("The data is kept until the retention period set for the forum ends (12 months after the forum unless "
       "the forum says otherwise) and is then anonymised."),
    _l("You may ask for a copy of your data (My account, Download my data) and ask for it to be corrected; "
       "write to the forum team at the address in your invitation."),
)


def last_consent(purpose: str, *, attendee_id: int | None = None, user_id: int | None = None) -> Consent | None:
    stmt = sa.select(Consent).where(Consent.purpose == purpose)
    stmt = stmt.where(Consent.attendee_id == attendee_id) if attendee_id else stmt.where(Consent.user_id == user_id)
    return db.session.scalar(stmt.order_by(Consent.at.desc(), Consent.id.desc()).limit(1))


def record_consent(purpose: str, given: bool, wording: str, locale: str, *, user_id: int | None = None,
                   attendee_id: int | None = None, forum_id: int | None = None) -> Consent | None:
    """Add one row when the answer is new or differs from the last one (saving the same answer adds none)."""
    if not wording:
        return None
    last = last_consent(purpose, attendee_id=attendee_id, user_id=user_id)
    if last is not None and last.given == bool(given) and last.wording == wording:
        return None
    row = Consent(purpose=purpose, given=bool(given), wording=wording, locale=(locale or "en")[:16],
                  user_id=user_id, attendee_id=attendee_id, forum_id=forum_id, at=utcnow())
    db.session.add(row)
    return row

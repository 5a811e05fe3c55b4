"""Which account an attendee record belongs to, decided where that can change.

A record is linked to an account at sign-in (every forum's record addressed to the account's
confirmed email), and when organisers or an approved application add records for addresses that
already have a confirmed account. Pages only read the link (own_attendee()), so a GET never writes.
An exhibitor account only ever takes its own company's exhibitor-staff record, never an HA invitee's.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from flask_login import user_logged_in

from ..accounts.models import User
from ..extensions import db
from ..text import normalise_email
from .models import Attendee, AttendeeKind


def own_attendee(user, forum) -> Attendee | None:
    """The user's own attendee record at the forum, if one is linked."""
    if forum is None or user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(sa.select(Attendee).where(Attendee.forum_id == forum.id, Attendee.user_id == user.id))


def link_account(user) -> int:
    """Link the records addressed to the user's confirmed email that no account holds yet; how many."""
    if not user.email_verified:
        return 0
    claimable = sa.select(Attendee).where(
        Attendee.user_id.is_(None), Attendee.email_key == normalise_email(user.email),
        # one record per person and forum
        Attendee.forum_id.not_in(sa.select(Attendee.forum_id).where(Attendee.user_id == user.id)))
    if user.role == "exhibitor":
        if user.company_id is None:
            return 0
        claimable = claimable.where(Attendee.kind == AttendeeKind.exhibitor, Attendee.company_id == user.company_id)
    records = db.session.scalars(claimable).all()
    for attendee in records:
        attendee.user_id = user.id
    if records:
        db.session.flush()
    return len(records)


def link_new_records(emails) -> None:
    """Records just added for these addresses go to the confirmed accounts that already hold them."""
    keys = {normalise_email(e) for e in emails if e}
    if not keys:
        return
    for user in db.session.scalars(sa.select(User).where(User.email.in_(keys), User.email_verified.is_(True))):
        link_account(user)


def _at_sign_in(_app, user, **_extra) -> None:
    link_account(user)


def init_app(app: Flask) -> None:
    """Sign-in links the account's records (in the sign-in's own transaction, which the view commits)."""
    user_logged_in.connect(_at_sign_in, app)

"""Accounts: sign-in, users, password resets and invitations (personal API tokens: tokens.py)."""
from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from .. import mail
from ..audit.services import record
from ..communications.templates import Person, person_at, queue_site
from ..db import contains, utcnow
from ..errors import Conflict, NotFound, ValidationError
from ..extensions import db
from ..keys import key_for
from ..permissions import ROLES, ensure
from ..secret_tokens import hash_password, hash_token
from ..text import clean, is_email, normalise_email
from .models import Invitation, User

MIN_PASSWORD_LENGTH = 10


def find_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None; the same work is done either way. Both outcomes go
    to the audit trail (the caller commits either way)."""
    user = find_by_email(email)
    if user is None or not user.active:
        # Hash anyway so a missing account takes as long as a wrong password.
        _dummy_check(password)
        _failed_sign_in(email, user)
        return None
    if not user.check_password(password):
        _failed_sign_in(email, user)
        return None
    user.last_login_at = utcnow()
    record(user, "user.login" if user.email_verified else "user.login_unverified", user)
    return user


def _failed_sign_in(email: str, user: User | None) -> None:
    record(None, "user.login_failed", user, object_type="User",
           changes={"email": normalise_email(email)[:254]})


_DUMMY_HASHES: dict[str, str] = {}  # by hashing method


def _dummy_check(password: str) -> None:
    from werkzeug.security import check_password_hash

    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:  # made as real users' hashes are, so that the check takes as long
        _DUMMY_HASHES[method] = hash_password(secrets.token_hex(8))
    check_password_hash(_DUMMY_HASHES[method], password)


def check_password_strength(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationError(_l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH), field="password")


def create_user(email: str, role: str, *, password: str | None = None, name_en: str = "",
                name_zh: str = "", company_id: int | None = None, actor=None, verified: bool = True) -> User:
    email_key = normalise_email(email)
    if not is_email(email_key):
        raise ValidationError(_l("Enter a valid email address."), field="email")
    if role not in ROLES:
        raise ValidationError(_l("Unknown role %(role)s.", role=role), field="role")
    if find_by_email(email_key):
        raise Conflict(_l("An account with this email already exists."), field="email")
    user = User(email=email_key, role=role, name_en=clean(name_en), name_zh=clean(name_zh),
                company_id=company_id, session_version=1, email_verified=verified)
    if password is not None:
        check_password_strength(password)
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record(actor, "user.create", user, changes={"email": user.email, "role": role})
    return user


def update_profile(user: User, *, name_en: str, name_zh: str, locale: str | None) -> None:
    from ..audit.services import apply_changes

    changes = apply_changes(user, {"name_en": clean(name_en), "name_zh": clean(name_zh), "locale": locale})
    if changes:
        record(user, "user.update", user, changes=changes)


def set_locale(user: User | None, locale: str) -> None:
    from ..i18n import LOCALES

    if locale not in LOCALES:
        raise ValidationError(_l("Unknown language."), field="locale")
    if user is not None and getattr(user, "is_authenticated", False):
        user.locale = locale


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise ValidationError(_l("The current password is not right."), field="current_password")
    check_password_strength(new)
    user.set_password(new)
    record(user, "user.password_change", user)


def set_role(actor, user: User, role: str) -> None:
    ensure(actor, "user.manage")
    if role not in ROLES:
        raise ValidationError(_l("Unknown role %(role)s.", role=role), field="role")
    if user.role != role:
        record(actor, "user.role", user, changes={"role": [user.role, role]})
        user.role = role
        user.session_version += 1


def set_active(actor, user: User, active: bool) -> None:
    ensure(actor, "user.manage")
    if user.id == actor.id and not active:
        raise ValidationError(_l("You cannot deactivate your own account."))
    if user.active != active:
        record(actor, "user.active", user, changes={"active": [user.active, active]})
        user.active = active
        user.session_version += 1


def list_users(actor, *, role: str | None = None, query: str = ""):
    ensure(actor, "user.manage")
    stmt = sa.select(User).order_by(User.role, User.email)
    if role:
        stmt = stmt.where(User.role == role)
    if query:
        q = query.strip()
        stmt = stmt.where(sa.or_(contains(User.email, q, ignore_case=True), contains(User.name_en, q, ignore_case=True),
                                 contains(User.name_zh, q)))
    return db.session.scalars(stmt).all()


# --- password reset ---------------------------------------------------------------------

def _serializer(purpose: str) -> URLSafeTimedSerializer:
    """Signed links of one kind ("password-reset", "email-verify"), each with its own derived key."""
    return URLSafeTimedSerializer(key_for(purpose), salt=purpose)


def _signed_link_data(purpose: str, token: str, max_age: int, expired) -> dict:
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise ValidationError(expired)
    except BadSignature:
        raise ValidationError(_l("This link is not valid."))


def request_password_reset(email: str) -> None:
    """Mail a reset link if the account exists; say nothing either way (no account probing)."""
    user = find_by_email(email)
    if user is None or not user.active:
        return
    link = mail.external_url("accounts.reset_password",
                             token=_serializer("password-reset").dumps({"u": user.id, "v": user.session_version}))
    hours = current_app.config["PASSWORD_RESET_MAX_AGE"] // 3600
    queue_site("password_reset", user.email, user, {"reset_link": link, "hours": hours},
               subject={"en": "Reset your password", "zh_Hant_HK": "重設密碼"}, template="password_reset", user=user, link=link, hours=hours)


def user_for_reset_token(token: str) -> User:
    data = _signed_link_data("password-reset", token, current_app.config["PASSWORD_RESET_MAX_AGE"],
                             _l("This link has expired. Ask for a new one."))
    user = db.session.get(User, data.get("u"))
    # A used link stops working: setting the password bumps the version.
    if user is None or user.session_version != data.get("v") or not user.active:
        raise ValidationError(_l("This link has already been used or is no longer valid."))
    return user


def reset_password(token: str, password: str) -> User:
    user = user_for_reset_token(token)
    check_password_strength(password)
    user.set_password(password)
    user.email_verified = True  # the link reached the mailbox: the address is proven
    record(user, "user.password_reset", user)
    return user


# --- confirming the address of a sign-up ----------------------------------------------------

def email_verification_token(user: User) -> str:
    return _serializer("email-verify").dumps({"u": user.id, "e": user.email})


def send_email_verification(user: User) -> None:
    """Mail a signed link that confirms the address; it expires and works once."""
    link = mail.external_url("accounts.verify_email", token=email_verification_token(user))
    hours = current_app.config["EMAIL_VERIFY_MAX_AGE"] // 3600
    queue_site("verify_email", user.email, user, {"verify_link": link, "hours": hours}, user=user, link=link,
               subject={"en": "Confirm your email address", "zh_Hant_HK": "確認電郵地址"}, template="verify_email", hours=hours)


def verify_email(token: str) -> User:
    data = _signed_link_data("email-verify", token, current_app.config["EMAIL_VERIFY_MAX_AGE"],
                             _l("This link has expired. Sign in to get a new one."))
    user = db.session.get(User, data.get("u"))
    # Single use: once the address is confirmed the link is spent.
    if user is None or user.email != data.get("e") or user.email_verified or not user.active:
        raise ValidationError(_l("This link has already been used or is no longer valid. Please sign in."))
    user.email_verified = True
    record(user, "user.email_verified", user)
    return user


def pending_invitation(email: str) -> Invitation | None:
    max_age = timedelta(seconds=current_app.config["INVITATION_MAX_AGE"])
    return db.session.scalar(sa.select(Invitation).where(
        Invitation.email == normalise_email(email), Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None), Invitation.created_at > utcnow() - max_age).limit(1))


def address_taken(email: str) -> bool:
    """An account or a pending invitation holds this address: a sign-up may not claim it."""
    return find_by_email(email) is not None or pending_invitation(email) is not None


def tell_owner_of_taken_address(email: str) -> None:
    """The sign-up page answers the same either way; the owner of the address learns of the attempt."""
    to, login, reset = (normalise_email(email), mail.external_url("accounts.login"),
                        mail.external_url("accounts.forgot_password"))
    queue_site("signup_address_taken", to, person_at(to), {"login_link": login, "reset_link": reset},
               subject={"en": "Sign-up with your address", "zh_Hant_HK": "有人以您的地址登記"}, template="signup_address_taken", link=login,
               reset_link=reset)


# --- invitations ------------------------------------------------------------------------

def invite(actor, email: str, role: str, *, name_en: str = "", name_zh: str = "",
           company_id: int | None = None) -> Invitation:
    if role not in ROLES:
        raise ValidationError(_l("Unknown role %(role)s.", role=role), field="role")
    if role == "admin" and getattr(actor, "role", None) != "admin":
        raise ValidationError(_l("Only an administrator can invite administrators."), field="role")
    if role == "researcher":  # they come with an organisation: forum/datalab/partners.py
        raise ValidationError(_l("Partners and researchers are invited from the data lab's page."), field="role")
    # Organisers invite anyone; a company admin invites colleagues into their own company only.
    ensure(actor, "user.invite_into", (role, company_id if role == "exhibitor" else None))
    if role == "exhibitor" and company_id is None:
        raise ValidationError(_l("Choose the company this person joins."), field="company_id")
    return send_invitation(actor, email, role, name_en=name_en, name_zh=name_zh, company_id=company_id)


def send_invitation(actor, email: str, role: str, *, name_en: str = "", name_zh: str = "",
                    company_id: int | None = None) -> Invitation:
    """Make and mail the invitation; the caller has checked the actor may (invite(), or data-lab staff)."""
    email_key = normalise_email(email)
    if not is_email(email_key):
        raise ValidationError(_l("Enter a valid email address."), field="email")
    # An unconfirmed sign-up never blocks the real owner: accepting the invitation replaces it.
    if (existing := find_by_email(email_key)) is not None and existing.email_verified:
        raise Conflict(_l("An account with this email already exists."), field="email")
    token = secrets.token_urlsafe(32)
    invitation = Invitation(email=email_key, role=role, name_en=clean(name_en), name_zh=clean(name_zh),
                            company_id=company_id if role == "exhibitor" else None,
                            token_hash=hash_token(token), invited_by_id=actor.id)
    db.session.add(invitation)
    db.session.flush()
    record(actor, "invitation.create", invitation, changes={"email": email_key, "role": role})
    link = mail.external_url("accounts.accept_invitation", token=token)
    queue_site("account_invitation", email_key, invitation, {"inviter": actor.display_name, "invitation_link": link},
               subject={"en": "You are invited", "zh_Hant_HK": "誠邀加入"}, template="invitation", invitation=invitation, link=link, inviter=actor)
    invitation.link = link  # for the organiser's screen and tests; never stored
    return invitation


def invitation_for_token(token: str) -> Invitation:
    row = db.session.scalar(sa.select(Invitation).where(Invitation.token_hash == hash_token(token)))
    if row is None:
        raise NotFound(_l("This invitation link is not valid."))
    if row.accepted_at is not None:
        raise ValidationError(_l("This invitation has already been used. Please sign in."))
    if row.revoked_at is not None:
        raise ValidationError(_l("This invitation was withdrawn. Ask the organisers if you need a new one."))
    max_age = timedelta(seconds=current_app.config["INVITATION_MAX_AGE"])
    if utcnow() - row.created_at > max_age:
        raise ValidationError(_l("This invitation has expired. Ask the organisers for a new one."))
    return row


def pending_invitations(actor) -> list[Invitation]:
    """Invitations sent and not yet accepted, withdrawn or expired (organisers' list)."""
    ensure(actor, "user.invite")
    max_age = timedelta(seconds=current_app.config["INVITATION_MAX_AGE"])
    return db.session.scalars(sa.select(Invitation).where(
        Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
        Invitation.created_at > utcnow() - max_age).order_by(Invitation.created_at.desc()).limit(200)).all()


def revoke_invitation(actor, invitation_id: int) -> Invitation:
    """Withdraw a sent invitation: its link stops working and the address is free again."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound()
    ensure(actor, "user.invite_into", (invitation.role, invitation.company_id))
    if invitation.accepted_at is not None:
        raise ValidationError(_l("This invitation was already accepted; deactivate the account instead."))
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        record(actor, "invitation.revoke", invitation, changes={"email": invitation.email})
    return invitation


def accept_invitation(token: str, *, password: str, name_en: str, name_zh: str) -> User:
    invitation = invitation_for_token(token)
    check_password_strength(password)
    unconfirmed = find_by_email(invitation.email)
    if unconfirmed is not None and not unconfirmed.email_verified:
        # Someone signed up with this address and never proved it; the invitee has.
        record(None, "user.unconfirmed_replaced", unconfirmed, changes={"email": unconfirmed.email})
        db.session.delete(unconfirmed)
        db.session.flush()
    user = create_user(invitation.email, invitation.role, password=password,
                       name_en=name_en or invitation.name_en, name_zh=name_zh or invitation.name_zh,
                       company_id=invitation.company_id)
    invitation.accepted_at = utcnow()
    record(user, "invitation.accept", invitation)
    return user

"""Park companies and their people: sign-up, profile, colleagues and company admins.

Services take the acting user, raise domain errors and flush; the caller commits.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..audit.services import apply_changes, record
from ..errors import Conflict, NotFound, ValidationError
from ..extensions import db
from ..permissions import ensure
from ..text import clean, is_email, normalise, normalise_email
from . import uploads
from .models import SECTORS, Company, company_admin


def is_company_admin(user, company_id: int | None) -> bool:
    if user is None or company_id is None or getattr(user, "id", None) is None:
        return False
    return db.session.execute(sa.select(company_admin.c.user_id).where(
        company_admin.c.company_id == company_id, company_admin.c.user_id == user.id)).first() is not None


def _company_keys(name_en: str, name_zh: str, company_id: int | None = None) -> tuple[str, str | None]:
    """The duplicate keys for a company's names; Conflict if another company has either."""
    key_en = normalise(name_en) or normalise(name_zh)
    key_zh = normalise(name_zh) or None
    taken = sa.select(Company.id).where(sa.or_(Company.name_key.in_([k for k in (key_en, key_zh) if k]),
                                               Company.name_zh_key.in_([k for k in (key_en, key_zh) if k])))
    if company_id is not None:
        taken = taken.where(Company.id != company_id)
    if db.session.scalar(taken.limit(1)) is not None:
        raise Conflict(_l("A company with this name is already registered. Ask its admin to invite you."),
                       field="name_en")
    return key_en, key_zh


COMPANY_FIELDS = ("name_en", "name_zh", "programme_ref", "sector", "website", "description_en", "description_zh",
                  "contact_name", "contact_email", "contact_phone")


def _company_values(data: dict) -> dict:
    values = {k: data.get(k) for k in COMPANY_FIELDS if k in data}
    for key in ("name_en", "name_zh", "programme_ref", "website", "contact_name", "contact_phone"):
        if key in values:
            values[key] = clean(values[key])
    for key in ("description_en", "description_zh"):
        if key in values:
            values[key] = (values[key] or "").strip()
    if "contact_email" in values:
        values["contact_email"] = normalise_email(values["contact_email"])
    if "sector" in values and values["sector"] not in SECTORS:
        raise ValidationError(_l("Choose a sector from the list."), field="sector")
    if "website" in values and values["website"] and not values["website"].startswith(("http://", "https://")):
        values["website"] = "https://" + values["website"]
    return values


def refresh_company_search(company: Company) -> None:
    company.search_text = normalise(" ".join([company.name_en, company.name_zh, company.description_en or "",
                                               company.description_zh or "", company.programme_ref or ""]))


def sign_up(data: dict, *, password: str, logo: tuple[bytes, str] | None = None):
    """A new park company and its first person (the company admin), unverified until the address is
    confirmed by the mailed link. Returns (user, company), or (None, None) when the address already
    has an account or a pending invitation: the owner is told by mail and the caller answers exactly
    as for a new sign-up, so the page never reveals who has an account."""
    from ..accounts.services import (address_taken, check_password_strength, create_user,
                                     send_email_verification, tell_owner_of_taken_address)

    values = _company_values(data)
    if not (values.get("name_en") or values.get("name_zh")):
        raise ValidationError(_l("Give the company's name in English or Chinese."), field="name_en")
    key_en, key_zh = _company_keys(values.get("name_en", ""), values.get("name_zh", ""))
    check_password_strength(password)
    email = normalise_email(data.get("contact_email"))
    if not is_email(email):
        raise ValidationError(_l("Enter a valid email address."), field="contact_email")
    if address_taken(email):
        tell_owner_of_taken_address(email)
        return None, None
    company = Company(name_key=key_en, name_zh_key=key_zh, **values)
    refresh_company_search(company)
    try:
        # The unique keys settle a race between two sign-ups with the same name.
        with db.session.begin_nested():
            db.session.add(company)
            db.session.flush()
    except sa.exc.IntegrityError:
        raise Conflict(_l("A company with this name is already registered. Ask its admin to invite you."),
                       field="name_en")
    user = create_user(email, "exhibitor", password=password,
                       name_en=data.get("contact_name", ""), name_zh=data.get("contact_name_zh", ""),
                       company_id=company.id, verified=False)
    db.session.execute(company_admin.insert().values(company_id=company.id, user_id=user.id))
    if logo:
        company.logo_id = uploads.store(company.id, logo[0], kind="image", original_name=logo[1], actor=user,
                                        field="logo").id
    record(user, "company.create", company, changes={"name_en": company.name_en, "name_zh": company.name_zh})
    send_email_verification(user)
    return user, company


def update_company(actor, company: Company, data: dict, *, logo: tuple[bytes, str] | None = None) -> dict:
    ensure(actor, "company.edit", company)
    values = _company_values(data)
    name_en, name_zh = values.get("name_en", company.name_en), values.get("name_zh", company.name_zh)
    if not (name_en or name_zh):
        raise ValidationError(_l("Give the company's name in English or Chinese."), field="name_en")
    values["name_key"], values["name_zh_key"] = _company_keys(name_en, name_zh, company.id)
    if logo:
        values["logo_id"] = uploads.store(company.id, logo[0], kind="image", original_name=logo[1], actor=actor,
                                          field="logo").id
    changes = apply_changes(company, values)
    refresh_company_search(company)
    if changes:
        record(actor, "company.update", company, changes=changes)
    return changes


def own_company(user) -> Company:
    if user.company_id is None:
        raise NotFound(_l("Your account is not linked to a park company yet."))
    return db.session.get(Company, user.company_id)


def invite_colleague(actor, company: Company, email: str, *, name_en: str = "", name_zh: str = ""):
    """A company admin (or an organiser) invites a colleague into the company; the rule is
    "user.invite_into" in forum/permissions.py."""
    from ..accounts.services import invite

    ensure(actor, "company.members", company)
    return invite(actor, email, "exhibitor", name_en=name_en, name_zh=name_zh, company_id=company.id)


def remove_colleague(actor, company: Company, user) -> None:
    ensure(actor, "company.members", company)
    if user.company_id != company.id:
        raise NotFound()
    if user.id == actor.id:
        raise ValidationError(_l("You cannot remove yourself; ask another admin of your company."))
    user.company_id = None
    user.session_version += 1
    db.session.execute(company_admin.delete().where(company_admin.c.company_id == company.id,
                                                    company_admin.c.user_id == user.id))
    record(actor, "company.member_remove", company, changes={"user": user.email})


def make_company_admin(actor, company: Company, user) -> None:
    """Organisers (and the CLI/demo) name a company admin; a company admin may name another."""
    ensure(actor, "company.members", company)
    if user.company_id != company.id:
        raise ValidationError(_l("This person is not in the company."))
    if not is_company_admin(user, company.id):
        db.session.execute(company_admin.insert().values(company_id=company.id, user_id=user.id))
        record(actor, "company.admin_add", company, changes={"user": user.email})


def members_of(company: Company):
    from ..accounts.models import User

    admins = set(db.session.scalars(sa.select(company_admin.c.user_id).where(
        company_admin.c.company_id == company.id)))
    users = db.session.scalars(sa.select(User).where(User.company_id == company.id).order_by(User.email)).all()
    return [(u, u.id in admins) for u in users]


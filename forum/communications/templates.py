"""Mail templates: the organisers' wording of a forum's mail, saved per forum, and how it is composed.

`forum` is None for the account mails, worded once for the whole site by administrators
(kinds.SITE_KINDS); everything else is the same for both.

This is the layer that turns a template and a person into subject, text and HTML; the result goes
to mail.queue_mail() like every other mail. A mail kind with no override for the forum keeps its
built-in Jinja template (templates/mail/), whose wording the defaults in kinds.py repeat for the editor.
"""
from __future__ import annotations

import re
import sqlalchemy as sa
from flask_babel import force_locale

from .. import mail
from ..audit.services import record
from ..extensions import db
from ..i18n import LOCALES, hk_datetime
from ..permissions import ensure
from ..text import bilingual, normalise_email
from .kinds import FIELDS, KINDS, PERSON, SITE_KINDS, MailKind, kind  # noqa: F401  (the names senders and views use)
from .models import MailTemplate
from .rendering import as_html, check, fill
from .values import Person, account_values, company_person, decision_values, sample_links  # noqa: F401

_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


def _of(forum):
    return MailTemplate.forum_id.is_(None) if forum is None else MailTemplate.forum_id == forum.id


def kind_of(forum, key: str) -> MailKind:
    """The kind `key` names in this key space: a forum's mails, or the site's account mails."""
    return kind(key, site=forum is None)


def permission_for(forum) -> str:
    return "communications.manage_site" if forum is None else "communications.manage"


def _forum_id(forum) -> int | None:
    return None if forum is None else forum.id


def overrides(forum) -> dict[str, MailTemplate]:
    rows = db.session.scalars(sa.select(MailTemplate).where(_of(forum)))
    return {row.key: row for row in rows}


def override(forum, key: str) -> MailTemplate | None:
    return db.session.scalar(sa.select(MailTemplate).where(_of(forum), MailTemplate.key == key))


def current_texts(forum, key: str) -> dict[str, str]:
    """What the editor opens with: the forum's (or site's) wording, else the default."""
    row = override(forum, key)
    return {f: getattr(row, f) for f in FIELDS} if row else kind_of(forum, key).defaults()


def check_texts(texts: dict[str, str], placeholders: tuple[str, ...]) -> dict[str, str]:
    cleaned = {f: (texts.get(f) or "").replace("\r\n", "\n").strip() for f in FIELDS}
    for name, value in cleaned.items():
        check(value, placeholders, name)
    return cleaned


def save(actor, forum, key: str, texts: dict[str, str]) -> MailTemplate:
    ensure(actor, permission_for(forum))
    cleaned = check_texts(texts, kind_of(forum, key).placeholders)
    row = override(forum, key)
    if row is None:
        row = MailTemplate(forum_id=_forum_id(forum), key=key)
        db.session.add(row)
    for name, value in cleaned.items():
        setattr(row, name, value)
    row.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    record(actor, "mail_template.save", row, forum_id=_forum_id(forum), changes={"key": key})
    return row


def reset(actor, forum, key: str) -> None:
    ensure(actor, permission_for(forum))
    kind_of(forum, key)
    row = override(forum, key)
    if row is not None:
        record(actor, "mail_template.reset", row, forum_id=_forum_id(forum), changes={"key": key})
        db.session.delete(row)
        db.session.flush()


# --- rendering ---------------------------------------------------------------------------------------

def locales_for(choice: str | None) -> tuple[str, ...]:
    """The person's language when they chose one, else both (English first)."""
    return (choice,) if choice in LOCALES else LOCALES


def person_values(forum, person, locale: str, extra: dict | None = None) -> dict[str, str]:
    """The placeholders about a person and the forum (if any), in one language; missing data is empty."""
    values = {
        "name": bilingual(getattr(person, "name_en", ""), getattr(person, "name_zh", ""), locale),
        "title": getattr(person, "title", "") or "",
        "organisation": getattr(person, "organisation", "") or "",
    }
    if forum is not None:
        with force_locale(locale):
            values["forum_date"] = hk_datetime(forum.starts_at, "full")
        values["forum_title"] = bilingual(forum.title_en, forum.title_zh, locale)
        values["forum_venue"] = bilingual(forum.venue_en, forum.venue_zh, locale)
    # An extra value given per language ({"en": ..., "zh_Hant_HK": ...}) is taken in this part's language.
    values.update({k: v.get(locale) if isinstance(v, dict) else v for k, v in (extra or {}).items()})
    return values


def compose(texts: dict[str, str], forum, person, locales: tuple[str, ...], extra: dict | None = None,
            footer: dict[str, str] | None = None) -> tuple[str, str, str]:
    """(subject, text, html) in the given languages, English first; texts must have been checked."""
    subjects, bodies, htmls = [], [], []
    for locale in locales:
        suffix = "zh" if locale.startswith("zh") else "en"
        values = person_values(forum, person, locale, extra)
        subjects.append(fill(texts[f"subject_{suffix}"], values).strip())
        body = _BLANK_LINES.sub("\n\n", fill(texts[f"body_{suffix}"], values)).strip()  # an empty value's line goes
        if footer:
            body += "\n\n--\n" + footer[locale]
        bodies.append(body)
        htmls.append(as_html(body))
    subject = " | ".join(s for s in subjects if s)
    text, html = mail.join_parts(locales, bodies, htmls)
    return subject, text, html


def chosen_locale(person) -> str | None:
    """The language the person picked on their account (attendees link to one), else None."""
    return getattr(person, "locale", None) or getattr(getattr(person, "user", None), "locale", None)


def account_locale(email: str) -> str | None:
    """The language chosen on the account that holds this address, if any: for mail addressed by
    address only (a company's contact, a guest speaker, a survey invitee)."""
    from ..accounts.models import User

    key = normalise_email(email)
    return db.session.scalar(sa.select(User.locale).where(User.email == key)) if key else None


def account_locales(emails) -> dict[str, str | None]:
    """account_locale() of many addresses in one query, for mail to a list: {normalised address: locale}."""
    from ..accounts.models import User

    keys = {key for key in map(normalise_email, emails) if key}
    if not keys:
        return {}
    return dict(db.session.execute(sa.select(User.email, User.locale).where(User.email.in_(keys))).all())


def person_at(email: str, name_en: str = "", name_zh: str = "", *, locales: dict | None = None) -> Person:
    """Someone known by address: their name as given, their language from the account with that
    address (looked up in `locales`, from account_locales(), when mailing a list)."""
    locale = account_locale(email) if locales is None else locales.get(normalise_email(email))
    return Person(email, name_en=name_en, name_zh=name_zh, locale=locale)


_READ_IT = object()


def queue_custom(forum, key: str, to: str, person, *, extra: dict | None = None,
                 attachments: list | None = None, wording=_READ_IT) -> bool:
    """Queue the forum's own wording of this mail, in the person's language or both; False when the
    forum has none. `wording`: override(forum, key) read once beforehand, when mailing a list."""
    row = override(forum, key) if wording is _READ_IT else wording
    if row is None:
        return False
    texts = {f: getattr(row, f) for f in FIELDS}
    subject, text, html = compose(texts, forum, person, locales_for(chosen_locale(person)), extra)
    mail.queue_mail(db.session, mail.Mail(to=to, subject=subject, text=text, html=html,
                                          attachments=list(attachments or [])))
    return True


def queue_builtin(to: str, person, subject: dict[str, str], template: str, *, attachments: list | None = None,
                  **context) -> None:
    """Queue a built-in template (templates/mail/) in the person's language, or both: the same rule as
    queue_custom(). subject is given per language ({"en": ..., "zh_Hant_HK": ...})."""
    locales = locales_for(chosen_locale(person))
    mail.queue_template(db.session, to, " | ".join(subject[locale] for locale in locales), template,
                        attachments=attachments, locales=locales, **context)


def queue_site(key: str, to: str, person, values: dict, *, subject: dict[str, str], template: str,
               **context) -> None:
    """Queue an account mail: the administrators' site-wide wording if saved, else the built-in template."""
    if not queue_custom(None, key, to, person, extra=account_values(person, **values)):
        queue_builtin(to, person, subject, template, **context)

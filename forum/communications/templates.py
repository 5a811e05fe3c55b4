"""Mail templates: the built-in wording of each forum mail, and the organisers' overrides per forum.

This is the layer that turns a template and a person into subject, text and HTML; the result goes
to mail.queue_mail() like every other mail. A mail kind with no override for the forum keeps its
built-in Jinja template (templates/mail/), whose wording the defaults below repeat for the editor.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l

from .. import mail
from ..audit.services import record
from ..errors import NotFound
from ..extensions import db
from ..i18n import LOCALES, hk_datetime
from ..permissions import ensure
from ..text import bilingual
from . import permissions as _permissions  # noqa: F401  (grants before ensure)
from .models import MailTemplate
from .rendering import as_html, check, fill

_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
FIELDS = ("subject_en", "subject_zh", "body_en", "body_zh")
PERSON = ("name", "title", "organisation", "forum_title", "forum_date", "forum_venue")


@dataclass
class Person:
    """Someone a mail is about when there is no attendee row (announcement groups, survey invitees)."""

    email: str
    name_en: str = ""
    name_zh: str = ""
    title: str = ""
    organisation: str = ""
    locale: str | None = None


@dataclass(frozen=True)
class MailKind:
    key: str
    label: object
    placeholders: tuple[str, ...]
    subject_en: str
    subject_zh: str
    body_en: str
    body_zh: str
    about: str = "attendee"  # the kind of record a preview is made on: "attendee" or "application"

    def defaults(self) -> dict[str, str]:
        return {f: getattr(self, f) for f in FIELDS}


KINDS = {k.key: k for k in (
    MailKind("attendee_invitation", _l("Invitation to HA staff"), PERSON + ("respond_link",),
             "Invitation: {forum_title}", "邀請：{forum_title}",
             "Dear {name},\n\nYou are invited to {forum_title}.\n{forum_date}\n{forum_venue}\n\n"
             "Please confirm or decline with your personal link (do not forward it):\n\n{respond_link}\n\n"
             "When you confirm you can pick the Smart Hospital themes you care about and tell us about access "
             "or dietary needs. Your QR ticket follows by email.",
             "{name}您好：\n\n誠邀您出席{forum_title}。\n{forum_date}\n{forum_venue}\n\n"
             "請以您的個人連結確認或婉拒出席（請勿轉寄）：\n\n{respond_link}\n\n"
             "確認時您可選擇感興趣的智慧醫院主題，並告訴我們您的無障礙或飲食需要。二維碼門票將另以電郵寄上。"),
    MailKind("attendee_ticket", _l("Ticket"), PERSON + ("ticket_link", "ticket_code", "respond_link", "wallet_link"),
             "Your ticket: {forum_title}", "您的門票：{forum_title}",
             "Dear {name},\n\nHere is your ticket for {forum_title}.\n{forum_date}\n{forum_venue}\n\n"
             "Your QR code is attached (ticket-qr.png), with a calendar invitation (forum.ics). You can also "
             "show it full screen from this page:\n\n{ticket_link}\n\nTicket code: {ticket_code}\n\n"
             "To change your choices or cancel: {respond_link}",
             "{name}您好：\n\n這是您出席{forum_title}的門票。\n{forum_date}\n{forum_venue}\n\n"
             "二維碼已附上（ticket-qr.png），並附日曆邀請（forum.ics）。您亦可在此頁面以全螢幕顯示：\n\n"
             "{ticket_link}\n\n門票編號：{ticket_code}\n\n如需更改選擇或取消：{respond_link}"),
    MailKind("forum_survey", _l("Survey after the forum"), PERSON + ("survey_link",),
             "Your view of {forum_title}", "意見調查：{forum_title}",
             "Dear {name},\n\nThank you for taking part in {forum_title}. Was it useful, and which solutions do "
             "you want to follow up? Three short questions: {survey_link}",
             "{name}您好：\n\n多謝您參與{forum_title}。論壇對您有用嗎？您希望跟進哪些方案？三條簡短問題：{survey_link}"),
    MailKind("exhibitor_decision", _l("Decision on an application to exhibit"),
             PERSON + ("decision", "note", "application_link"),
             "Your application to exhibit: {forum_title}", "參展申請結果：{forum_title}",
             "Dear {name},\n\n{decision}\n\n{note}\n\nSee your application: {application_link}",
             "{name}您好：\n\n{decision}\n\n{note}\n\n查看您的申請：{application_link}", about="application"),
)}


def kind(key: str) -> MailKind:
    if key not in KINDS:
        raise NotFound(_l("No such mail."))
    return KINDS[key]


def overrides(forum) -> dict[str, MailTemplate]:
    rows = db.session.scalars(sa.select(MailTemplate).where(MailTemplate.forum_id == forum.id))
    return {row.key: row for row in rows}


def override(forum, key: str) -> MailTemplate | None:
    return db.session.scalar(sa.select(MailTemplate).where(MailTemplate.forum_id == forum.id,
                                                           MailTemplate.key == key))


def current_texts(forum, key: str) -> dict[str, str]:
    """What the editor opens with: the forum's wording, else the default."""
    row = override(forum, key)
    return {f: getattr(row, f) for f in FIELDS} if row else kind(key).defaults()


def check_texts(texts: dict[str, str], placeholders: tuple[str, ...]) -> dict[str, str]:
    cleaned = {f: (texts.get(f) or "").replace("\r\n", "\n").strip() for f in FIELDS}
    for name, value in cleaned.items():
        check(value, placeholders, name)
    return cleaned


def save(actor, forum, key: str, texts: dict[str, str]) -> MailTemplate:
    ensure(actor, "communications.manage")
    cleaned = check_texts(texts, kind(key).placeholders)
    row = override(forum, key)
    if row is None:
        row = MailTemplate(forum_id=forum.id, key=key)
        db.session.add(row)
    for name, value in cleaned.items():
        setattr(row, name, value)
    row.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    record(actor, "mail_template.save", row, forum_id=forum.id, changes={"key": key})
    return row


def reset(actor, forum, key: str) -> None:
    ensure(actor, "communications.manage")
    kind(key)
    row = override(forum, key)
    if row is not None:
        record(actor, "mail_template.reset", row, forum_id=forum.id, changes={"key": key})
        db.session.delete(row)
        db.session.flush()


# --- rendering ---------------------------------------------------------------------------------------

def locales_for(choice: str | None) -> tuple[str, ...]:
    """The person's language when they chose one, else both (English first)."""
    return (choice,) if choice in LOCALES else LOCALES


def person_values(forum, person, locale: str, extra: dict | None = None) -> dict[str, str]:
    """The placeholders about a person and the forum, in one language; missing data is empty."""
    with force_locale(locale):
        date = hk_datetime(forum.starts_at, "full")
    values = {
        "name": bilingual(getattr(person, "name_en", ""), getattr(person, "name_zh", ""), locale),
        "title": getattr(person, "title", "") or "",
        "organisation": getattr(person, "organisation", "") or "",
        "forum_title": bilingual(forum.title_en, forum.title_zh, locale),
        "forum_date": date,
        "forum_venue": bilingual(forum.venue_en, forum.venue_zh, locale),
    }
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
    text = "\n\n----------------------------------------\n\n".join(bodies) + "\n"
    html = render_template("mail/_bilingual.html", parts=htmls)
    return subject, text, html


def chosen_locale(person) -> str | None:
    """The language the person picked on their account (attendees link to one), else None."""
    return getattr(person, "locale", None) or getattr(getattr(person, "user", None), "locale", None)


def queue_custom(forum, key: str, to: str, person, *, extra: dict | None = None,
                 attachments: list | None = None) -> bool:
    """Queue the forum's own wording of this mail, in the person's language or both; False when the forum has none."""
    row = override(forum, key)
    if row is None:
        return False
    texts = {f: getattr(row, f) for f in FIELDS}
    subject, text, html = compose(texts, forum, person, locales_for(chosen_locale(person)), extra)
    mail.queue_mail(db.session, mail.Mail(to=to, subject=subject, text=text, html=html,
                                          attachments=list(attachments or [])))
    return True


def sample_links(key: str) -> dict[str, str]:
    """Stand-ins for personal links in previews and tests: a preview must not replace anyone's real link."""
    respond = mail.external_url("attendees.respond", token="preview")
    return {"respond_link": respond, "ticket_link": respond + "/ticket", "ticket_code": "HKF2-PREVIEW",
            "wallet_link": respond + "/wallet.pkpass", "survey_link": mail.external_url("surveys.respond",
                                                                                        token="preview")}


def decision_values(application, link: str) -> dict:
    """{decision}, {note} and {application_link} for a decision on an application, in each language."""
    status = getattr(application.status, "value", application.status)
    reason = (application.decision_reason or "").strip()
    values = {"decision": {}, "note": {}, "application_link": link}
    for locale in LOCALES:
        title = bilingual(application.forum.title_en, application.forum.title_zh, locale)
        with force_locale(locale):
            if status == "approved":
                values["decision"][locale] = gettext("Your application to exhibit at %(forum)s is approved.",
                                                     forum=title)
            elif status == "waitlisted":
                values["decision"][locale] = gettext(
                    "Your application to exhibit at %(forum)s is on the waiting list. We will tell you as soon "
                    "as a booth becomes free.", forum=title)
            else:
                values["decision"][locale] = gettext(
                    "We are sorry: your application to exhibit at %(forum)s was not accepted.", forum=title)
            values["note"][locale] = f"{gettext('Note from the organisers:')} {reason}" if reason else ""
    return values


def company_person(company) -> Person:
    return Person(company.contact_email or "", company.name_en, company.name_zh)


def _about(key: str, record) -> tuple[object, dict]:
    """The person a preview is addressed to and its extra values, from the record it is made on."""
    if kind(key).about == "application":
        link = mail.external_url("exhibitors.application", application_id=record.id)
        return company_person(record.company), decision_values(record, link)
    return record, sample_links(key)


def preview(forum, key: str, texts: dict[str, str], record) -> dict:
    """The mail as this person would get it (their language, or both); a bad template raises ValidationError."""
    cleaned = check_texts(texts, kind(key).placeholders)
    person, extra = _about(key, record)
    subject, text, html = compose(cleaned, forum, person, locales_for(chosen_locale(person)), extra)
    return {"subject": subject, "text": text, "html": html}


def send_test(actor, forum, key: str, texts: dict[str, str], person) -> str:
    """Mail the preview to the organiser themselves; returns the address it went to."""
    ensure(actor, "communications.manage")
    shown = preview(forum, key, texts, person)
    mail.queue_mail(db.session, mail.Mail(to=actor.email, subject="[TEST] " + shown["subject"],
                                          text=shown["text"], html=shown["html"]))
    record(actor, "mail_template.test", None, forum_id=forum.id, changes={"key": key},
           object_type="MailTemplate")
    return actor.email

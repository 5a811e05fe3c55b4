"""The values a mail's placeholders take for one record, in each language ({"en": ..., "zh_Hant_HK": ...}).

The code that sends a mail and the editor's preview both build them here, so a preview shows what the
mail says. Records are read through their attributes only; nothing here imports another feature.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import force_locale, gettext

from .. import mail
from ..db import HK
from ..i18n import LOCALES, both_names, hk_datetime
from ..text import bilingual


@dataclass
class Person:
    """Someone a mail is about when there is no attendee row (announcement groups, survey invitees)."""

    email: str
    name_en: str = ""
    name_zh: str = ""
    title: str = ""
    organisation: str = ""
    locale: str | None = None


def company_person(company, locale: str | None = None) -> Person:
    return Person(company.contact_email or "", company.name_en, company.name_zh, locale=locale)


def _names(obj) -> dict[str, str]:
    return {locale: bilingual(obj.name_en, obj.name_zh, locale) for locale in LOCALES}


def sample_links(key: str) -> dict[str, str]:
    """Stand-ins for personal links in previews and tests: a preview must not replace anyone's real link."""
    respond = mail.external_url("attendees.respond", token="preview")
    return {"respond_link": respond, "ticket_link": respond + "/ticket", "ticket_code": "HKF2-PREVIEW",
            "wallet_link": respond + "/wallet.pkpass", "survey_link": mail.external_url("surveys.respond",
                                                                                        token="preview"),
            "follow_up_link": mail.external_url("pilots.follow_up", token="preview")}


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


def meeting_values(meeting, link: str, *, method: str = "REQUEST") -> dict:
    """{company}, {meeting_status} (confirmed or updated), {meeting_time}, {meeting_place}, {meeting_link}."""
    times, dates = {}, {}
    for locale in LOCALES:
        with force_locale(locale):
            times[locale] = hk_datetime(meeting.starts_at)
            dates[locale] = hk_datetime(meeting.starts_at, "date")
    first = meeting.sequence <= 1 and method != "CANCEL"
    return {"company": _names(meeting.company), "meeting_time": times, "meeting_date": dates,
            "meeting_status": {"en": "confirmed" if first else "updated",
                               "zh_Hant_HK": "已確認" if first else "已更新"},
            "meeting_place": meeting.place or meeting.video_url or "", "meeting_link": link}


def _when(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(HK).strftime("%d/%m %H:%M")


def _at(item: dict, locale: str) -> str:
    room = item.get("room")
    return _when(item["starts_at"]) + (" " + bilingual(room.get("name_en"), room.get("name_zh"), locale)
                                       if room else "")


def changes_text(entries: list[dict], locale: str) -> str:
    """One line per changed session, as the built-in agenda mail lists them."""
    lines = []
    with force_locale(locale):
        for e in entries:
            session = e["session"]
            if e["what"] == "moved":
                what = gettext("moved from %(old)s to %(new)s", old=_at(e["from"], locale), new=_at(session, locale))
            elif e["what"] == "added":
                what = gettext("added at %(new)s", new=_at(session, locale))
            else:
                what = gettext("cancelled")
            lines.append(f"- {bilingual(session.get('title_en'), session.get('title_zh'), locale)}: {what}")
    return "\n".join(lines)


def release_values(release, entries: list[dict], link: str) -> dict:
    """{version}, {changes} (the lines about this reader's sessions) and {agenda_link}."""
    return {"version": str(release.number), "changes": {locale: changes_text(entries, locale) for locale in LOCALES},
            "agenda_link": link}


def pilot_values(pilot, link: str) -> dict:
    return {"pilot_title": pilot.title, "company": _names(pilot.company), "follow_up_link": link}


def lead_values(company, attendee, link: str) -> dict:
    """{company} and the attendee an exhibitor asks to be introduced to (no contact details), {introductions_link}."""
    return {"company": _names(company), "attendee_name": both_names(attendee), "attendee_title": attendee.title or "-",
            "attendee_organisation": attendee.organisation or "-", "introductions_link": link}


def follow_up_person(email: str, name: str, locale: str | None = None) -> Person:
    """The person a follow-up goes to: a name without a language, so it is the same in both parts; the
    language they chose on their account, if any."""
    return Person(email, name_en=name, name_zh=name, locale=locale)


def account_values(person, **values) -> dict:
    """An account mail's values: {name} falls back to the address (as the built-in mails do), links as given."""
    names = {locale: bilingual(getattr(person, "name_en", ""), getattr(person, "name_zh", ""), locale)
             or getattr(person, "email", "") for locale in LOCALES}
    return {"name": names, **{k: v if isinstance(v, dict) else str(v) for k, v in values.items()}}


def lab_values(application, notice, note: str, link: str) -> dict:
    """A data lab application's {application_title}, {notice} (in each language), {note}, {application_link}."""
    notices = {}
    for locale in LOCALES:
        with force_locale(locale):
            notices[locale] = str(notice)
    return {"application_title": application.title, "notice": notices, "note": note or "", "application_link": link}


def sample_account_links(user) -> dict:
    """Stand-ins for the account mails' links in previews: a preview never makes a working link."""
    return {"reset_link": mail.external_url("accounts.reset_password", token="preview"),
            "verify_link": mail.external_url("accounts.verify_email", token="preview"),
            "invitation_link": mail.external_url("accounts.accept_invitation", token="preview"),
            "login_link": mail.external_url("accounts.login"),
            "hours": "24", "inviter": getattr(user, "display_name", "") or getattr(user, "email", "")}

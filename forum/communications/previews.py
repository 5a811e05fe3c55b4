"""Previews and test sends, made on a real record of the forum of the kind the mail is about, newest first.

records() lists the choices for the editor; about() turns the one picked into the person the mail is
addressed to and the values of its placeholders. Personal links are stand-ins (values.sample_links()).
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy.orm import selectinload

from .. import mail
from ..audit.services import record as audit
from ..extensions import db
from ..permissions import ensure
from ..i18n import both_names, hk_datetime, name_of
from . import templates
from .values import (Person, account_values, company_person, decision_values, follow_up_person, lab_values,
                     lead_values, meeting_values, pilot_values, release_values, sample_account_links, sample_links)

LIMIT = 50


def records(forum, about: str, user=None) -> list[tuple[object, str]]:
    """(record, label) to preview on, for the editor's choice; empty when the forum has none yet.
    Account mails are previewed on the administrator's own account (`user`)."""
    from . import announcements

    if about == "lab_application":
        from ..datalab.models import LabApplication

        rows = db.session.scalars(sa.select(LabApplication).order_by(LabApplication.created_at.desc(),
                                                                     LabApplication.id.desc()).limit(LIMIT))
        return [(a, f"{a.title} · {a.status.value}") for a in rows]
    if about == "account":
        return [(user, f"{both_names(user) or user.email} <{user.email}>")] if user is not None else []
    if about == "application":
        return [(a, name_of(a.company)) for a in announcements.preview_applications(forum)]
    if about == "meeting":
        from ..matchmaking.models import Meeting

        rows = db.session.scalars(sa.select(Meeting).where(Meeting.forum_id == forum.id).options(
            selectinload(Meeting.company)).order_by(Meeting.starts_at.desc(), Meeting.id.desc()).limit(LIMIT))
        return [(m, f"{name_of(m.company)} · {hk_datetime(m.starts_at)}") for m in rows]
    if about == "release":
        from ..agenda.models import AgendaRelease

        rows = db.session.scalars(sa.select(AgendaRelease).where(AgendaRelease.forum_id == forum.id)
                                  .order_by(AgendaRelease.number.desc()).limit(LIMIT))
        return [(r, gettext("Version %(number)d", number=r.number)) for r in rows]
    if about == "lead":
        from ..matchmaking.models import Lead

        asked = sa.select(Lead).where(Lead.forum_id == forum.id, Lead.connect_requested_at.is_not(None))
        rows = db.session.scalars(asked.options(selectinload(Lead.company), selectinload(Lead.attendee))
                                  .order_by(Lead.connect_requested_at.desc(), Lead.id.desc()).limit(LIMIT))
        return [(lead, f"{name_of(lead.company)} → {both_names(lead.attendee)}") for lead in rows]
    if about == "pilot":
        from ..pilots.models import Pilot, pilot_forum

        rows = db.session.scalars(sa.select(Pilot).join(pilot_forum, pilot_forum.c.pilot_id == Pilot.id)
                                  .where(pilot_forum.c.forum_id == forum.id).options(selectinload(Pilot.company))
                                  .order_by(Pilot.created_at.desc(), Pilot.id.desc()).limit(LIMIT))
        return [(p, f"{p.title} · {name_of(p.company)}") for p in rows]
    return [(p, f"{both_names(p)} <{p.email}>") for p in announcements.preview_people(forum)]


def _first_participant(meeting):
    from ..matchmaking.models import Answer

    return next((p.user for p in meeting.participants if p.answer != Answer.declined), None)


def _release(forum, release) -> tuple[object, dict]:
    from ..agenda.models import AgendaRelease
    from ..agenda.releases import release_entries

    previous = db.session.scalar(sa.select(AgendaRelease).where(AgendaRelease.forum_id == release.forum_id,
                                                                AgendaRelease.number == release.number - 1))
    entries = [entry for _sid, _old, entry in release_entries(release, previous.sessions if previous else [])]
    link = mail.external_url("agenda_public.agenda", forum=forum.slug)
    return Person(""), release_values(release, entries, link)


def about(kind, forum, record) -> tuple[object, dict]:
    """The person a preview is addressed to and its extra values, from the record it is made on."""
    if kind.about == "account":
        links = sample_account_links(record)
        if kind.key == "signup_address_taken":
            links["reset_link"] = mail.external_url("accounts.forgot_password")
        return record, account_values(record, **{k: links[k] for k in kind.placeholders if k in links})
    if kind.about == "lab_application":
        from ..accounts.models import User
        from ..datalab.applications import NOTICES

        person = (db.session.get(User, record.created_by_id) if record.created_by_id else None) or Person("")
        notice = NOTICES.get(record.status.value, NOTICES["submitted"])
        link = mail.external_url("datalab.application", application_id=record.id)
        return person, account_values(person, **lab_values(record, notice, "", link))
    if kind.about == "application":
        link = mail.external_url("exhibitors.application", application_id=record.id)
        return company_person(record.company), decision_values(record, link)
    if kind.about == "meeting":
        user = _first_participant(record)
        link = mail.external_url("meetings.show", forum=forum.slug, meeting_id=record.id)
        method = "CANCEL" if kind.key == "meeting_cancellation" else "REQUEST"
        values = {**sample_links(kind.key), **meeting_values(record, link, method=method)}
        if kind.key == "meeting_follow_up":
            return (follow_up_person(user.email, user.display_name, user.locale) if user else Person("")), values
        return user or Person(""), values
    if kind.about == "release":
        return _release(forum, record)
    if kind.about == "lead":
        link = mail.external_url("matchmaking.pairs", forum=forum.slug)
        return Person(""), lead_values(record.company, record.attendee, link)
    if kind.about == "pilot":
        from ..pilots.followups import owners

        people = owners(record)
        person = people[0] if people else Person("")
        return person, pilot_values(record, sample_links(kind.key)["follow_up_link"])
    return record, sample_links(kind.key)


def preview(forum, key: str, texts: dict[str, str], record) -> dict:
    """The mail as this person would get it (their language, or both); a bad template raises ValidationError."""
    mail_kind = templates.kind_of(forum, key)
    cleaned = templates.check_texts(texts, mail_kind.placeholders)
    person, extra = about(mail_kind, forum, record)
    locales = templates.locales_for(templates.chosen_locale(person))
    subject, text, html = templates.compose(cleaned, forum, person, locales, extra)
    return {"subject": subject, "text": text, "html": html}


def send_test(actor, forum, key: str, texts: dict[str, str], person) -> str:
    """Mail the preview to the organiser themselves; returns the address it went to."""
    ensure(actor, templates.permission_for(forum))
    shown = preview(forum, key, texts, person)
    mail.queue_mail(db.session, mail.Mail(to=actor.email, subject="[TEST] " + shown["subject"],
                                          text=shown["text"], html=shown["html"]))
    audit(actor, "mail_template.test", None, forum_id=None if forum is None else forum.id, changes={"key": key},
          object_type="MailTemplate")
    return actor.email

"""Six months after a pilot is proposed, or a follow-up meeting took place, ask how it went.

A pilot's owners are the HA sponsor's account and the company's contact and admins; a meeting's
are its participants who did not decline. Each gets a personal link (only its SHA-256 is stored);
the answer (no further contact, in discussion, pilot proposed, agreement reached) is kept with the
pilot or the meeting, in the audit history, and counted on the dashboard. `send_all_due()` is the
one daily use case (`flask pilots follow-ups`, or a job): it touches no request and commits nothing.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from .. import mail
from ..audit.services import record
from ..communications.templates import account_locale, queue_builtin, queue_custom
from ..communications.values import Person, follow_up_person, meeting_values, pilot_values
from ..db import HK, utcnow
from ..errors import ValidationError
from ..extensions import db
from ..permissions import ensure
from .links import by_link, new_link
from .models import FollowUp, FollowUpAnswer, Pilot

MEETING_SUBJECT = {"en": "How did the meeting go?", "zh_Hant_HK": "會面之後進展如何？"}

AFTER = timedelta(days=182)
ANSWER_LABELS = {
    FollowUpAnswer.no_contact: _l("No further contact"), FollowUpAnswer.in_discussion: _l("In discussion"),
    FollowUpAnswer.pilot_proposed: _l("A pilot is proposed"),
    FollowUpAnswer.agreement_reached: _l("An agreement is reached"),
}


def owners(pilot: Pilot) -> list[Person]:
    """The people who answer for the pilot, without repeats, each with the language chosen on their
    account (the company's contact by the account holding that address, if any)."""
    from ..exhibitors.models import company_admin
    from ..accounts.models import User

    people = []
    if pilot.sponsor is not None:
        people.append((pilot.sponsor.email, pilot.sponsor.display_name, pilot.sponsor.locale))
    if pilot.company.contact_email:
        people.append((pilot.company.contact_email, pilot.company.contact_name or pilot.company.name_en,
                       account_locale(pilot.company.contact_email)))
    admins = db.session.scalars(sa.select(User).join(company_admin, company_admin.c.user_id == User.id)
                                .where(company_admin.c.company_id == pilot.company_id, User.active.is_(True)))
    people += [(u.email, u.display_name, u.locale) for u in admins]
    seen, out = set(), []
    for email, name, locale in people:
        key = email.strip().lower()
        if key and key not in seen:
            seen.add(key)
            out.append(follow_up_person(email.strip(), name, locale))
    return out


def due(today: date) -> list[Pilot]:
    """Pilots proposed at least six months ago whose owners have not been asked yet."""
    cutoff = datetime.combine(today - AFTER, time(23, 59), tzinfo=HK)
    asked = sa.select(FollowUp.pilot_id)
    return db.session.scalars(sa.select(Pilot).where(Pilot.created_at <= cutoff, Pilot.id.not_in(asked))
                              .options(selectinload(Pilot.company), selectinload(Pilot.sponsor))
                              .order_by(Pilot.id)).all()


def send_due(actor, today: date, *, dry_run: bool = False) -> list[tuple[Pilot, list[str]]]:
    """Create and mail the follow-ups due today; the mail leaves when the caller commits."""
    ensure(actor, "pilot.edit")
    sent = []
    for pilot in due(today):
        people = owners(pilot)
        forum = pilot.forums[-1] if pilot.forums else None  # the wording of the latest forum it was shown at
        sent.append((pilot, [p.email for p in people]))
        if dry_run:
            continue
        for person in people:
            email, name = person.email, person.name_en
            token, token_hash = new_link()
            db.session.add(FollowUp(pilot_id=pilot.id, email=email, name=name, token_hash=token_hash,
                                    due_on=today))
            link = mail.external_url("pilots.follow_up", token=token)
            if forum is not None and queue_custom(forum, "pilot_follow_up", email, person,
                                                  extra=pilot_values(pilot, link)):
                continue
            queue_builtin(email, person, {"en": f"How did it go? {pilot.title}", "zh_Hant_HK": "試點進展如何？"},
                          "pilot_follow_up", pilot=pilot, name=name, link=link)
        record(actor, "pilot.follow_up_sent", pilot, object_type="Pilot", changes={"to": len(people)})
    db.session.flush()
    return sent


def by_token(token: str) -> FollowUp:
    return by_link(FollowUp, token)


def due_meetings(today: date) -> list:
    """Confirmed meetings held at least six months ago (and not recorded as "did not take place")
    whose participants have not been asked yet."""
    from ..matchmaking.models import Meeting, MeetingOutcome, MeetingStatus, OutcomeKind

    cutoff = datetime.combine(today - AFTER, time(23, 59), tzinfo=HK)
    asked = sa.select(FollowUp.meeting_id).where(FollowUp.meeting_id.is_not(None))
    no_show = sa.select(MeetingOutcome.meeting_id).where(MeetingOutcome.kind == OutcomeKind.no_show)
    return db.session.scalars(sa.select(Meeting).where(
        Meeting.status == MeetingStatus.confirmed, Meeting.ends_at <= cutoff, Meeting.id.not_in(asked),
        Meeting.id.not_in(no_show)).options(selectinload(Meeting.company), selectinload(Meeting.participants))
        .order_by(Meeting.id)).all()


def meeting_people(meeting) -> list[Person]:
    """The meeting's participants who did not decline, without repeats, with their chosen language."""
    from ..matchmaking.models import Answer

    seen, out = set(), []
    for p in meeting.participants:
        email = (p.user.email or "").strip()
        if p.answer != Answer.declined and p.user.active and email and email.lower() not in seen:
            seen.add(email.lower())
            out.append(follow_up_person(email, p.user.display_name, p.user.locale))
    return out


def send_due_meetings(actor, today: date, *, dry_run: bool = False) -> list[tuple[object, list[str]]]:
    """Create and mail the meetings' follow-ups due today; the mail leaves when the caller commits."""
    ensure(actor, "pilot.edit")
    sent = []
    for meeting in due_meetings(today):
        people = meeting_people(meeting)
        sent.append((meeting, [p.email for p in people]))
        if dry_run:
            continue
        for person in people:
            email, name = person.email, person.name_en
            token, token_hash = new_link()
            db.session.add(FollowUp(meeting_id=meeting.id, email=email, name=name, token_hash=token_hash,
                                    due_on=today))
            link = mail.external_url("pilots.follow_up", token=token)
            values = {**meeting_values(meeting, ""), "follow_up_link": link}
            if queue_custom(meeting.forum, "meeting_follow_up", email, person, extra=values):
                continue
            queue_builtin(email, person, MEETING_SUBJECT, "meeting_follow_up", meeting=meeting, name=name, link=link)
        record(actor, "meeting.follow_up_sent", meeting, forum_id=meeting.forum_id, changes={"to": len(people)})
    db.session.flush()
    return sent


def send_all_due(actor, today: date, *, dry_run: bool = False) -> dict:
    """Everything due today, pilots and meetings: the daily job and the command call this."""
    return {"pilots": send_due(actor, today, dry_run=dry_run),
            "meetings": send_due_meetings(actor, today, dry_run=dry_run)}


def answer(follow_up: FollowUp, value, note: str = "") -> FollowUp:
    """Keep the owner's answer (a later answer through the same link replaces it)."""
    try:
        chosen = FollowUpAnswer(value)
    except ValueError:
        raise ValidationError(_l("Choose one of the answers."), field="answer") from None
    follow_up.answer, follow_up.note, follow_up.answered_at = chosen, (note or "").strip()[:2000], utcnow()
    changes = {"name": follow_up.name, "answer": chosen, "note": follow_up.note}
    if follow_up.meeting_id is not None:
        record(None, "meeting.follow_up_answer", follow_up.meeting, forum_id=follow_up.meeting.forum_id,
               object_type="Meeting", changes=changes)
    else:
        record(None, "pilot.follow_up_answer", follow_up.pilot, object_type="Pilot", changes=changes)
    db.session.flush()
    return follow_up


def answer_counts(pilot_ids) -> dict[str, int]:
    """How the owners answered, over the given pilots (a subquery of ids): for the dashboard."""
    rows = db.session.execute(sa.select(FollowUp.answer, sa.func.count()).where(
        FollowUp.pilot_id.in_(pilot_ids), FollowUp.answer.is_not(None)).group_by(FollowUp.answer)).all()
    counts = {a.value: 0 for a in FollowUpAnswer}
    for value, n in rows:
        counts[value.value] = n
    return counts


def meeting_answer_counts(actor, forum_id: int | None) -> dict[str, int]:
    """How meetings' participants answered, for one forum or all: the partnership team and organisers
    count every meeting, anyone else the meetings they took part in."""
    from ..matchmaking.models import Meeting, MeetingParticipant
    from ..permissions import can

    stmt = sa.select(FollowUp.answer, sa.func.count()).join(Meeting, Meeting.id == FollowUp.meeting_id).where(
        FollowUp.answer.is_not(None))
    if forum_id is not None:
        stmt = stmt.where(Meeting.forum_id == forum_id)
    if not can(actor, "pilot.edit"):
        stmt = stmt.where(Meeting.id.in_(sa.select(MeetingParticipant.meeting_id).where(
            MeetingParticipant.user_id == getattr(actor, "id", None))))
    counts = {a.value: 0 for a in FollowUpAnswer}
    for value, n in db.session.execute(stmt.group_by(FollowUp.answer)).all():
        counts[value.value] = n
    return counts

"""Announcements: one bilingual message to a group of a forum, counted before it goes and kept after.

send_announcement() is the one use case: it keeps the announcement and queues one background job
(forum/jobs, kind "announcement") that runs deliver(): the group resolved at that moment, one mail per
person composed and queued with the mail service, one AnnouncementRecipient row each (unique per
announcement and address, so a retried job mails nobody twice), progress reported as it goes. Each
mail tells record_delivery() whether it left, which makes the delivery counts.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import mail
from ..accounts.models import User
from ..agenda.models import BoothBooking, BoothDemoSlot
from ..attendees.models import Attendee, AttendeeKind, AttendeeStatus
from ..audit.services import record
from ..checkin.models import CheckIn, counts_as_arrival
from ..db import utcnow
from ..errors import NotFound, ValidationError
from ..exhibitors.models import Application, ApplicationStaff, ApplicationStatus
from ..extensions import db
from ..i18n import LOCALES
from ..jobs.services import start as start_job
from ..permissions import ensure
from ..text import bilingual, normalise_email
from . import unsubscribe
from .models import FAILED, PENDING, SENT, Announcement, AnnouncementGroup, AnnouncementRecipient
from .templates import FIELDS, PERSON, Person, check_texts, chosen_locale, compose, locales_for

PLACEHOLDERS = PERSON
KIND = "announcements"  # the opt-out kind
RECEIPT = "announcement"  # the mail receipts' kind (mail.on_delivery)
GROUP_LABELS = {
    AnnouncementGroup.ha_invited: _l("All invited HA staff"),
    AnnouncementGroup.registered_not_arrived: _l("Registered but not arrived"),
    AnnouncementGroup.approved_exhibitors: _l("Approved exhibitors"),
    AnnouncementGroup.company_staff: _l("One company's staff"),
    AnnouncementGroup.booth_demo: _l("People who booked a booth demo"),
}


def _group(value) -> AnnouncementGroup:
    try:
        return AnnouncementGroup(value)
    except ValueError:
        raise ValidationError(_l("Choose who receives the announcement."), field="group")


def _attendees(stmt) -> list[Person]:
    stmt = stmt.outerjoin(User, User.id == Attendee.user_id).add_columns(User.locale)
    return [Person(a.email, a.name_en, a.name_zh, a.title, a.organisation, locale)
            for a, locale in db.session.execute(stmt.order_by(Attendee.id))]


def _users(stmt) -> list[Person]:
    return [Person(u.email, u.name_en, u.name_zh, "", "", u.locale)
            for u in db.session.scalars(stmt.where(User.active.is_(True)).order_by(User.id))]


def recipients(forum, group, *, company_id: int | None = None, booth_slot_id: int | None = None) -> list[Person]:
    """Everyone in the group, one entry per address, before opt-outs."""
    group = _group(group)
    live = Attendee.status.in_([AttendeeStatus.invited, AttendeeStatus.registered])
    if group == AnnouncementGroup.ha_invited:
        people = _attendees(sa.select(Attendee).where(Attendee.forum_id == forum.id, Attendee.kind == AttendeeKind.ha,
                                                      live))
    elif group == AnnouncementGroup.registered_not_arrived:
        arrived = sa.select(CheckIn.id).where(CheckIn.attendee_id == Attendee.id, counts_as_arrival())
        people = _attendees(sa.select(Attendee).where(Attendee.forum_id == forum.id,
                                                      Attendee.status == AttendeeStatus.registered, ~arrived.exists()))
    elif group == AnnouncementGroup.approved_exhibitors:
        approved = sa.select(Application.company_id).where(Application.forum_id == forum.id,
                                                           Application.status == ApplicationStatus.approved)
        people = _users(sa.select(User).where(User.company_id.in_(approved)))
    elif group == AnnouncementGroup.company_staff:
        if not company_id:
            raise ValidationError(_l("Choose the company."), field="company_id")
        application = db.session.scalar(sa.select(Application).where(Application.forum_id == forum.id,
                                                                     Application.company_id == company_id))
        if application is None:
            raise ValidationError(_l("This company has no application for this forum."), field="company_id")
        people = _users(sa.select(User).where(User.company_id == company_id))
        people += [Person(s.email, s.name_en, s.name_zh, s.title)
                   for s in db.session.scalars(sa.select(ApplicationStaff).where(
                       ApplicationStaff.application_id == application.id, ApplicationStaff.email != "")
                       .order_by(ApplicationStaff.id))]
    else:
        slot = db.session.get(BoothDemoSlot, booth_slot_id) if booth_slot_id else None
        if slot is None or slot.forum_id != forum.id:
            raise ValidationError(_l("Choose the booth demo."), field="booth_slot_id")
        people = _users(sa.select(User).join(BoothBooking, BoothBooking.user_id == User.id).where(
            BoothBooking.slot_id == slot.id, BoothBooking.cancelled_at.is_(None)))
    seen, unique = set(), []
    for person in people:
        key = normalise_email(person.email)
        if key and key not in seen:
            seen.add(key)
            unique.append(person)
    return unique


def count(forum, group, **target) -> dict[str, int]:
    """How many are in the group and how many of them will get it (the rest unsubscribed)."""
    people = recipients(forum, group, **target)
    opted = unsubscribe.opted_out([p.email for p in people], KIND)
    return {"recipients": len(people), "will_receive": len(people) - len(opted)}


def _texts(values: dict) -> dict[str, str]:
    texts = check_texts(values, PLACEHOLDERS)
    for name in FIELDS:
        if not texts[name]:
            raise ValidationError(_l("Write the subject and the message in both languages."), field=name)
    return texts


def send_announcement(actor, forum, values: dict) -> Announcement:
    """Check the wording and the group, keep the announcement and queue the one job that mails it.

    The answer is at once: the job resolves the group again when it runs, composes one mail per person
    (minus opt-outs) and queues each with the mail service (deliver()). An empty group queues nothing."""
    ensure(actor, "communications.manage")
    group = _group(values.get("group"))
    target = {"company_id": values.get("company_id") or None, "booth_slot_id": values.get("booth_slot_id") or None}
    texts = _texts(values)
    people = recipients(forum, group, **target)
    if not people:
        raise ValidationError(_l("Nobody is in this group: nothing was sent."), field="group")
    opted = unsubscribe.opted_out([p.email for p in people], KIND)
    announcement = Announcement(forum_id=forum.id, group=group, created_by_id=getattr(actor, "id", None),
                                recipients=len(people), opted_out=len(opted), queued=0, **target,
                                **{name: texts[name] for name in FIELDS})
    db.session.add(announcement)
    db.session.flush()
    announcement.job_id = start_job(actor, "announcement", forum, announcement=announcement.id).id
    db.session.flush()
    record(actor, "announcement.send", announcement, forum_id=forum.id,
           changes={"group": group.value, "recipients": len(people), "will_receive": len(people) - len(opted)})
    return announcement


def _footer(forum, link: str) -> dict[str, str]:
    footer = {}
    for locale in LOCALES:
        with force_locale(locale):
            footer[locale] = _("You receive this as a guest of %(forum)s. To stop announcements: %(link)s",
                               forum=bilingual(forum.title_en, forum.title_zh, locale), link=link)
    return footer


def _queue_one(forum, texts: dict, person: Person, row_id: int) -> None:
    link = unsubscribe.link_for(person.email, KIND)
    subject, text, html = compose(texts, forum, person, locales_for(chosen_locale(person)),
                                  footer=_footer(forum, link))
    # RFC 2369 and RFC 8058: mail programs offer their own unsubscribe button, which POSTs to the link.
    headers = {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    mail.queue_mail(db.session, mail.Mail(to=person.email, subject=subject, text=text, html=html,
                                          headers=headers, receipt=(RECEIPT, row_id)))


def deliver(actor, forum, announcement_id: int, report, batch: int = 50) -> int:
    """The job: resolve the group now, compose and queue one mail per person not yet mailed, `batch` at
    a time; report(done, total) commits each batch, its recipient rows and its mail together. A retried
    job skips everyone with a row (unique per announcement and address), so nobody gets it twice."""
    ensure(actor, "communications.manage")
    announcement = db.session.get(Announcement, announcement_id)
    if announcement is None or announcement.forum_id != forum.id:
        raise NotFound()
    texts = {name: getattr(announcement, name) for name in FIELDS}
    people = recipients(forum, announcement.group, company_id=announcement.company_id,
                        booth_slot_id=announcement.booth_slot_id)
    opted = unsubscribe.opted_out([p.email for p in people], KIND)
    mailed = set(db.session.scalars(sa.select(AnnouncementRecipient.address_hash).where(
        AnnouncementRecipient.announcement_id == announcement.id)))
    todo = [(p, unsubscribe.address_hash(p.email)) for p in people if normalise_email(p.email) not in opted]
    todo = [(p, hashed) for p, hashed in todo if hashed not in mailed]
    announcement.recipients, announcement.opted_out = len(people), len(opted)
    done, total = len(mailed), len(mailed) + len(todo)
    announcement.queued = done
    report(done, total)
    for first in range(0, len(todo), batch):
        chunk = todo[first:first + batch]
        for person, hashed in chunk:
            row = AnnouncementRecipient(announcement_id=announcement.id, address_hash=hashed, status=PENDING)
            db.session.add(row)
            db.session.flush()
            _queue_one(forum, texts, person, row.id)
        done += len(chunk)
        announcement.queued = done
        report(done, total)
    return done


def record_delivery(recipient_id: int, status: str) -> None:
    """The mail service's word on one recipient's mail: sent, or failed after every retry."""
    db.session.execute(sa.update(AnnouncementRecipient).where(
        AnnouncementRecipient.id == recipient_id, AnnouncementRecipient.status == PENDING)
        .values(status=status, delivered_at=utcnow()).execution_options(synchronize_session=False))


def delivery_counts(announcements: list[Announcement]) -> dict[int, dict[str, int]]:
    """{announcement id: {"sent", "failed", "pending"}}: one query for a list."""
    counts = {a.id: {SENT: 0, FAILED: 0, PENDING: 0} for a in announcements}
    if counts:
        rows = db.session.execute(sa.select(AnnouncementRecipient.announcement_id, AnnouncementRecipient.status,
                                            sa.func.count()).where(AnnouncementRecipient.announcement_id.in_(counts))
                                  .group_by(AnnouncementRecipient.announcement_id, AnnouncementRecipient.status))
        for announcement_id, status, n in rows:
            counts[announcement_id][status] = n
    return counts


def get(forum, announcement_id: int) -> Announcement:
    announcement = db.session.get(Announcement, announcement_id)
    if announcement is None or announcement.forum_id != forum.id:
        raise NotFound()
    return announcement


def history(forum) -> list[Announcement]:
    return db.session.scalars(sa.select(Announcement).where(Announcement.forum_id == forum.id)
                              .order_by(Announcement.created_at.desc(), Announcement.id.desc())).all()


def preview_people(forum, limit: int = 500) -> list[Attendee]:
    """Attendees to preview a template on, registered first (they have the most data)."""
    return db.session.scalars(sa.select(Attendee).where(Attendee.forum_id == forum.id).order_by(
        Attendee.status != AttendeeStatus.registered, Attendee.name_en, Attendee.id).limit(limit)).all()


def preview_applications(forum, limit: int = 500) -> list[Application]:
    """Applications to preview a decision mail on, decided ones first."""
    from sqlalchemy.orm import joinedload

    decided = Application.status.in_([ApplicationStatus.approved, ApplicationStatus.waitlisted,
                                      ApplicationStatus.rejected])
    return db.session.scalars(sa.select(Application).options(joinedload(Application.company))
                              .where(Application.forum_id == forum.id)
                              .order_by(~decided, Application.id).limit(limit)).all()


def targets(forum) -> tuple[list, list]:
    """(companies with an application, booth demo slots) for the announcement form's choices."""
    from ..exhibitors.models import Company

    companies = db.session.scalars(sa.select(Company).join(Application, Application.company_id == Company.id)
                                   .where(Application.forum_id == forum.id).order_by(Company.name_en)).all()
    slots = db.session.execute(sa.select(BoothDemoSlot, Company).join(Application, Application.id ==
                                                                       BoothDemoSlot.application_id)
                               .join(Company, Company.id == Application.company_id)
                               .where(BoothDemoSlot.forum_id == forum.id).order_by(BoothDemoSlot.starts_at)).all()
    return companies, slots

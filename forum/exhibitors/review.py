"""The organisers' review: decisions within the booth capacity, the waiting list, demo scoring and
selection, and booths.
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import mail
from ..audit.services import record
from ..communications.templates import account_locale, company_person, decision_values, queue_builtin, queue_custom
from ..db import utcnow
from ..errors import Conflict, NotFound, ValidationError
from ..extensions import db
from ..forums.models import Forum
from ..permissions import ensure
from .models import Application, ApplicationStatus, DemoScore
from .applications import sync_badges

BOOTH_CODE = re.compile(r"^[A-Z][0-9]{2}$")
DECISIONS = {"approve": ApplicationStatus.approved, "waitlist": ApplicationStatus.waitlisted,
             "reject": ApplicationStatus.rejected}


def _lock_forum(forum_id: int) -> None:
    """Serialise decisions on one forum: the capacity check and the approval happen under this lock.

    PostgreSQL: a row lock on the forum. SQLite: a write takes the database's write lock
    (POST requests already start with BEGIN IMMEDIATE, so it is held from the start).
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(Forum.id).where(Forum.id == forum_id).with_for_update())
    else:
        db.session.execute(sa.text("UPDATE forum SET id = id WHERE id = :id"), {"id": forum_id})


def approved_count(forum_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Application).where(
        Application.forum_id == forum_id, Application.status == ApplicationStatus.approved))


def _notify(application: Application) -> None:
    company = application.company
    recipients = {company.contact_email} if company.contact_email else set()
    recipients |= {u.email for u in company.admins}
    link = mail.external_url("exhibitors.application", application_id=application.id)
    for to in sorted(r for r in recipients if r):
        person = company_person(company, locale=account_locale(to))  # {name} is the company's
        if not queue_custom(application.forum, "exhibitor_decision", to, person,
                            extra=decision_values(application, link)):
            queue_builtin(to, person, {"en": "Your application to exhibit", "zh_Hant_HK": "參展申請結果"},
                          "exhibitor_decision", application=application, company=company, forum=application.forum, link=link)


def decide(actor, application: Application, decision: str, reason: str = "", *, _promote: bool = True) -> None:
    """Approve, waitlist or reject; approving past the forum's booths is refused."""
    ensure(actor, "exhibitor.review")
    if decision not in DECISIONS:
        raise ValidationError(_l("Unknown decision."), field="decision")
    status = DECISIONS[decision]
    reason = (reason or "").strip()
    if status == ApplicationStatus.rejected and not reason:
        raise ValidationError(_l("Give a reason when declining."), field="reason")
    forum = application.forum
    _lock_forum(forum.id)
    db.session.refresh(application)
    if application.status == ApplicationStatus.draft:
        raise ValidationError(_l("This application has not been submitted yet."))
    if application.status == status:
        return
    if status == ApplicationStatus.approved and approved_count(forum.id) >= forum.booth_capacity:
        raise Conflict(_l("All %(n)d booths are taken: %(company)s cannot be approved. Waitlist it, or free a "
                          "booth first.", n=forum.booth_capacity, company=application.company.display_name))
    was_approved = application.status == ApplicationStatus.approved
    old = application.status
    application.status = status
    application.decided_at = utcnow()
    application.decided_by_id = actor.id
    application.decision_reason = reason
    if status == ApplicationStatus.waitlisted:
        application.waitlisted_at = utcnow()
    if status != ApplicationStatus.approved:
        application.booth_code = None
        application.demo_selected = False
    db.session.flush()
    record(actor, f"application.{decision}", application, forum_id=forum.id,
           changes={"status": [old.value, status.value], "reason": reason})
    _notify(application)
    if status == ApplicationStatus.approved or was_approved:
        sync_badges(actor, application)
    if was_approved and _promote:
        # The place it frees goes to someone else, never straight back to the company just moved off it.
        promote_waitlist(actor, forum, skip={application.id})


def promote_waitlist(actor, forum: Forum, skip: set[int] = frozenset()) -> list[Application]:
    """A booth freed: the longest-waiting waitlisted companies move up while places remain."""
    promoted = []
    while approved_count(forum.id) < forum.booth_capacity:
        nxt = db.session.scalar(sa.select(Application).where(
            Application.forum_id == forum.id, Application.status == ApplicationStatus.waitlisted,
            Application.id.notin_(skip or {0}))
            .order_by(Application.waitlisted_at, Application.id).limit(1))
        if nxt is None:
            break
        decide(actor, nxt, "approve", str(_l("A booth became free.")), _promote=False)
        promoted.append(nxt)
    return promoted


def decide_many(actor, forum: Forum, ids: list[int], decision: str, reason: str = "") -> tuple[list, list]:
    """Bulk decisions, in the order given; each refusal is reported, the others go through."""
    ensure(actor, "exhibitor.review")
    done, refused = [], []
    rows = db.session.scalars(sa.select(Application).where(Application.forum_id == forum.id,
                                                           Application.id.in_(ids))).all()
    by_id = {a.id: a for a in rows}
    for application_id in ids:
        application = by_id.get(application_id)
        if application is None:
            continue
        try:
            with db.session.begin_nested():
                decide(actor, application, decision, reason)
        except (ValidationError, Conflict) as error:
            refused.append((application, error.message))
        else:
            done.append(application)
    return done, refused


def score_demo(actor, application: Application, score: int, comment: str = "") -> DemoScore:
    ensure(actor, "exhibitor.review")
    if not application.demo_requested:
        raise ValidationError(_l("This application has no stage demo request."))
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationError(_l("Score from 1 to 5."), field="score")
    row = db.session.scalar(sa.select(DemoScore).where(DemoScore.application_id == application.id,
                                                       DemoScore.reviewer_id == actor.id))
    if row is None:
        row = DemoScore(application_id=application.id, reviewer_id=actor.id, score=score)
        db.session.add(row)
    row.score, row.comment, row.at = score, (comment or "").strip(), utcnow()
    db.session.flush()
    record(actor, "application.demo_score", application, forum_id=application.forum_id,
           changes={"score": score, "comment": row.comment})
    return row


def select_demo(actor, application: Application, selected: bool) -> None:
    ensure(actor, "exhibitor.review")
    forum = application.forum
    if selected:
        if not application.demo_requested:
            raise ValidationError(_l("This application has no stage demo request."))
        if application.status != ApplicationStatus.approved:
            raise ValidationError(_l("Only approved exhibitors can go on stage."))
        _lock_forum(forum.id)
        taken = db.session.scalar(sa.select(sa.func.count()).select_from(Application).where(
            Application.forum_id == forum.id, Application.demo_selected.is_(True), Application.id != application.id))
        if taken >= forum.demo_slot_count:
            raise Conflict(_l("All %(n)d stage demo slots are taken.", n=forum.demo_slot_count))
    if application.demo_selected != selected:
        application.demo_selected = selected
        record(actor, "application.demo_select", application, forum_id=forum.id, changes={"selected": selected})


def booth_codes(forum: Forum) -> list[str]:
    """A01-A30, then B01-B30 ... until the forum's booth capacity."""
    return [f"{chr(ord('A') + i // 30)}{i % 30 + 1:02d}" for i in range(min(forum.booth_capacity, 26 * 30))]


def assign_booth(actor, application: Application, code: str | None) -> None:
    ensure(actor, "exhibitor.review")
    code = (code or "").strip().upper() or None
    if code is not None:
        if not BOOTH_CODE.match(code):
            raise ValidationError(_l("A booth code is a letter and two digits, like A07."), field="booth_code")
        if application.status != ApplicationStatus.approved:
            raise ValidationError(_l("Only approved exhibitors get a booth."), field="booth_code")
        holder = db.session.scalar(sa.select(Application).where(Application.forum_id == application.forum_id,
                                                                Application.booth_code == code,
                                                                Application.id != application.id))
        if holder is not None:
            raise Conflict(_l("Booth %(code)s is already given to %(company)s.", code=code,
                              company=holder.company.display_name), field="booth_code")
    if application.booth_code != code:
        record(actor, "application.booth", application, forum_id=application.forum_id,
               changes={"booth_code": [application.booth_code, code]})
        application.booth_code = code
        db.session.flush()


def application_by_booth(forum: Forum, code: str) -> Application:
    application = db.session.scalar(sa.select(Application).where(
        Application.forum_id == forum.id, Application.booth_code == (code or "").upper(),
        Application.status == ApplicationStatus.approved))
    if application is None:
        raise NotFound(_l("No exhibitor at this booth."))
    return application

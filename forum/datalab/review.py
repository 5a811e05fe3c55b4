"""Review by both committees in parallel: one decision per committee per revision.

A decision is taken by a conditional UPDATE (WHERE decision IS NULL): two members deciding the
same review at once end with one decision, the other is told it is already decided.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..errors import Conflict as ConflictError
from ..errors import NotFound, PermissionDenied, ValidationError
from ..extensions import db
from ..permissions import ensure
from ..text import clean
from .applications import SECTIONS, Status, notify, today_hk
from .lab import committees, get_lab, session_start, working_days_between
from .models import (Booking, Committee, CommitteeMember, Conflict, Decision, LabApplication, Review)
from .permissions import committee_ids_of, is_lab_staff
from .seats import release, release_future_bookings

TARGET_WORKING_DAYS = 14
APPROVING = (Decision.approve, Decision.approve_with_conditions)
DECISION_LABELS = {Decision.approve: _l("Approve"), Decision.approve_with_conditions: _l("Approve with conditions"),
                   Decision.request_changes: _l("Request changes"), Decision.reject: _l("Reject")}


def reviews_of(application: LabApplication, revision: int | None = None) -> list[Review]:
    stmt = sa.select(Review).where(Review.application_id == application.id)
    if revision is not None:
        stmt = stmt.where(Review.revision == revision)
    return db.session.scalars(stmt.order_by(Review.revision, Review.committee_id)).all()


def current_reviews(application: LabApplication) -> list[Review]:
    return reviews_of(application, application.revision)


def get_review(review_id: int) -> Review:
    review = db.session.get(Review, review_id)
    if review is None:
        raise NotFound()
    return review


def declare_conflict(actor, application: LabApplication, reason: str) -> Conflict:
    if not committee_ids_of(actor):
        raise PermissionDenied()
    existing = db.session.scalar(sa.select(Conflict).where(Conflict.application_id == application.id,
                                                           Conflict.user_id == actor.id))
    if existing is not None:
        return existing
    row = Conflict(application_id=application.id, user_id=actor.id, reason=clean(reason)[:300])
    db.session.add(row)
    db.session.flush()
    record(actor, "datalab.conflict_declared", application, changes={"member": actor.display_name})
    return row


def decide(actor, review: Review, decision: str, comments: str = "", section: str = "", *,
           now: datetime | None = None) -> Review:
    """Record this committee's decision on the application's current revision."""
    ensure(actor, "datalab.review", review)
    member = db.session.scalar(sa.select(CommitteeMember).where(CommitteeMember.committee_id == review.committee_id,
                                                                CommitteeMember.user_id == actor.id))
    if member is None:  # even an administrator decides only as a member of the committee
        raise PermissionDenied(_l("Only members of this committee decide for it."))
    try:
        decision = Decision(decision)
    except ValueError:
        raise ValidationError(_l("Choose a decision."), field="decision")
    comments = (comments or "").strip()
    if decision != Decision.approve and not comments:
        raise ValidationError(_l("Say why, or which conditions or changes."), field="comments")
    if section and section not in SECTIONS:
        raise ValidationError(_l("Choose a section of the application."), field="section")
    # Deciders of one application queue here (row lock on PostgreSQL; SQLite writers are serial anyway), so
    # whoever decides second sees the first decision when it settles the status.
    db.session.execute(sa.select(LabApplication.id).where(LabApplication.id == review.application_id)
                       .with_for_update())
    application = db.session.get(LabApplication, review.application_id, populate_existing=True)
    # While one committee's change request is with the applicant, the other may still decide.
    if application.status not in (Status.under_review, Status.changes_requested) \
            or review.revision != application.revision:
        raise ValidationError(_l("This revision is no longer waiting for a decision."))
    from ..db import utcnow

    now = now or utcnow()
    done = db.session.execute(
        sa.update(Review).where(Review.id == review.id, Review.decision.is_(None))
        .values(decision=decision, comments=comments, section=section, decided_by_id=actor.id, decided_at=now)
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise ConflictError(_l("This committee has already decided."))
    db.session.refresh(review)
    record(actor, "datalab.decision", application,
           changes={"committee": review.committee.name_en, "decision": decision.value, "comments": comments,
                    "section": section, "revision": review.revision})
    _settle(application, now)
    return review


def _settle(application: LabApplication, now: datetime) -> None:
    """The application's status after a decision."""
    reviews = db.session.scalars(sa.select(Review).where(Review.application_id == application.id,
                                                         Review.revision == application.revision)
                                 .order_by(Review.committee_id)
                                 .execution_options(populate_existing=True)).all()
    decisions = [r.decision for r in reviews]
    if Decision.reject in decisions:
        application.status = Status.rejected
        application.decided_at = now
        release_future_bookings(application, now, reason="amended")  # only an amended pass has any
        notify(application, "rejected", _notes(reviews))
    elif Decision.request_changes in decisions:
        if application.status == Status.changes_requested:
            return
        application.status = Status.changes_requested
        notify(application, "changes_requested", _notes(reviews))
    elif reviews and all(d in APPROVING for d in decisions):
        lab = get_lab()
        application.status = Status.approved
        application.decided_at = now
        if application.pass_from is None:
            application.pass_days = lab.pass_days
            application.pass_from = today_hk(now)
            application.pass_until = application.pass_from + timedelta(days=lab.window_days)
        else:  # an approved amendment: the same window (a pass is never extended), only still-valid bookings
            _keep_valid_bookings(application, now)
        notify(application, "approved", _notes(reviews))
    else:
        return
    db.session.flush()
    record(None, "datalab.status", application, changes={"status": application.status.value})


def _keep_valid_bookings(application: LabApplication, now: datetime) -> None:
    """After an amendment: a future booking of someone no longer on the team is released."""
    team = {m.user_id for m in application.team}
    for booking in db.session.scalars(sa.select(Booking).where(Booking.application_id == application.id,
                                                               Booking.released_at.is_(None))).all():
        if booking.user_id not in team and session_start(booking.day, booking.session) > now:
            release(booking, now, "amended")


def _notes(reviews: list[Review]) -> str:
    return "\n".join(f"{r.committee.name_en}: {r.comments}" for r in reviews if r.decision and r.comments)


@dataclass
class QueueRow:
    application: LabApplication
    waiting_on: list[str]


def queue(actor) -> list[QueueRow]:
    """Lab staff: every open application and whom it waits on."""
    ensure(actor, "datalab.staff", get_lab())
    open_ = (Status.under_review, Status.changes_requested, Status.amending, Status.approved)
    apps = db.session.scalars(sa.select(LabApplication).where(LabApplication.status.in_(open_))
                              .options(selectinload(LabApplication.company), selectinload(LabApplication.organisation))
                              .order_by(LabApplication.submitted_at)).all()
    pending = {}
    for review in db.session.scalars(sa.select(Review).where(Review.decision.is_(None))):
        pending.setdefault((review.application_id, review.revision), []).append(review.committee.name_en)
    rows = []
    for app in apps:
        if app.status == Status.under_review:
            waiting = pending.get((app.id, app.revision), [])
        elif app.status in (Status.changes_requested, Status.amending):
            waiting = [str(_l("the applicant (changes)"))]
        else:
            waiting = [m.user.display_name for m in app.team if m.undertaking_at is None]
        rows.append(QueueRow(app, waiting))
    return rows


def for_committee_member(actor) -> list[Review]:
    """The reviews waiting on the actor's committees (conflicts excluded)."""
    ids = committee_ids_of(actor)
    if not ids:
        return []
    conflicted = sa.select(Conflict.application_id).where(Conflict.user_id == actor.id)
    return db.session.scalars(
        sa.select(Review).join(LabApplication, LabApplication.id == Review.application_id)
        .where(Review.committee_id.in_(ids), Review.decision.is_(None), Review.revision == LabApplication.revision,
               LabApplication.status.in_((Status.under_review, Status.changes_requested)),
               Review.application_id.not_in(conflicted))
        .order_by(Review.opened_at)).all()


def turnaround() -> list[dict]:
    """Each committee's decisions: average and worst working days, and how many within the target."""
    out = []
    for committee in committees():
        decided = db.session.scalars(sa.select(Review).where(Review.committee_id == committee.id,
                                                             Review.decided_at.is_not(None))).all()
        days = [working_days_between(today_hk(r.opened_at), today_hk(r.decided_at)) for r in decided]
        waiting = db.session.scalar(sa.select(sa.func.count()).select_from(Review).join(
            LabApplication, LabApplication.id == Review.application_id).where(
            Review.committee_id == committee.id, Review.decision.is_(None),
            Review.revision == LabApplication.revision,  # not a revision since superseded or withdrawn
            LabApplication.status.in_((Status.under_review, Status.changes_requested))))
        out.append({"committee": committee, "decided": len(days),
                    "average": round(sum(days) / len(days), 1) if days else None,
                    "worst": max(days) if days else None,
                    "within_target": sum(1 for d in days if d <= TARGET_WORKING_DAYS), "waiting": waiting})
    return out


def no_show_history(application: LabApplication) -> list[Booking]:
    """No-shows of this team's members on their earlier applications (shown to committees)."""
    users = [m.user_id for m in application.team]
    return db.session.scalars(sa.select(Booking).where(Booking.user_id.in_(users),
                                                       Booking.release_reason == "no_show",
                                                       Booking.application_id != application.id)
                              .order_by(Booking.day)).all()


def can_review_something(actor) -> bool:
    return bool(committee_ids_of(actor)) or is_lab_staff(actor)


def committee_of(key: str) -> Committee:
    row = db.session.scalar(sa.select(Committee).where(Committee.key == key))
    if row is None:
        raise NotFound()
    return row

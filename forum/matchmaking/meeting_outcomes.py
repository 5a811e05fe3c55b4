"""What came of a follow-up meeting, and the way from "propose a pilot" to a pilot linked back to it."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ..audit.services import record
from ..db import utcnow
from ..errors import Conflict, ValidationError
from ..extensions import db
from ..permissions import ensure
from ..text import clean
from .meetings import participant_of
from .models import Bookmark, Meeting, MeetingOutcome, MeetingStatus, OutcomeKind


def record_outcome(actor, meeting: Meeting, *, kind, next_step="") -> MeetingOutcome:
    """Any participant records the outcome once the meeting has started; the first one recorded stands."""
    ensure(actor, "meeting.answer")
    participant_of(actor, meeting)
    try:
        kind = OutcomeKind(kind)
    except ValueError:
        raise ValidationError(_l("Choose what came of the meeting."), field="kind") from None
    if meeting.status != MeetingStatus.confirmed or meeting.starts_at > utcnow():
        raise Conflict(_l("An outcome can be recorded once a confirmed meeting has started."))
    next_step = clean(next_step or "")[:2000]
    if kind in (OutcomeKind.follow_up, OutcomeKind.pilot) and not next_step:
        raise ValidationError(_l("Say what the next step is."), field="next_step")
    try:
        with db.session.begin_nested():  # the unique meeting id lets the first outcome win
            outcome = MeetingOutcome(meeting_id=meeting.id, recorded_by_id=actor.id, kind=kind, next_step=next_step)
            db.session.add(outcome)
            db.session.flush()
    except sa.exc.IntegrityError:
        raise Conflict(_l("The outcome of this meeting is already recorded.")) from None
    record(actor, "meeting.outcome", meeting, forum_id=meeting.forum_id,
           changes={"outcome": kind.value, "next_step": next_step})
    return outcome


def pilot_prefill(meeting: Meeting) -> dict:
    """Query arguments for the pilot form: company, solution, forum, candidate sites, and the meeting."""
    from ..attendees.models import Attendee

    ha_ids = [p.user_id for p in meeting.participants if p.side == "ha"]
    sites = set(db.session.scalars(sa.select(Bookmark.site_id).where(
        Bookmark.forum_id == meeting.forum_id, Bookmark.company_id == meeting.company_id,
        Bookmark.user_id.in_(ha_ids), Bookmark.site_id.is_not(None))))
    sites |= set(db.session.scalars(sa.select(Attendee.site_id).where(
        Attendee.forum_id == meeting.forum_id, Attendee.user_id.in_(ha_ids), Attendee.site_id.is_not(None))))
    return {"company": meeting.company_id, "solution": meeting.solution_id or "", "forum": meeting.forum_id,
            "site": sorted(sites), "from": "meeting", "meeting": meeting.id}


def awaiting_pilot(limit: int = 20) -> list[Meeting]:
    """Meetings whose outcome is "propose a pilot" and no pilot names them as its origin yet."""
    from ..pilots.models import PilotOrigin

    linked = sa.select(PilotOrigin.ref_id).where(PilotOrigin.kind == "meeting", PilotOrigin.ref_id.is_not(None))
    return db.session.scalars(sa.select(Meeting).join(MeetingOutcome).where(
        MeetingOutcome.kind == OutcomeKind.pilot, Meeting.id.not_in(linked))
        .options(joinedload(Meeting.company), joinedload(Meeting.outcome))
        .order_by(MeetingOutcome.created_at).limit(limit)).all()

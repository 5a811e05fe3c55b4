"""Follow-up meetings: propose with two or three times, answer, confirm, expire, cancel, update.

Exactly-once rules live in the database: a participant's answer is one conditional UPDATE from
`pending`; the meeting's `waiting` count is decremented in one UPDATE, so only the last answer sees
zero; confirming is an UPDATE ... WHERE status = 'pending', so one invitation goes out.
When everyone invited has answered, the meeting takes the option most of the remaining people
accepted (the earliest on a tie); it is declined when no HA person or nobody of the company is left.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..audit.services import record
from ..db import utcnow
from ..errors import Conflict, NotFound, PermissionDenied, ValidationError
from ..exhibitors.models import Company, Solution
from ..extensions import db
from ..permissions import can, ensure
from ..text import clean
from .meeting_mail import send_invitations
from .models import Answer, Meeting, MeetingOption, MeetingParticipant, MeetingStatus

ORIGINS = ("recommendation", "bookmark", "lead", "exhibitor", "api", "demo")
MAX_MINUTES = 8 * 60


def expiry_hours() -> int:
    return int(current_app.config.get("MEETING_EXPIRY_HOURS", 72))


def expire_overdue(now: datetime | None = None) -> int:
    """Pending requests past their expiry become expired (run on read and by `flask matchmaking expire`)."""
    result = db.session.execute(sa.update(Meeting).where(
        Meeting.status == MeetingStatus.pending, Meeting.expires_at <= (now or utcnow())).values(
        status=MeetingStatus.expired).execution_options(synchronize_session=False))
    if result.rowcount:
        db.session.expire_all()
    return result.rowcount


def _options(values) -> list[tuple[datetime, datetime]]:
    now = utcnow()
    out = []
    for start, end in values or []:
        if start is None or end is None:
            continue
        if start.tzinfo is None or end.tzinfo is None:
            raise ValidationError(_l("Times need a time zone."), field="options")
        if start <= now:
            raise ValidationError(_l("A proposed time is in the past."), field="options")
        if not 0 < (end - start).total_seconds() <= MAX_MINUTES * 60:
            raise ValidationError(_l("A meeting ends after it starts, within eight hours."), field="options")
        out.append((start, end))
    if len({s for s, _ in out}) != len(out):
        raise ValidationError(_l("Two proposed times are the same."), field="options")
    return out


def _place(place: str, video_url: str) -> tuple[str, str]:
    place, video_url = clean(place or "")[:300], (video_url or "").strip()[:500]
    if video_url and (urlsplit(video_url).scheme != "https" or not urlsplit(video_url).netloc):
        raise ValidationError(_l("A video link starts with https://."), field="video_url")
    if not place and not video_url:
        raise ValidationError(_l("Give a place or a video link."), field="place")
    return place, video_url


def company_contacts(company_id: int) -> list[User]:
    return db.session.scalars(sa.select(User).where(
        User.company_id == company_id, User.role == "exhibitor", User.active.is_(True)).order_by(User.id)).all()


def propose(actor, forum, *, company_id, ha_user_ids, options, place="", video_url="", solution_id=None,
            subject="", origin="exhibitor", company_user_ids=None) -> Meeting:
    """A meeting request between a company and HA people; the proposer takes part when an HA person or
    one of the company's staff, and counts as available at every time they proposed."""
    ensure(actor, "meeting.propose")
    company = db.session.get(Company, company_id) if isinstance(company_id, int) else None
    if company is None:
        raise ValidationError(_l("Choose the company."), field="company_id")
    if not can(actor, "meeting.propose_for", company):
        raise PermissionDenied(_l("You can propose meetings for your own company only."))
    solution = None
    if solution_id is not None:
        solution = db.session.get(Solution, solution_id) if isinstance(solution_id, int) else None
        if solution is None or solution.company_id != company.id:
            raise ValidationError(_l("Choose one of the company's solutions."), field="solution_id")
    if origin not in ORIGINS:
        raise ValidationError(_l("Unknown origin."), field="origin")
    ha_ids = {i for i in ha_user_ids or [] if isinstance(i, int)}
    if actor.role == "ha_staff":
        ha_ids.add(actor.id)
    ha_people = db.session.scalars(sa.select(User).where(User.id.in_(ha_ids), User.role == "ha_staff",
                                                         User.active.is_(True))).all() if ha_ids else []
    if len(ha_people) != len(ha_ids):
        raise ValidationError(_l("Invite HA staff only."), field="ha_user_ids")
    if not ha_people:
        raise ValidationError(_l("A meeting needs at least one HA participant."), field="ha_user_ids")
    if company_user_ids is None:
        company_people = [actor] if actor.role == "exhibitor" else company_contacts(company.id)
    else:
        company_people = [u for u in company_contacts(company.id) if u.id in set(company_user_ids)]
        if actor.role == "exhibitor" and actor not in company_people:
            company_people.append(actor)
    if not company_people:
        raise ValidationError(_l("The company has no one to meet yet."), field="company_id")
    people = [(u, "ha") for u in ha_people] + [(u, "company") for u in company_people]
    if all(u.id == actor.id for u, _ in people):
        raise ValidationError(_l("You cannot meet only yourself."), field="ha_user_ids")
    times = _options(options)
    if not 2 <= len(times) <= 3:
        raise ValidationError(_l("Propose two or three times."), field="options")
    place, video_url = _place(place, video_url)
    now = utcnow()
    expires = min(now + timedelta(hours=expiry_hours()), min(s for s, _ in times))
    meeting = Meeting(forum_id=forum.id, company_id=company.id, solution_id=solution.id if solution else None,
                      proposed_by_id=actor.id, origin=origin, subject=clean(subject or "")[:200], place=place,
                      video_url=video_url, uid=secrets.token_hex(16), expires_at=expires,
                      waiting=sum(1 for u, _ in people if u.id != actor.id))
    meeting.options = [MeetingOption(starts_at=s, ends_at=e, proposed_by_id=actor.id) for s, e in times]
    meeting.participants = [MeetingParticipant(user_id=u.id, side=side, answer=Answer.accepted if u.id == actor.id
                                               else Answer.pending, answered_at=now if u.id == actor.id else None)
                            for u, side in people]
    db.session.add(meeting)
    db.session.flush()
    record(actor, "meeting.propose", meeting, forum_id=forum.id,
           changes={"company": company.name_en, "people": [u.email for u, _ in people], "times": len(times)})
    return meeting


def get_meeting(actor, forum, meeting_id) -> Meeting:
    expire_overdue()
    meeting = db.session.get(Meeting, meeting_id) if isinstance(meeting_id, int) else None
    if meeting is None or meeting.forum_id != forum.id or not may_see(actor, meeting):
        raise NotFound()
    return meeting


def may_see(actor, meeting: Meeting) -> bool:
    return can(actor, "meeting.see", meeting)


def participant_of(actor, meeting: Meeting) -> MeetingParticipant:
    found = next((p for p in meeting.participants if p.user_id == actor.id), None)
    if found is None:
        raise PermissionDenied(_l("You are not invited to this meeting."))
    return found


def _still_open(meeting: Meeting) -> None:
    expire_overdue()
    db.session.refresh(meeting)
    if meeting.status != MeetingStatus.pending:
        raise Conflict(_l("This meeting request is no longer open."))


def _claim_answer(participant: MeetingParticipant, answer: Answer, option_id: int | None) -> None:
    done = db.session.execute(sa.update(MeetingParticipant).where(
        MeetingParticipant.id == participant.id, MeetingParticipant.answer == Answer.pending).values(
        answer=answer, option_id=option_id, answered_at=utcnow()).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise Conflict(_l("You have already answered this request."))


def answer(actor, meeting: Meeting, *, accept=None, decline=False, other_time=None) -> Meeting:
    """Accept one option (its id), decline, or propose another time ((start, end)); exactly once each."""
    ensure(actor, "meeting.answer")
    participant = participant_of(actor, meeting)
    _still_open(meeting)
    if sum(x is not None and x is not False for x in (accept, decline or None, other_time)) != 1:
        raise ValidationError(_l("Accept one time, decline, or propose another time."), field="answer")
    if accept is not None:
        if not any(o.id == accept for o in meeting.options):
            raise ValidationError(_l("Choose one of the proposed times."), field="option")
        _claim_answer(participant, Answer.accepted, accept)
        left = _count_down(meeting, 1)
    elif decline:
        _claim_answer(participant, Answer.declined, None)
        left = _count_down(meeting, 1)
    else:
        (start, end), = _options([other_time])
        if len(meeting.options) >= 6:
            raise ValidationError(_l("This request has enough times; accept one or decline."), field="options")
        if any(o.starts_at == start for o in meeting.options):
            raise ValidationError(_l("That time is already proposed."), field="options")
        option = MeetingOption(meeting_id=meeting.id, starts_at=start, ends_at=end, proposed_by_id=actor.id)
        db.session.add(option)
        db.session.flush()
        _claim_answer(participant, Answer.accepted, option.id)
        # Everyone who had accepted hears of the new time and answers again.
        reopened = db.session.execute(sa.update(MeetingParticipant).where(
            MeetingParticipant.meeting_id == meeting.id, MeetingParticipant.answer == Answer.accepted,
            MeetingParticipant.id != participant.id).values(answer=Answer.pending, option_id=None, answered_at=None)
            .execution_options(synchronize_session=False)).rowcount
        left = _count_down(meeting, 1 - reopened)
    record(actor, "meeting.answer", meeting, forum_id=meeting.forum_id,
           changes={"answer": "accepted" if accept else "declined" if decline else "other_time"})
    _reload(meeting)
    if left == 0:
        _conclude(actor, meeting)
    return meeting


def _reload(meeting: Meeting) -> None:
    """The conditional UPDATEs bypass the loaded objects: read the meeting and its people again."""
    for p in meeting.participants:
        db.session.expire(p)
    db.session.expire(meeting)


def _count_down(meeting: Meeting, by: int) -> int:
    db.session.execute(sa.update(Meeting).where(Meeting.id == meeting.id).values(waiting=Meeting.waiting - by)
                       .execution_options(synchronize_session=False))
    return db.session.scalar(sa.select(Meeting.waiting).where(Meeting.id == meeting.id))


def _conclude(actor, meeting: Meeting) -> None:
    staying = [p for p in meeting.participants if p.answer != Answer.declined]
    sides = {p.side for p in staying}
    if sides != {"ha", "company"}:
        done = db.session.execute(sa.update(Meeting).where(
            Meeting.id == meeting.id, Meeting.status == MeetingStatus.pending).values(status=MeetingStatus.declined)
            .execution_options(synchronize_session=False))
        if done.rowcount:
            record(actor, "meeting.declined", meeting, forum_id=meeting.forum_id)
        db.session.refresh(meeting)
        return

    def votes(option):
        return sum(1 for p in staying if p.option_id == option.id
                   or (p.option_id is None and option.proposed_by_id == p.user_id))

    chosen = max(meeting.options, key=lambda o: (votes(o), -o.starts_at.timestamp()))
    done = db.session.execute(sa.update(Meeting).where(
        Meeting.id == meeting.id, Meeting.status == MeetingStatus.pending).values(
        status=MeetingStatus.confirmed, starts_at=chosen.starts_at, ends_at=chosen.ends_at,
        sequence=Meeting.sequence + 1).execution_options(synchronize_session=False))
    db.session.refresh(meeting)
    if done.rowcount:
        record(actor, "meeting.confirm", meeting, forum_id=meeting.forum_id,
               changes={"starts_at": chosen.starts_at.isoformat()})
        send_invitations(meeting, method="REQUEST")


def _may_change(actor, meeting: Meeting) -> None:
    if not can(actor, "meeting.change", meeting):
        raise PermissionDenied(_l("You are not invited to this meeting."))


def cancel(actor, meeting: Meeting) -> Meeting:
    """Cancel a pending or confirmed meeting; a confirmed one sends METHOD:CANCEL with the next SEQUENCE."""
    ensure(actor, "meeting.answer")
    _may_change(actor, meeting)
    was = meeting.status
    done = db.session.execute(sa.update(Meeting).where(
        Meeting.id == meeting.id, Meeting.status.in_([MeetingStatus.pending, MeetingStatus.confirmed])).values(
        status=MeetingStatus.cancelled, sequence=Meeting.sequence + 1).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise Conflict(_l("This meeting is already closed."))
    db.session.refresh(meeting)
    record(actor, "meeting.cancel", meeting, forum_id=meeting.forum_id)
    if was == MeetingStatus.confirmed:
        send_invitations(meeting, method="CANCEL")
    return meeting


def change_place(actor, meeting: Meeting, *, place="", video_url="") -> Meeting:
    """Move a confirmed meeting to another place or link; everyone gets the updated invitation."""
    ensure(actor, "meeting.answer")
    _may_change(actor, meeting)
    if meeting.status != MeetingStatus.confirmed:
        raise Conflict(_l("Only a confirmed meeting can be updated."))
    place, video_url = _place(place, video_url)
    db.session.execute(sa.update(Meeting).where(Meeting.id == meeting.id).values(
        place=place, video_url=video_url, sequence=Meeting.sequence + 1).execution_options(synchronize_session=False))
    db.session.refresh(meeting)
    record(actor, "meeting.update", meeting, forum_id=meeting.forum_id, changes={"place": place, "video": video_url})
    send_invitations(meeting, method="REQUEST")
    return meeting


def my_meetings(actor, forum) -> list[Meeting]:
    ensure(actor, "meeting.answer")
    expire_overdue()
    mine = sa.select(MeetingParticipant.meeting_id).where(MeetingParticipant.user_id == actor.id)
    return db.session.scalars(sa.select(Meeting).where(Meeting.forum_id == forum.id, Meeting.id.in_(mine))
                              .options(selectinload(Meeting.options), selectinload(Meeting.company),
                                       selectinload(Meeting.solution),
                                       selectinload(Meeting.participants).selectinload(MeetingParticipant.user))
                              .order_by(Meeting.created_at.desc(), Meeting.id.desc())).all()


def confirmed_for(user, forum) -> list[Meeting]:
    """The user's confirmed meetings at the forum (for "My agenda" and the personal feed)."""
    mine = sa.select(MeetingParticipant.meeting_id).where(MeetingParticipant.user_id == user.id,
                                                          MeetingParticipant.answer != Answer.declined)
    return db.session.scalars(sa.select(Meeting).where(
        Meeting.forum_id == forum.id, Meeting.status == MeetingStatus.confirmed, Meeting.id.in_(mine))
        .options(selectinload(Meeting.company)).order_by(Meeting.starts_at)).all()


def people_shown(viewer, meeting: Meeting) -> list[dict]:
    """Participants as the viewer may see them: an exhibitor sees an HA person's contact details only
    under that person's consent (the leads rule, `visible_person`)."""
    from ..attendees.models import Attendee
    from .leads import visible_person

    ha_ids = [p.user_id for p in meeting.participants if p.side == "ha"]
    attendees = {a.user_id: a for a in db.session.scalars(sa.select(Attendee).where(
        Attendee.forum_id == meeting.forum_id, Attendee.user_id.in_(ha_ids)))} if ha_ids else {}
    hide = not can(viewer, "meeting.contacts_unfiltered")
    out = []
    for p in meeting.participants:
        user = p.user
        row = {"id": p.id, "user_id": user.id, "side": p.side, "answer": p.answer.value, "option_id": p.option_id,
               "name_en": user.name_en, "name_zh": user.name_zh, "email": user.email, "contact_shared": True}
        if hide and p.side == "ha" and user.id != viewer.id:
            attendee = attendees.get(user.id)
            seen = visible_person(attendee) if attendee else {"contact_shared": False, "email": None}
            row.update(email=seen["email"], contact_shared=seen["contact_shared"])
        out.append(row)
    return out


def may_record(actor, meeting) -> bool:
    return can(actor, "meeting.answer") and any(p.user_id == actor.id for p in meeting.participants)

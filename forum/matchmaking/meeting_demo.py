"""Demo meetings and a networking hour.

The 2023 forum gets follow-up meetings at every stage (declined, expired, confirmed with each kind of
outcome); those whose outcome proposed a pilot are linked to the demo pilots of the same company
through the pilots' origin table, and one waits on the partnership team's attention list. The
current forum gets a request waiting for the demo exhibitor's answer and a networking hour with
wishes (the organiser runs the scheduler). Idempotent: meetings carry fixed UIDs; the hour is made once.
"""
from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa

from ..accounts.models import User
from ..attendees.models import Attendee
from ..db import utcnow
from ..exhibitors.models import Application, ApplicationStatus, Solution
from ..extensions import db
from ..forums.models import Forum
from ..permissions import SystemActor
from . import networking
from .models import (Answer, Meeting, MeetingOption, MeetingOutcome, MeetingParticipant, MeetingStatus,
                     NetworkingHour, NetworkingWish, OutcomeKind)

FORUM_2023 = "innovation-forum-2023-11"
# status, outcome, next step (the 2023 meetings, one per exhibiting company, in this order)
STAGES = [
    ("confirmed", "pilot", "Pilot in two medical wards; the department head sponsors it."),
    ("confirmed", "pilot", "Start at the lab, then one cluster hospital."),
    ("confirmed", "pilot", "Write up a pilot proposal for the cluster's innovation committee."),
    ("confirmed", "follow_up", "Send the data protection assessment and a quotation."),
    ("confirmed", "informative", ""),
    ("confirmed", "no_show", ""),
    ("declined", None, ""),
    ("expired", None, ""),
]


def _exhibitor_account(company) -> User:
    from .meetings import company_contacts

    existing = company_contacts(company.id)
    if existing:  # the company's own staff take part; no extra invitee to wait for
        return existing[0]
    email = f"booth{company.id}@demo.forum.example"
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:  # no password: it cannot sign in, it only takes part in the demo
        user = User(email=email, role="exhibitor", company_id=company.id, name_en=f"{company.name_en} team",
                    name_zh=f"{company.name_zh or company.name_en}團隊", session_version=0)
        db.session.add(user)
        db.session.flush()
    return user


def _meetings_2023(old: Forum, ha: list[User]) -> int:
    from ..pilots.models import Pilot, PilotOrigin

    applications = db.session.scalars(sa.select(Application).where(
        Application.forum_id == old.id, Application.status == ApplicationStatus.approved)
        .order_by(Application.company_id)).all()
    made = 0
    for index, (application, (status, outcome, step)) in enumerate(zip(applications, STAGES)):
        uid = f"demo-2023-{application.company_id}"
        if db.session.scalar(sa.select(Meeting.id).where(Meeting.uid == uid)):
            continue
        company = application.company
        booth = _exhibitor_account(company)
        person = ha[index % len(ha)]
        start = old.starts_at + timedelta(days=14 + 3 * index, hours=-2)
        solution = db.session.scalar(sa.select(Solution).where(Solution.company_id == company.id).order_by(Solution.id))
        confirmed = status == "confirmed"
        meeting = Meeting(forum_id=old.id, company_id=company.id, solution_id=solution.id if solution else None,
                          proposed_by_id=person.id, origin="bookmark", place="HA Building, Room 4B",
                          status=MeetingStatus(status), uid=uid, sequence=1 if confirmed else 0,
                          expires_at=old.starts_at + timedelta(days=10), created_at=old.starts_at + timedelta(days=2),
                          starts_at=start if confirmed else None, ends_at=start + timedelta(minutes=45) if confirmed
                          else None)
        meeting.options = [MeetingOption(starts_at=start + timedelta(days=d), ends_at=start + timedelta(days=d, minutes=45),
                                         proposed_by_id=person.id) for d in (0, 1)]
        answer = {"confirmed": Answer.accepted, "declined": Answer.declined}.get(status, Answer.pending)
        meeting.participants = [MeetingParticipant(user_id=person.id, side="ha", answer=Answer.accepted),
                                MeetingParticipant(user_id=booth.id, side="company", answer=answer)]
        db.session.add(meeting)
        db.session.flush()
        if confirmed:
            meeting.participants[1].option_id = meeting.options[0].id
            db.session.add(MeetingOutcome(meeting_id=meeting.id, recorded_by_id=person.id, kind=OutcomeKind(outcome),
                                          next_step=step, created_at=start + timedelta(days=1)))
        if outcome == "pilot" and index < 2:  # the first two became pilots; the third waits for the team
            pilot = db.session.scalar(sa.select(Pilot).where(Pilot.company_id == company.id).order_by(Pilot.id))
            if pilot is not None:
                db.session.add(PilotOrigin(pilot_id=pilot.id, forum_id=old.id, kind="meeting", ref_id=meeting.id,
                                           note="From a follow-up meeting"))
        made += 1
    db.session.flush()
    return made


def _current(forum: Forum, ha_user: User | None) -> int:
    """A request in the current forum waiting for the demo exhibitor, from the demo HA user."""
    from . import meetings

    booth = db.session.scalar(sa.select(User).where(User.email == "exhibitor@forum.example"))
    if ha_user is None or booth is None or booth.company_id is None or db.session.scalar(sa.select(Meeting.id).where(
            Meeting.forum_id == forum.id, Meeting.proposed_by_id == ha_user.id)):
        return 0
    start = (utcnow() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    meetings.propose(ha_user, forum, company_id=booth.company_id, ha_user_ids=[], company_user_ids=[booth.id],
                     options=[(start + timedelta(days=d), start + timedelta(days=d, minutes=45)) for d in (0, 1, 2)],
                     place="Queen Mary Hospital, Block K, Seminar Room 2", origin="demo")
    return 1


def _networking(forum: Forum) -> int:
    if db.session.scalar(sa.select(NetworkingHour.id).where(NetworkingHour.forum_id == forum.id)):
        return 0
    actor = SystemActor()
    hour = networking.open_hour(actor, forum, starts_at=forum.starts_at + timedelta(hours=3), slot_minutes=10,
                                slots=6, tables=12, cap=4, title="Networking hour")
    for application in db.session.scalars(sa.select(Application).where(
            Application.forum_id == forum.id, Application.status == ApplicationStatus.approved)):
        _exhibitor_account(application.company)
    db.session.flush()
    people = networking.participant_ids(hour)
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(people)))}
    ha = sorted(i for i, u in users.items() if u.role == "ha_staff")
    booths = sorted(i for i, u in users.items() if u.role == "exhibitor")
    rng = random.Random(2026)
    wishes = {}
    for person in ha:
        for other in rng.sample(booths, min(len(booths), rng.randint(1, 4))):
            wishes[(person, other)] = rng.choices(["must", "like", "no"], weights=[3, 6, 1])[0]
    for booth in booths:
        for other in rng.sample(ha, min(len(ha), rng.randint(0, 3))):
            wishes.setdefault((booth, other), rng.choices(["must", "like", "no"], weights=[3, 6, 1])[0])
    db.session.add_all([NetworkingWish(hour_id=hour.id, user_id=a, other_id=b, priority=p)
                        for (a, b), p in wishes.items()])
    db.session.flush()
    networking.run(actor, hour, seconds=5)
    return len(wishes)


def demo_meetings(forum, summary, **_):
    old = db.session.scalar(sa.select(Forum).where(Forum.slug == FORUM_2023))
    ha_user = db.session.scalar(sa.select(User).where(User.email == "ha.staff@forum.example"))
    ha = db.session.scalars(sa.select(User).where(User.role == "ha_staff", User.id.in_(
        sa.select(Attendee.user_id).where(Attendee.forum_id == forum.id))).order_by(User.id).limit(8)).all()
    ha = ([ha_user] if ha_user else []) + [u for u in ha if u != ha_user]
    if old is not None and ha:
        summary.counts["meetings (2023 forum)"] = _meetings_2023(old, ha)
    summary.counts["meeting requests"] = _current(forum, ha_user)
    summary.counts["networking wishes"] = _networking(forum)

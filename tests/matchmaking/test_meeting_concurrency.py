"""Answers at the same moment: one answer per person, one confirmation per meeting (real commits)."""
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum.accounts.models import User
from forum.audit.models import AuditEvent
from forum.db import utcnow, write_transactions
from forum.errors import Conflict
from forum.extensions import db
from forum.matchmaking import meetings
from forum.matchmaking.models import Meeting, MeetingStatus
from tests.factories import UserFactory


def _race(app, meeting_id, user_ids, option_index):
    barrier = threading.Barrier(len(user_ids))
    done, refused, errors = [], [], []

    def go(user_id):
        barrier.wait()
        with app.app_context(), write_transactions():
            try:
                meeting = db.session.get(Meeting, meeting_id)
                meetings.answer(db.session.get(User, user_id), meeting, accept=meeting.options[option_index].id)
                db.session.commit()
                done.append(user_id)
            except Conflict:
                db.session.rollback()
                refused.append(user_id)
            except Exception as error:  # noqa: BLE001  (reported below)
                errors.append(error)
            finally:
                db.session.remove()

    workers = [threading.Thread(target=go, args=(u,)) for u in user_ids]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return done, refused, errors


@pytest.mark.committed
def test_the_last_two_answers_at_once_confirm_once_and_a_double_accept_counts_once(app, committed, forum, exhibitors,
                                                                                  outbox):
    company = exhibitors[0].company
    ha = UserFactory(role="ha_staff")
    others = [UserFactory(role="ha_staff") for _ in range(2)]
    UserFactory(role="exhibitor", company_id=company.id)
    start = utcnow() + timedelta(days=1)
    meeting = meetings.propose(ha, forum, company_id=company.id, ha_user_ids=[u.id for u in others], place="x",
                               options=[(start, start + timedelta(hours=1)),
                                        (start + timedelta(days=1), start + timedelta(days=1, hours=1))])
    booth_id = next(p.user_id for p in meeting.participants if p.side == "company")
    meeting_id, ids = meeting.id, [u.id for u in others]
    db.session.commit()
    # The same person answering from two tabs at once: one answer counts.
    done, refused, errors = _race(app, meeting_id, [booth_id, booth_id], 0)
    assert errors == [] and len(done) == 1 and len(refused) == 1
    db.session.expire_all()
    assert db.session.get(Meeting, meeting_id).waiting == 2
    db.session.commit()  # end this read before the next writers
    # The last two invitees at once: the meeting is confirmed once, one invitation per person.
    done, refused, errors = _race(app, meeting_id, ids, 0)
    assert errors == [] and sorted(done) == sorted(ids)
    db.session.expire_all()
    found = db.session.get(Meeting, meeting_id)
    assert (found.status, found.sequence, found.waiting) == (MeetingStatus.confirmed, 1, 0)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "meeting.confirm")) == 1
    assert sorted(m["To"] for m in outbox()) == sorted(p.user.email for p in found.participants)

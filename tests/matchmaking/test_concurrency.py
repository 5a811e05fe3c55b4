"""Two taps at once (or a phone and a desktop) still make one bookmark: the partial unique index decides."""
import threading

import pytest
import sqlalchemy as sa

from forum.db import write_transactions
from forum.extensions import db
from forum.matchmaking import bookmarks
from forum.matchmaking.models import Bookmark
from tests.factories import UserFactory


@pytest.mark.committed
def test_concurrent_identical_bookmarks_make_one_row(app, committed, forum, exhibitors):
    user = UserFactory(role="ha_staff")
    solution_id = exhibitors[0].solutions[0].id
    forum_id, user_id = forum.id, user.id
    db.session.commit()
    threads, results, errors = 8, [], []
    barrier = threading.Barrier(threads)

    def tap(kwargs):
        barrier.wait()  # before any statement: on SQLite the first one takes the write lock
        with app.app_context(), write_transactions():
            try:
                me = db.session.get(type(user), user_id)
                target = db.session.get(type(forum), forum_id)
                mark, created = bookmarks.add_bookmark(me, target, **kwargs)
                db.session.commit()
                results.append((mark.id, created))
            except Exception as error:  # noqa: BLE001  (reported below)
                errors.append(error)
            finally:
                db.session.remove()

    for kwargs in ({"solution_id": solution_id}, {"booth": "A02"}):
        results.clear()
        barrier.reset()
        workers = [threading.Thread(target=tap, args=(kwargs,)) for _ in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        assert errors == []
        assert len({r[0] for r in results}) == 1 and sum(created for _id, created in results) == 1
    rows = db.session.scalars(sa.select(Bookmark).where(Bookmark.user_id == user_id)).all()
    assert len(rows) == 2


@pytest.mark.committed
def test_two_booth_phones_scanning_one_badge_make_one_lead(app, committed, forum, exhibitors):
    from forum.accounts.models import User
    from forum.attendees.lead_codes import lead_code_for
    from forum.attendees.models import AttendeeStatus
    from forum.forums.models import Forum
    from forum.matchmaking import leads
    from forum.matchmaking.models import Lead
    from tests.factories import AttendeeFactory

    phones = [UserFactory(role="exhibitor", company_id=exhibitors[0].company_id) for _ in range(6)]
    code = lead_code_for(AttendeeFactory(forum=forum, status=AttendeeStatus.registered))
    ids, forum_id = [p.id for p in phones], forum.id
    db.session.commit()
    barrier = threading.Barrier(len(ids))
    answers, errors = [], []

    def scan(user_id):
        barrier.wait()
        with app.app_context(), write_transactions():
            try:
                answers.append(leads.scan_lead(db.session.get(User, user_id), db.session.get(Forum, forum_id), code))
                db.session.commit()
            except Exception as error:  # noqa: BLE001  (reported below)
                errors.append(error)
            finally:
                db.session.remove()

    workers = [threading.Thread(target=scan, args=(i,)) for i in ids]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    assert sorted(a["result"] for a in answers) == ["already_saved"] * 5 + ["ok"]
    assert len({a["lead"] for a in answers}) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lead)) == 1

"""Two taps at once (or a phone and a desktop) still make one bookmark: the partial unique index decides."""
import threading

import pytest
import sqlalchemy as sa

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
        with app.test_request_context(method="POST"):
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

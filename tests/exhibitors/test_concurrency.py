"""Two organisers approve the last booth at the same moment: one approval, one clear refusal."""
import threading
import time

import pytest
import sqlalchemy as sa

from forum.exhibitors import review
from forum.exhibitors.models import Application, ApplicationStatus
from forum.extensions import db
from forum.forums.models import ForumStatus
from tests.factories import ApplicationFactory, ForumFactory, UserFactory


@pytest.mark.committed
def test_two_organisers_approving_the_last_booth(app, committed, monkeypatch):
    forum = ForumFactory(status=ForumStatus.open_for_exhibitors, booth_capacity=1)
    first, second = ApplicationFactory(forum=forum), ApplicationFactory(forum=forum)
    organisers = [UserFactory(role="organiser"), UserFactory(role="organiser")]
    db.session.commit()
    targets = [(organisers[0].get_id(), first.id), (organisers[1].get_id(), second.id)]
    forum_id = forum.id
    db.session.remove()

    # Widen the window between counting the approved booths and approving: without the
    # forum lock both requests would count 0 and both would approve.
    counted = review.approved_count

    def slow_count(forum_id):
        n = counted(forum_id)
        time.sleep(0.3)
        return n

    monkeypatch.setattr(review, "approved_count", slow_count)
    barrier = threading.Barrier(2)
    pages: dict[int, str] = {}

    def approve(user_id, application_id):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user_id
        barrier.wait()
        response = client.post(f"/exhibitors/applications/{application_id}/decide",
                               data={"decision": "approve", "reason": ""})
        pages[application_id] = client.get(response.headers["Location"]).get_data(as_text=True)

    threads = [threading.Thread(target=approve, args=target) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    statuses = dict(db.session.execute(sa.select(Application.id, Application.status)
                                       .where(Application.forum_id == forum_id)).all())
    assert sorted(s.value for s in statuses.values()) == ["approved", "submitted"]
    refused = next(i for i, s in statuses.items() if s == ApplicationStatus.submitted)
    assert "All 1 booths are taken" in pages[refused]
    approved = next(i for i, s in statuses.items() if s == ApplicationStatus.approved)
    assert "The decision is recorded" in pages[approved]

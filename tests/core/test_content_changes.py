"""The cache's change rows are pruned daily without moving any topic's generation (forum.cache): a
list kept before the prune is still served after it, the next change still shows at once, and a
change not yet old enough (or not yet committed) is left alone."""
from __future__ import annotations

import os
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum import cache
from forum.cache import ContentChange, ContentGeneration, fragments, prune_changes
from forum.db import utcnow
from forum.extensions import db


def _changes(topic: str, *ages: timedelta) -> None:
    now = utcnow()
    db.session.add_all(ContentChange(topic=topic, changed_at=now - age) for age in ages)
    db.session.flush()


def _rows(topic: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ContentChange).where(ContentChange.topic == topic))


def test_pruning_keeps_every_generation_and_leaves_young_rows():
    _changes("directory", timedelta(days=3), timedelta(days=2), timedelta(minutes=5))
    _changes("agenda", timedelta(days=1))
    before = {topic: cache.generation(topic) for topic in ("directory", "agenda", "unknown")}
    assert before == {"directory": 3, "agenda": 1, "unknown": 0}

    assert prune_changes(utcnow() - timedelta(hours=1)) == 3
    assert {topic: cache.generation(topic) for topic in before} == before
    assert _rows("directory") == 1 and _rows("agenda") == 0
    assert db.session.get(ContentGeneration, "directory").pruned == 2

    assert prune_changes(utcnow() - timedelta(hours=1)) == 0  # a second prune finds nothing
    _changes("directory", timedelta(days=4))
    assert prune_changes(utcnow() - timedelta(hours=1)) == 1  # the pruned count adds up
    assert db.session.get(ContentGeneration, "directory").pruned == 3
    assert cache.generation("directory") == 4


def test_a_list_kept_before_the_prune_is_served_after_it_and_a_change_still_shows():
    fragments.clear()
    _changes("directory", timedelta(days=2))
    assert cache.fragment("directory", ("prune",), lambda: "rendered before") == "rendered before"
    prune_changes(utcnow() - timedelta(hours=1))
    assert cache.fragment("directory", ("prune",), lambda: "rendered again") == "rendered before"
    _changes("directory", timedelta(0))
    assert cache.fragment("directory", ("prune",), lambda: "after a change") == "after a change"


def test_the_worker_prunes_daily(app):
    from forum.jobs.tasks import CHANGES_KEPT, prune_content_changes

    jobs = app.extensions["jobs"]
    assert "prune_content_changes" in jobs.tasks
    assert CHANGES_KEPT >= timedelta(hours=1)
    _changes("directory", timedelta(days=2), timedelta(minutes=1))
    generation = cache.generation("directory")
    prune_content_changes()
    assert _rows("directory") == 1 and cache.generation("directory") == generation


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="a prune beside a reader and a writer: PostgreSQL (SQLite has one writer at a time)")
@pytest.mark.committed
def test_a_page_reading_during_a_prune_sees_the_same_generation(app, committed):
    """The prune's deletes and its pruned count commit together: a page reading before, during or
    after it computes one number, and a change committed meanwhile still counts."""
    old = sa.insert(ContentChange).values(topic="directory", changed_at=sa.func.now() - timedelta(days=2))
    db.session.execute(old)
    db.session.execute(old)
    db.session.commit()
    start = cache.generation("directory")
    db.session.rollback()
    pruned, go_on, gone = threading.Event(), threading.Event(), []

    def prune():
        with app.app_context():  # its own session and connection
            gone.append(prune_changes(utcnow() - timedelta(hours=1)))
            pruned.set()
            go_on.wait(10)
            db.session.commit()

    with db.engine.connect() as writer:
        writer.execute(old)  # an old change, not committed while the prune runs: left alone
        pruner = threading.Thread(target=prune)
        pruner.start()
        try:
            assert pruned.wait(10) and gone == [2]
            during = cache.generation("directory")  # the prune not committed yet
            db.session.rollback()
        finally:
            go_on.set()
            pruner.join(10)
        after = cache.generation("directory")  # committed: two rows fewer, two more pruned
        db.session.rollback()
        writer.commit()
    assert (during, after, cache.generation("directory")) == (start, start, start + 1)

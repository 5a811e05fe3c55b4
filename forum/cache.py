"""Costly page parts kept while the data behind them is unchanged.

A page keeps a rendered fragment in its process under a key that includes the *generation* of
the fragment's topic: how many changes to the data it shows have committed. Every flush that adds,
changes or deletes an object of a model watched for a topic records a change (a row of
content_change) in the same transaction, so a page counts the topic's rows (an index-only count)
to learn whether its fragment still holds, and every app server and worker, reading the same
database, stops using a fragment the moment the change commits. A count, not the latest id: ids
are handed out when rows are written, and two writers may commit in the other order. Old rows are
pruned daily (prune_changes), adding their number to the topic's row of content_generation in the
same transaction, so the generation (pruned + rows left) never goes back and a count is never seen
twice. Nothing here is state the app depends on: an empty cache only costs a render.

Statements that bypass the session (bulk inserts of the benchmarks) record nothing; features that
write a watched model that way must call record_change() themselves.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from .db import UTCDateTime, utcnow
from .extensions import db

FRAGMENTS_KEPT = 256  # per process; a directory page is about 100 kB


class ContentChange(db.Model):
    """One committed change to the data behind a topic's cached fragments (their count is the generation)."""

    __tablename__ = "content_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(sa.String(40))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (sa.Index("ix_content_change_topic_id", "topic", "id"),)


class ContentGeneration(db.Model):
    """How many of a topic's change rows were pruned: part of its generation."""

    __tablename__ = "content_generation"
    topic: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    pruned: Mapped[int] = mapped_column(default=0, server_default="0")


_WATCHED: dict[type, set[str]] = {}
_GENERATION = {}  # topic -> compiled statement


def watch(topic: str, *models: type) -> None:
    """Record a change of `topic` whenever an object of one of `models` is flushed changed."""
    for model in models:
        _WATCHED.setdefault(model, set()).add(topic)
    if not sa.event.contains(Session, "before_flush", _record_changes):
        sa.event.listen(Session, "before_flush", _record_changes)
        sa.event.listen(Session, "after_transaction_end", _forget_recorded)


def _record_changes(session: Session, _context, _instances) -> None:
    topics: set[str] = set()
    for obj in (*session.new, *session.deleted, *session.dirty):
        found = _WATCHED.get(type(obj))
        if found and (obj not in session.dirty or session.is_modified(obj)):
            topics |= found
    for topic in sorted(topics - session.info.get("content_changes", set())):
        session.add(ContentChange(topic=topic))
    # One row per topic and transaction is enough: later flushes of the same transaction add none.
    session.info.setdefault("content_changes", set()).update(topics)


def _forget_recorded(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop("content_changes", None)


def record_change(topic: str) -> None:
    """For writes that bypass the session's unit of work."""
    db.session.add(ContentChange(topic=topic))


def generation(topic: str) -> int:
    """How many changes to the topic's data have committed (as this transaction sees them): the
    pruned ones and the rows left, read in one statement."""
    stmt = _GENERATION.get(topic)
    if stmt is None:
        pruned = sa.select(ContentGeneration.pruned).where(ContentGeneration.topic == topic).scalar_subquery()
        rows = sa.select(sa.func.count()).select_from(ContentChange).where(ContentChange.topic == topic)
        stmt = _GENERATION[topic] = sa.select(sa.func.coalesce(pruned, 0) + rows.scalar_subquery())
    return db.session.scalar(stmt)


# Adds to a topic's pruned count, creating its row on the first prune (SQLite 3.24+ and PostgreSQL).
_ADD_PRUNED = sa.text(
    "INSERT INTO content_generation (topic, pruned) VALUES (:topic, :pruned) "
    "ON CONFLICT (topic) DO UPDATE SET pruned = content_generation.pruned + excluded.pruned")


def prune_changes(before: datetime) -> int:
    """Delete the change rows recorded before `before` and add their number to their topic's pruned
    count, in the caller's transaction: a page reading at any moment sees both or neither, so the
    generation it computes does not move. Rows of transactions not yet committed are left alone.
    Returns how many rows went."""
    gone = 0
    for topic in db.session.scalars(sa.select(ContentChange.topic).distinct()).all():
        deleted = db.session.execute(
            sa.delete(ContentChange).where(ContentChange.topic == topic, ContentChange.changed_at < before)
            .execution_options(synchronize_session=False)).rowcount
        if deleted:
            db.session.execute(_ADD_PRUNED, {"topic": topic, "pruned": deleted})
            gone += deleted
    return gone


class _Fragments:
    """A small least-recently-used map, safe across a worker's threads."""

    def __init__(self, size: int):
        self.size, self._items, self._lock = size, OrderedDict(), threading.Lock()

    def get_or_make(self, key: Hashable, make: Callable[[], str]) -> str:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()  # outside the lock: two threads may both render a missing fragment, never wait
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


fragments = _Fragments(FRAGMENTS_KEPT)


def fragment(topic: str, key: tuple, make: Callable[[], str]) -> str:
    """The fragment for `key` as of the topic's current generation, rendered by make() if missing.

    Not kept when this transaction has itself changed the topic's data: it has not committed, and
    if it rolls back, the next change to commit brings the count to the same number.
    """
    if topic in db.session.info.get("content_changes", ()):
        return make()
    return fragments.get_or_make((topic, generation(topic), *key), make)

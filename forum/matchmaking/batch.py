"""The batch of recommendations: every HA attendee's suggestions as CSV, from the same recommend() as the pages.

Used by `flask matchmaking recommend` and by the background job of that name.
"""
from __future__ import annotations

import csv
import time
from typing import TextIO

from ..permissions import ensure
from . import engine
from .recommendations import forum_model, names_for, sentence

HEADER = ["attendee_id", "user_id", "rank", "solution_id", "exhibitor_id", "score", "reasons"]


def write_recommendations(actor, forum, k: int, output: TextIO) -> tuple[int, int, float]:
    """Write the CSV; return (people, solutions, seconds spent recommending).

    Reasons are worded in the request's language: callers outside a request open an English one.
    """
    ensure(actor, "recommendation.batch")
    started = time.perf_counter()
    fm = forum_model(forum)
    found = engine.recommend(fm.model, fm.people, k)
    elapsed = time.perf_counter() - started
    writer = csv.writer(output)
    writer.writerow(HEADER)
    names = names_for([r for rows in found for r in rows])
    for person, attendee_id, rows in zip(fm.people, fm.attendees, found):
        for rank, r in enumerate(rows, 1):
            writer.writerow([attendee_id or "", person.key if person.key > 0 else "", rank, r.item_id,
                             r.company_id, r.score, "; ".join(sentence(x, names) for x in r.reasons)])
    return len(fm.people), len(fm.model.items), elapsed

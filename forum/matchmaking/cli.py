"""`flask --app wsgi matchmaking ...`: the batch of recommendations, from the same recommend() as the pages."""
from __future__ import annotations

import csv
import sys
import time

import click
from flask.cli import AppGroup

from ..cli_params import FORUM
from ..db import writes

matchmaking_cli = AppGroup("matchmaking", help="Bookmarks, recommendations and leads.")


@matchmaking_cli.command("recommend")
@click.argument("forum", type=FORUM)
@click.option("--limit", "k", type=click.IntRange(1, 100), default=10, help="Solutions per person.")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              help="CSV file (default: standard output).")
def recommend_command(forum, k, output):
    """Every HA attendee's recommendations, one row per suggestion, with the reasons in English."""
    from ..permissions import SystemActor, ensure
    from . import engine
    from .recommendations import forum_model, names_for, sentence

    # Reasons are worded in the locale outside a request: English.
    ensure(SystemActor(), "recommendation.batch")
    started = time.perf_counter()
    fm = forum_model(forum)
    found = engine.recommend(fm.model, fm.people, k)
    elapsed = time.perf_counter() - started
    writer = csv.writer(output)
    writer.writerow(["attendee_id", "user_id", "rank", "solution_id", "exhibitor_id", "score", "reasons"])
    names = names_for([r for rows in found for r in rows])
    for person, attendee_id, rows in zip(fm.people, fm.attendees, found):
        for rank, r in enumerate(rows, 1):
            writer.writerow([attendee_id or "", person.key if person.key > 0 else "", rank, r.item_id,
                             r.company_id, r.score, "; ".join(sentence(x, names) for x in r.reasons)])
    click.echo(f"{len(fm.people)} people x {len(fm.model.items)} solutions in {elapsed:.2f} s", err=True)
    sys.stderr.flush()


@matchmaking_cli.command("expire-meetings")
@writes
def expire_meetings_command():
    """Mark meeting requests nobody answered in time as expired (pages also do it when they read)."""
    from ..extensions import db
    from .meetings import expire_overdue

    count = expire_overdue()
    db.session.commit()
    click.echo(f"{count} meeting request(s) expired.")

"""`flask --app wsgi matchmaking ...`: the batch of recommendations, from the same recommend() as the pages."""
from __future__ import annotations

import sys

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
    from ..permissions import SystemActor
    from .batch import write_recommendations

    # Reasons are worded in the locale outside a request: English.
    people, solutions, elapsed = write_recommendations(SystemActor(), forum, k, output)
    click.echo(f"{people} people x {solutions} solutions in {elapsed:.2f} s", err=True)
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

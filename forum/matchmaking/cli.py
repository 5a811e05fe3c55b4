"""`flask --app wsgi matchmaking ...`: the batch of recommendations, from the same recommend() as the pages."""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

matchmaking_cli = AppGroup("matchmaking", help="Bookmarks, recommendations and leads.")


@matchmaking_cli.command("recommend")
@click.argument("forum")
@click.option("--limit", "k", type=click.IntRange(1, 100), default=10, help="Solutions per person.")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              help="CSV file (default: standard output).")
def recommend_command(forum, k, output):
    """Every HA attendee's recommendations, one row per suggestion, with the reasons in English."""
    from ..cli import SystemActor
    from ..errors import DomainError
    from ..forums.services import get_forum
    from .batch import write_recommendations

    with current_app.test_request_context():  # reasons are worded per request language (English here)
        try:
            target = get_forum(forum)
        except DomainError as error:
            raise click.ClickException(error.message) from None
        people, solutions, elapsed = write_recommendations(SystemActor(), target, k, output)
        click.echo(f"{people} people x {solutions} solutions in {elapsed:.2f} s", err=True)
        sys.stderr.flush()


@matchmaking_cli.command("expire-meetings")
def expire_meetings_command():
    """Mark meeting requests nobody answered in time as expired (pages also do it when they read)."""
    from ..extensions import db
    from .meetings import expire_overdue

    count = expire_overdue()
    db.session.commit()
    click.echo(f"{count} meeting request(s) expired.")

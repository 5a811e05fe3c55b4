"""`flask --app wsgi forum purge-expired`: the retention purge, run by hand or from cron."""
from __future__ import annotations

import click

from ..extensions import db



@click.command("purge-expired")
@click.option("--dry-run", is_flag=True, help="Only list the forums whose retention period is over.")
def purge_expired_command(dry_run):
    """Anonymise attendees and leads of forums past their retention period."""
    from ..permissions import SystemActor
    from .erasure import expired_forums, purge_expired

    if dry_run:
        for forum in expired_forums():
            click.echo(f"{forum.slug}\tended {forum.ends_at:%Y-%m-%d}\tretention {forum.retention_months} months")
        return
    done = purge_expired(SystemActor())
    db.session.commit()
    for slug, count in done:
        click.echo(f"{slug}: {count} attendee(s) anonymised")
    if not done:
        click.echo("No forum is past its retention period.")

"""`flask --app wsgi pilots ...`: commands that call the pilots' services."""
from __future__ import annotations

from datetime import date

import click
from flask import current_app

from ..extensions import db


def register_cli(bp) -> None:
    bp.cli.help = "Pilots: send the six-month follow-ups."

    @bp.cli.command("follow-ups")
    @click.option("--today", default=None, help="Pretend it is this day (YYYY-MM-DD); default: today in HK.")
    @click.option("--dry-run", is_flag=True, help="List who would be asked; send and record nothing.")
    def follow_ups_command(today, dry_run):
        """Ask the owners of every pilot proposed, and the participants of every meeting held, six months
        ago how it went (run it daily)."""
        from ..cli import SystemActor
        from .followups import send_all_due
        from .stages import today as hk_today

        day = date.fromisoformat(today) if today else None
        with current_app.test_request_context(method="POST", base_url=current_app.config["BASE_URL"]):
            sent = send_all_due(SystemActor(), day or hk_today(), dry_run=dry_run)
            for pilot, emails in sent["pilots"]:
                click.echo(f"{pilot.id}\t{pilot.title}\t{', '.join(emails) or '(no owner with an address)'}")
            for meeting, emails in sent["meetings"]:
                click.echo(f"meeting {meeting.id}\t{meeting.company.name_en}\t"
                           f"{', '.join(emails) or '(no participant with an address)'}")
            if not dry_run:
                db.session.commit()
        verb = "due" if dry_run else "asked"
        click.echo(f"{len(sent['pilots'])} pilot(s) {verb}")
        click.echo(f"{len(sent['meetings'])} meeting(s) {verb}")

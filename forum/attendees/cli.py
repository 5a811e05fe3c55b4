"""`flask attendees import|export|invite` and `flask badges`. They parse arguments and call services only."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from ..cli_params import FORUM
from ..db import writes
from ..extensions import db
from ..permissions import SystemActor

attendees_cli = AppGroup("attendees", help="Invitation lists, invitations and exports.")


@attendees_cli.command("import")
@click.argument("forum", type=FORUM)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Only check the file and show what would change.")
@click.option("--only-valid", is_flag=True, help="Import the good rows even when some rows are bad.")
@writes
def import_command(forum, file, dry_run, only_valid):
    """Import a CSV or XLSX invitation list; nothing is written unless every row is good."""
    from .importer import apply_import, plan_import

    plan = plan_import(SystemActor(), forum, file.read_bytes(), file.name)
    for note in plan.notes:
        click.echo(f"note: {note}", err=True)
    for line, message in plan.errors:
        click.echo(f"line {line}: {message}" if line else message, err=True)
    summary = f"{plan.created} new, {plan.updated} updated, {plan.skipped} unchanged"
    if dry_run:
        db.session.rollback()
        click.echo(f"would import: {summary}; {len(plan.errors)} bad row(s)")
        if plan.errors:
            sys.exit(1)
        return
    if plan.errors and not only_valid:
        db.session.rollback()
        raise click.ClickException(f"{len(plan.errors)} bad row(s); nothing imported")
    apply_import(SystemActor(), forum, plan, only_valid=only_valid)
    db.session.commit()
    click.echo(f"imported: {summary}" + (f"; {len(plan.errors)} bad row(s) left out" if plan.errors else ""))


@attendees_cli.command("export")
@click.argument("forum", type=FORUM)
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: standard output for CSV).")
@writes
def export_command(forum, fmt, output):
    """One row per attendee, with `ticket_code` holding the exact text in their QR code."""
    from .export import export_file

    content = export_file(SystemActor(), forum, fmt)
    db.session.commit()  # the export's audit record
    if output:
        output.write_bytes(content)
        click.echo(f"wrote {output}", err=True)
    elif fmt == "xlsx":
        raise click.ClickException("give -o FILE.xlsx for an Excel export")
    else:
        click.echo(content.decode("utf-8-sig"), nl=False)


@attendees_cli.command("invite")
@click.argument("forum", type=FORUM)
@click.option("--email", "emails", multiple=True, help="Only this person (again if already invited).")
@writes
def invite_command(forum, emails):
    """Send the invitation email to everyone not invited yet (or to the given emails)."""
    from .invitations import send_pending_invitations

    count = send_pending_invitations(SystemActor(), forum, emails=list(emails) or None)
    db.session.commit()
    click.echo(f"sent {count} invitation(s)")


@click.command("badges")
@click.argument("forum", type=FORUM)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The PDF file to write.")
@click.option("--layout", type=click.Choice(["a6", "a4"]), default="a6", show_default=True,
              help="a6: one badge a page; a4: four badges a sheet.")
@click.option("--chunk", type=click.IntRange(4, 5000), default=200, show_default=True,
              help="Badges laid out at a time (memory stays flat whatever the total).")
@writes
def badges_command(forum, output, layout, chunk):
    """Every badge of the forum in one PDF, with a progress bar."""
    from ..errors import DomainError
    from .badges import forum_badge_count, forum_badges_pdf

    total = forum_badge_count(forum)
    partial = output.with_name(output.name + ".part")
    try:
        with click.progressbar(length=total, label="badges", file=sys.stderr) as bar, partial.open("wb") as out:
            forum_badges_pdf(SystemActor(), forum, out, layout=layout, chunk=chunk, progress=bar.update)
    except DomainError as error:
        partial.unlink(missing_ok=True)
        raise click.ClickException(error.message)
    partial.replace(output)
    db.session.commit()  # the download's audit record
    click.echo(f"wrote {total} badge(s) to {output}")

"""`flask --app wsgi ...` commands. They parse arguments and call services only.

Every command group is registered here, in one ordered list (register_commands): each feature's
cli.py defines one click group (`flask.cli.AppGroup`) and names forums with the FORUM parameter
type (forum/cli_params.py). Commands that change data say so with @writes (forum/db.py).
"""
from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from .extensions import db

from .db import writes
from .permissions import SystemActor

forum_cli = AppGroup("forum", help="Forums and demo data.")
users_cli = AppGroup("users", help="Accounts and API tokens.")
sites_cli = AppGroup("sites", help="Reference sites (HA hospitals, clinics, labs).")


@forum_cli.command("demo")
@click.option("--attendees", type=click.IntRange(0, 200000), default=None,
              help="Scale the invitation list (default: the demo's own size).")
@click.option("--exhibitors", type=click.IntRange(0, 20000), default=None,
              help="Scale the number of park companies (default: the demo's own size).")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already holds a forum.")
@writes
def demo_command(attendees, exhibitors, if_empty):
    """Load the demo forum (idempotent)."""
    from .demo import load_demo
    from .forums.services import list_forums

    if if_empty and list_forums():
        click.echo("The database already holds forums; the demo was not loaded again.")
        return

    try:
        summary = load_demo(attendees=attendees, exhibitors=exhibitors, echo=click.echo)
    except RuntimeError as error:
        raise click.ClickException(str(error))
    db.session.commit()
    for line in summary.lines():
        click.echo(line)


@forum_cli.command("list")
def list_command():
    """Forums, one a line: id, slug, dates, title."""
    from .db import HK
    from .forums.services import list_forums

    for forum in list_forums():
        starts = forum.starts_at.astimezone(HK).strftime("%Y-%m-%d %H:%M")
        ends = forum.ends_at.astimezone(HK).strftime("%Y-%m-%d %H:%M")
        click.echo(f"{forum.id}\t{forum.slug}\t{starts}\t{ends}\t{forum.display_title}")


@forum_cli.command("backup")
@click.argument("path", required=False)
@click.option("-o", "--output", "output", help="Where to write the copy (or give it as PATH).")
def backup_command(path, output):
    """A consistent copy of the database (SQLite online backup; PostgreSQL: prints the pg_dump command)."""
    from . import backup

    target = output or path
    if not target:
        raise click.UsageError("give the file to write: forum backup -o FILE")
    _run_backup(backup.backup, target)


@forum_cli.command("restore")
@click.argument("path")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(path, yes):
    """Replace the database's content with a copy made by `forum backup`."""
    from . import backup

    if not yes and sys.stdin.isatty():
        click.confirm(f"Replace everything in {db.engine.url.database} with {path}?", abort=True)
    # No pooled connection may keep a view of (or a lock on) the old content.
    _run_backup(backup.restore, path, dispose=True)


def _run_backup(operation, path, *, dispose: bool = False) -> None:
    """backup.backup() or backup.restore() on this app's database, with no session open (and, with
    `dispose`, no pooled connection); a refusal ends the command with its message."""
    from .backup import BackupError

    url = db.engine.url.render_as_string(hide_password=False)
    db.session.remove()
    if dispose:
        db.engine.dispose()
    try:
        click.echo(operation(url, path))
    except BackupError as error:
        raise click.ClickException(str(error))


@forum_cli.command("logins")
def logins_command():
    """Print the demo sign-ins."""
    from .demo import DEMO_PASSWORD, demo_logins

    for role, email in demo_logins():
        click.echo(f"  {role:<12} {email:<36} {DEMO_PASSWORD}")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(
    ["admin", "organiser", "scanner", "exhibitor", "ha_staff", "partnership", "researcher"]))
@click.option("--name", default="", help="Name in English.")
@click.option("--name-zh", default="", help="Name in Chinese.")
@writes
def create_user_command(email, role, name, name_zh):
    """Create a user; the password is read from stdin when piped, else prompted."""
    from .accounts.services import create_user
    from .errors import DomainError

    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = create_user(email, role, password=password, name_en=name, name_zh=name_zh, actor=SystemActor())
    except DomainError as error:
        raise click.ClickException(error.message)
    db.session.commit()
    click.echo(f"created {user.email} ({user.role})")


@users_cli.command("token")
@click.argument("email")
@click.option("--label", default="cli", help="What the token is for.")
@writes
def token_command(email, label):
    """Print a new personal API token for that user (shown once, stored hashed)."""
    from .accounts.services import find_by_email
    from .accounts.tokens import issue_token

    user = find_by_email(email)
    if user is None:
        raise click.ClickException(f"no user {email}")
    token = issue_token(user, label, actor=SystemActor())
    db.session.commit()
    click.echo(token)


@sites_cli.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Only check the file.")
@writes
def sites_import_command(file, dry_run):
    """Add sites from a CSV (cluster_code, name_en, name_zh, kind, source)."""
    from .sites.services import import_sites

    report = import_sites(SystemActor(), file.read(), dry_run=dry_run)
    for line, message in report.errors:
        click.echo(f"line {line}: {message}", err=True)
    if not report.ok:
        db.session.rollback()
        raise click.ClickException(f"{len(report.errors)} bad row(s); nothing imported")
    if dry_run:
        db.session.rollback()
        click.echo(f"would add {len(report.created)}, {len(report.unchanged)} already known")
    else:
        db.session.commit()
        click.echo(f"added {len(report.created)}, {len(report.unchanged)} already known")


def register_commands(app: Flask) -> None:
    """Every `flask ...` command group, in the order `flask --help` lists them."""
    from .agenda.cli import agenda_cli
    from .attendees.cli import attendees_cli, badges_command
    from .checkin.cli import checkin_cli
    from .datalab.cli import datalab_cli
    from .jobs.worker import jobs_cli
    from .matchmaking.cli import matchmaking_cli
    from .pilots.cli import pilots_cli
    from .privacy.cli import purge_expired_command

    forum_cli.add_command(purge_expired_command)  # `forum purge-expired`, beside backup and restore
    for command in (forum_cli, users_cli, sites_cli, attendees_cli, badges_command, checkin_cli, agenda_cli,
                    matchmaking_cli, pilots_cli, datalab_cli, jobs_cli):
        app.cli.add_command(command)

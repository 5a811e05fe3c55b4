"""`flask --app wsgi checkin ...`: the same check_in() as the scanner page, kiosk and API."""
from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup

from ..cli import SystemActor
from ..errors import DomainError
from ..extensions import db
checkin_cli = AppGroup("checkin", help="Door check-in: scan a code, add points, print the counts.")


def _context(method: str = "POST"):
    # Run as a request would: domain errors carry messages translated per request, and on SQLite
    # a changing request takes the write lock up front (BEGIN IMMEDIATE, see forum/db.py).
    return current_app.test_request_context(method=method)


@checkin_cli.command("scan")
@click.argument("forum")
@click.argument("code")
@click.option("--point", default=None, help="Check-in point key (default: the forum's first open point).")
@click.option("--nonce", default=None, help="Unique id of this scan; repeating it repeats the first answer.")
@click.option("--device", default="cli", help="Device id recorded with the scan.")
def scan_command(forum, code, point, nonce, device):
    """Check one ticket code in and print the answer as JSON."""
    from ..forums.services import get_forum
    from . import services

    with _context():
        try:
            target = get_forum(forum)
            scan = services.parse_scan({"code": code, "point": point, "nonce": nonce}, device_id=device)
            answer = services.check_in(SystemActor(), target, scan)
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(error.message)
        db.session.commit()
    click.echo(json.dumps(answer, ensure_ascii=False))


@checkin_cli.command("add-point")
@click.argument("forum")
@click.argument("name_en")
@click.option("--name-zh", default="", help="Name in Chinese.")
@click.option("--key", default=None, help="Key scanners send (default: made from the English name).")
def add_point_command(forum, name_en, name_zh, key):
    """Add a check-in point to a forum."""
    from ..forums.services import get_forum
    from .points import add_point

    with _context():
        try:
            point = add_point(SystemActor(), get_forum(forum), name_en, name_zh, key)
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(error.message)
        db.session.commit()
    click.echo(f"{point.id}\t{point.key}\t{point.name_en}\t{point.name_zh}")


@checkin_cli.command("stats")
@click.argument("forum")
def stats_command(forum):
    """Invited, registered, checked in and people per point, as JSON."""
    from ..forums.services import get_forum
    from .arrivals import stats

    with _context("GET"):
        try:
            target = get_forum(forum)
        except DomainError as error:
            raise click.ClickException(error.message)
        click.echo(json.dumps(stats(target), ensure_ascii=False))


def register_commands(app) -> None:
    app.cli.add_command(checkin_cli)

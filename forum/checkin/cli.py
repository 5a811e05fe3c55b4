"""`flask --app wsgi checkin ...`: the same check_in() as the scanner page, kiosk and API."""
from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from ..cli_params import FORUM
from ..db import writes
from ..errors import DomainError
from ..extensions import db
from ..permissions import SystemActor

checkin_cli = AppGroup("checkin", help="Door check-in: scan a code, add points, print the counts.")


@checkin_cli.command("scan")
@click.argument("forum", type=FORUM)
@click.argument("code")
@click.option("--point", default=None, help="Check-in point key (default: the forum's first open point).")
@click.option("--nonce", default=None, help="Unique id of this scan; repeating it repeats the first answer.")
@click.option("--device", default="cli", help="Device id recorded with the scan.")
@writes
def scan_command(forum, code, point, nonce, device):
    """Check one ticket code in and print the answer as JSON."""
    from .services import check_in, parse_scan

    try:
        scan = parse_scan({"code": code, "point": point, "nonce": nonce}, device_id=device)
        answer = check_in(SystemActor(), forum, scan)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message)
    db.session.commit()
    click.echo(json.dumps(answer, ensure_ascii=False))


@checkin_cli.command("add-point")
@click.argument("forum", type=FORUM)
@click.argument("name_en")
@click.option("--name-zh", default="", help="Name in Chinese.")
@click.option("--key", default=None, help="Key scanners send (default: made from the English name).")
@writes
def add_point_command(forum, name_en, name_zh, key):
    """Add a check-in point to a forum."""
    from .points import add_point

    try:
        point = add_point(SystemActor(), forum, name_en, name_zh, key)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message)
    db.session.commit()
    click.echo(f"{point.id}\t{point.key}\t{point.name_en}\t{point.name_zh}")


@checkin_cli.command("stats")
@click.argument("forum", type=FORUM)
def stats_command(forum):
    """Invited, registered, checked in and people per point, as JSON."""
    from .arrivals import stats

    click.echo(json.dumps(stats(forum), ensure_ascii=False))

"""`flask agenda solve|schedule`: the demo scheduler on a file or on a forum. They call services only."""
from __future__ import annotations

import json
import sys

import click
from flask.cli import AppGroup

from ..cli_params import FORUM
from ..db import writes

agenda_cli = AppGroup("agenda", help="The agenda and the automatic demo scheduler.")


@agenda_cli.command("solve")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--time-limit", type=click.FloatRange(0.1, 3600), default=20.0, show_default=True,
              help="Seconds the solver may use.")
@click.option("-o", "output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the result here (default: print it).")
def solve_command(file, time_limit, output):
    """Schedule the demos of an instance file (the format of SCHEDULING.md); exits 1 when infeasible or invalid."""
    from .scheduling.solve import solve

    try:
        with open(file, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, UnicodeDecodeError) as error:
        result = {"status": "invalid", "assignments": [], "missed": None, "bound": None, "seconds": 0,
                  "conflicts": [], "reasons": [f"cannot read {file}: {error}"]}
    except json.JSONDecodeError as error:
        result = {"status": "invalid", "assignments": [], "missed": None, "bound": None, "seconds": 0,
                  "conflicts": [], "reasons": [f"{file} is not JSON: {error.msg} at line {error.lineno}"]}
    else:
        result = solve(data, time_limit=time_limit)
    text = json.dumps(result, ensure_ascii=False, indent=1)
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
        click.echo(_summary(result), err=True)
    else:
        click.echo(text)
    for reason in result["reasons"]:
        click.echo(f"{result['status']}: {reason}", err=True)
    if result["status"] in ("infeasible", "invalid"):
        sys.exit(1)


@agenda_cli.command("schedule")
@click.argument("forum", type=FORUM)
@click.option("--time-limit", type=click.FloatRange(0.1, 3600), default=20.0, show_default=True,
              help="Seconds the solver may use.")
@writes
def schedule_command(forum, time_limit):
    """Schedule the forum's selected demos into its demo slots (as draft sessions); print the result."""
    from ..errors import DomainError
    from ..extensions import db
    from ..permissions import SystemActor
    from .scheduler import describe_conflicts, describe_reasons, run_scheduler

    try:
        run = run_scheduler(SystemActor(), forum, time_limit=time_limit)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message)
    db.session.commit()
    click.echo(_summary(run.result))
    for line in describe_reasons(run):
        click.echo(f"  {line}")
    conflicts = describe_conflicts(run)
    if conflicts:
        click.echo(f"{len(conflicts)} remaining conflict(s):")
    for line in conflicts:
        click.echo(f"  {line}")
    if run.status in ("infeasible", "invalid"):
        sys.exit(1)


def _summary(result: dict) -> str:
    if result["status"] in ("infeasible", "invalid"):
        return f"{result['status']} ({len(result['reasons'])} reason(s))"
    return (f"{result['status']}: {len(result['assignments'])} demos, {result['missed']} missed wants, "
            f"bound {result['bound']}, {result['seconds']} s")


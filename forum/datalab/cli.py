"""`flask --app wsgi datalab ...`: the same services as the lab's pages."""
from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from ..accounts.models import User
from ..db import write_transactions
from ..errors import DomainError
from ..extensions import db
from ..permissions import SystemActor

datalab_cli = AppGroup("datalab", help="Data lab: record no-shows, name lab staff and committee members, load holidays.")


def _user(email: str) -> User:
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"no user {email}")
    return user


def _run(action):
    # A change: on SQLite the write lock is taken up front.
    with write_transactions():
        try:
            result = action()
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(error.message)
        db.session.commit()
        return result


@datalab_cli.command("no-shows")
def no_shows_command():
    """Record no-shows (no entry 30 minutes after the start), release their seats and expired holds to the
    waiting list; run every 10 minutes."""
    from .bookings import mark_no_shows
    from .waitlist import expire_holds

    def action():
        found = [(b.id, b.day.isoformat(), b.session) for b in mark_no_shows(SystemActor())]
        expire_holds(SystemActor())
        return found

    found = _run(action)
    for booking_id, day, session in found:
        click.echo(f"no-show\tbooking {booking_id}\t{day}\t{session}")
    click.echo(f"{len(found)} no-shows recorded")


@datalab_cli.command("staff")
@click.argument("email")
def staff_command(email):
    """Make a user lab staff."""
    from .lab import add_staff

    _run(lambda: add_staff(SystemActor(), _user(email)))
    click.echo(f"{email} is lab staff")


@datalab_cli.command("member")
@click.argument("committee", type=click.Choice(["ethics", "governance"]))
@click.argument("email")
@click.option("--chair", is_flag=True, help="Make the member the committee's chair.")
def member_command(committee, email, chair):
    """Name a user to a committee."""
    from .lab import add_committee_member
    from .review import committee_of

    def action():
        from .lab import get_lab

        get_lab()
        return add_committee_member(SystemActor(), committee_of(committee), _user(email), chair=chair)

    _run(action)
    click.echo(f"{email} is on the {committee} committee{' (chair)' if chair else ''}")


@datalab_cli.command("holidays")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def holidays_command(file):
    """Add or update public holidays from a CSV file (date,name_en,name_zh)."""
    from .lab import get_lab, load_holidays

    def action():
        get_lab()
        return load_holidays(file.read_text(encoding="utf-8-sig"), actor=SystemActor())

    click.echo(f"{_run(action)} days loaded")

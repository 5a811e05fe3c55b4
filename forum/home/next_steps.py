"""What each person should do next, shown on their home page.

Feature packages mark their suggestions with @step(role) and add them from their init_app with
add_steps(module); the home page asks each in turn. Steps are (title, url, note) built from what exists.
"""
from __future__ import annotations

from dataclasses import dataclass
from inspect import isfunction
from typing import Callable

from flask import url_for
from flask_babel import lazy_gettext as _l

from ..forums.models import ForumStatus


@dataclass
class Step:
    title: str
    url: str
    note: str = ""


_PROVIDERS: list[tuple[int, set[str], Callable]] = []


def step(*roles: str, order: int = 50):
    """Mark a provider of steps for these roles; lower `order` comes first on the page. It joins the
    home page when its feature's init_app calls add_steps() on its module."""
    def decorator(fn):
        fn.step_of = (order, set(roles))
        return fn

    return decorator


def add_steps(module) -> None:
    """Add the module's @step providers, in the order they are written (once, however often an app is made)."""
    known = {fn for _order, _roles, fn in _PROVIDERS}
    for fn in vars(module).values():
        if not isfunction(fn) or fn.__module__ != module.__name__:
            continue
        marked = getattr(fn, "step_of", None)
        if marked is not None and fn not in known:
            _PROVIDERS.append((marked[0], marked[1], fn))


def next_steps_for(user, forum) -> list[Step]:
    steps: list[Step] = []
    for _order, roles, provider in sorted(_PROVIDERS, key=lambda p: p[0]):
        if user.role in roles:
            steps.extend(provider(user, forum) or [])
    return steps


@step("admin", "organiser", order=10)
def _forum_state_steps(user, forum):
    if forum is None:
        return [Step(_l("Create the first forum"), url_for("forums.create"),
                     _l("Set its dates, venue and capacities."))]
    if forum.status == ForumStatus.draft:
        return [Step(_l("Open the forum for exhibitors"), url_for("forums.edit", ref=forum.slug),
                     _l("It is still a draft: park companies cannot apply yet."))]
    return []


@step("admin", "organiser", order=90)
def _organiser_steps(user, forum):
    out = []
    if forum is None:
        return out
    out.append(Step(_l("Open the forum's hub"), url_for("forums.show", ref=forum.slug),
                    _l("Attendees, exhibitors and review, the agenda, check-in, pilots and the data lab.")))
    out.append(Step(_l("Build the programme"), url_for("agenda.editor", forum=forum.slug),
                    _l("Rooms, sessions and the stage-demo schedule.")))
    out.append(Step(_l("Invite colleagues"), url_for("accounts.invite"),
                    _l("Organisers, door scanners, partnership teams and company staff.")))
    out.append(Step(_l("Check the reference sites"), url_for("sites.index"),
                    _l("Hospitals, clinics and labs where pilots happen.")))
    return out


@step("admin", order=95)
def _admin_steps(user, forum):
    return [Step(_l("Manage users and roles"), url_for("accounts.users")),
            Step(_l("Read the audit trail"), url_for("audit.index"))]


@step("scanner")
def _scanner_steps(user, forum):
    if forum is None:
        return [Step(_l("No forum is open yet"), url_for("forums.index"))]
    return [Step(_l("Check the forum's day and venue"), url_for("forums.show", ref=forum.slug),
                 _l("Scanning opens on the day of the forum."))]


@step("exhibitor")
def _exhibitor_steps(user, forum):
    out = []
    if user.company is None:
        out.append(Step(_l("Ask your company admin to add you"), url_for("accounts.profile"),
                        _l("Your account is not linked to a park company yet.")))
    if forum is not None:
        out.append(Step(_l("See the forum"), url_for("forums.show", ref=forum.slug)))
    return out


@step("ha_staff")
def _ha_steps(user, forum):
    if forum is None:
        return [Step(_l("No forum is open yet"), url_for("forums.index"))]
    return [Step(_l("See the forum's date and venue"), url_for("forums.show", ref=forum.slug))]


@step("partnership")
def _partnership_steps(user, forum):
    return [Step(_l("Browse the sites where pilots happen"), url_for("sites.index"),
                 _l("Hospitals, clinics and HA's labs."))]


@step("admin", "organiser", "scanner", "exhibitor", "ha_staff", "partnership")
def _everyone(user, forum):
    if not (user.name_en or user.name_zh):
        return [Step(_l("Add your name in English and Chinese"), url_for("accounts.profile"),
                     _l("It appears on badges and messages."))]
    return []

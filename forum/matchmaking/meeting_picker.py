"""Whom a follow-up meeting invites: the company and HA people to choose from, found by what was typed.

The proposal form is served whole by the server (no script): a search field and a "Find" button post
the form back with what is filled in kept, and these lists come back narrowed. What was already
chosen always stays in the list, so a new search never drops a choice.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ..accounts.models import User
from ..attendees.models import Attendee
from ..db import contains
from ..exhibitors.models import Application, ApplicationStatus, Company, Solution
from ..extensions import db
from ..i18n import name_of

SHOWN = 30  # matches listed at once; a search narrows the rest


@dataclass
class Choices:
    options: list[tuple[str, str]]  # (value, label), chosen ones first
    more: int  # matches not listed


def _words(text: str | None) -> str:
    return " ".join((text or "").split())[:80]


def companies(forum, text: str | None, chosen_id: int | None) -> Choices:
    """Approved exhibitors of the forum whose English or Chinese name holds the text."""
    stmt = sa.select(Company.id, Company.name_en, Company.name_zh).join(
        Application, Application.company_id == Company.id).where(
        Application.forum_id == forum.id, Application.status == ApplicationStatus.approved)
    query = _words(text)
    if query:
        stmt = stmt.where(sa.or_(contains(Company.name_en, query, ignore_case=True),
                                 contains(Company.name_zh, query)))
    rows = db.session.execute(stmt.order_by(Company.name_en).limit(SHOWN + 1)).all()
    total = len(rows) if len(rows) <= SHOWN else db.session.scalar(
        sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    options = [(str(r.id), name_of(r)) for r in rows[:SHOWN]]
    if chosen_id and str(chosen_id) not in {v for v, _ in options}:
        chosen = db.session.get(Company, chosen_id)
        if chosen is not None:
            options.insert(0, (str(chosen.id), name_of(chosen)))
    return Choices(options, max(0, total - SHOWN))


def solutions(company_id: int | None) -> list[tuple[str, str]]:
    if not company_id:
        return []
    return [(str(s.id), name_of(s, "title")) for s in db.session.scalars(
        sa.select(Solution).where(Solution.company_id == company_id).order_by(Solution.id))]


def ha_people(forum, actor, text: str | None, chosen_ids: list[int]) -> Choices:
    """HA people registered for the forum with an account (not the actor), by name or department;
    the chosen ones first, whatever the search."""
    base = sa.select(User.id, User.name_en, User.name_zh, Attendee.department).join(
        Attendee, Attendee.user_id == User.id).where(
        Attendee.forum_id == forum.id, User.role == "ha_staff", User.active.is_(True), User.id != actor.id)
    chosen = db.session.execute(base.where(User.id.in_(chosen_ids)).order_by(User.name_en)).all() \
        if chosen_ids else []
    stmt = base.where(User.id.not_in(chosen_ids)) if chosen_ids else base
    query = _words(text)
    if query:
        stmt = stmt.where(sa.or_(contains(User.name_en, query, ignore_case=True), contains(User.name_zh, query),
                                 contains(Attendee.department, query, ignore_case=True)))
    rows = db.session.execute(stmt.order_by(User.name_en).limit(SHOWN + 1)).all()
    more = 0
    if len(rows) > SHOWN:
        more = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())) - SHOWN
    seen, options = set(), []
    for r in list(chosen) + list(rows[:SHOWN]):
        if r.id not in seen:  # one person registered twice is listed once
            seen.add(r.id)
            options.append((str(r.id), f"{name_of(r)}{' · ' + r.department if r.department else ''}"))
    return Choices(options, more)

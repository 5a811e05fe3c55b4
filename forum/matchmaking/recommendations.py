"""Recommendations from the database: the forum's model (cached while nothing changes) and the
pages' three views of it: a person's list, an exhibitor's people and departments to meet, and the
partnership team's startup-to-site pairs. Every score comes from engine.recommend()/score_matrix().
"""
from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import joinedload

from ..attendees.models import Attendee, AttendeeKind, AttendeeStatus, AttendeeTheme
from ..exhibitors.models import (Application, ApplicationStatus, Company, Solution, Theme, application_solution,
                                 solution_theme)
from ..errors import NotFound
from ..extensions import db
from ..forums.models import ForumStatus
from ..i18n import name_of
from ..permissions import ensure
from ..sites.models import Site
from . import engine
from .models import Bookmark, Interest

EXHIBITOR_WIDE = 0.5  # a bookmark of a whole exhibitor counts half for each of its solutions
INTEREST_WEIGHT = {Interest.curious: 1.0, Interest.follow_up: 2.0, Interest.pilot: 3.0}


@dataclass
class ForumModel:
    model: engine.Model
    people: list[engine.Person]
    attendees: list[int | None]  # attendee id of each person (None: bookmarks without an invitation)
    by_user: dict[int, int]  # user id -> index in people


_CACHE: dict[int, tuple[tuple, ForumModel]] = {}
_LOCK = threading.Lock()


def _stamp(forum) -> tuple:
    """Changes whenever something the model reads changes (one small query)."""
    parts = []
    for model, where in ((Bookmark, Bookmark.forum_id == forum.id), (Application, Application.forum_id == forum.id),
                         (Solution, sa.true()), (Attendee, Attendee.forum_id == forum.id)):
        parts += [sa.select(sa.func.count()).select_from(model).where(where).scalar_subquery(),
                  sa.select(sa.func.max(model.updated_at)).where(where).scalar_subquery()]
    return (forum.slug, forum.created_at, *db.session.execute(sa.select(*parts)).one())


def _items(forum) -> list[engine.Item]:
    rows = db.session.execute(
        sa.select(Solution).join(application_solution, application_solution.c.solution_id == Solution.id)
        .join(Application, Application.id == application_solution.c.application_id)
        .where(Application.forum_id == forum.id, Application.status == ApplicationStatus.approved)
        .order_by(Solution.id)).scalars().all()
    themes = defaultdict(list)
    for solution_id, theme_id in db.session.execute(sa.select(solution_theme.c.solution_id, solution_theme.c.theme_id)
                                                    .where(solution_theme.c.solution_id.in_([s.id for s in rows]))):
        themes[solution_id].append(theme_id)
    return [engine.Item(s.id, s.company_id, s.title_en, s.title_zh, " ".join(filter(None, (
        s.title_en, s.title_zh, s.summary_en, s.summary_zh, s.problem, s.departments, s.target_users))),
        themes[s.id]) for s in rows]


def _bookmarks_by_user(forum, items: list[engine.Item], user_ids=None) -> dict[int, tuple[dict, list]]:
    by_company = defaultdict(list)
    for item in items:
        by_company[item.company_id].append(item.id)
    stmt = sa.select(Bookmark.user_id, Bookmark.company_id, Bookmark.solution_id, Bookmark.note).where(
        Bookmark.forum_id == forum.id)
    if user_ids is not None:
        stmt = stmt.where(Bookmark.user_id.in_(user_ids))
    out: dict[int, tuple[dict, list]] = {}
    for user_id, company_id, solution_id, note in db.session.execute(stmt):
        marks, notes = out.setdefault(user_id, ({}, []))
        if solution_id:
            marks[solution_id] = 1.0
        else:
            for item_id in by_company.get(company_id, []):
                marks.setdefault(item_id, EXHIBITOR_WIDE)
        if note:
            notes.append(note)
    return out


def _people(forum, items, user_ids=None) -> tuple[list[engine.Person], list[int | None], dict[int, int]]:
    stmt = sa.select(Attendee.id, Attendee.user_id, Attendee.department, Attendee.site_id).where(
        Attendee.forum_id == forum.id, Attendee.kind == AttendeeKind.ha,
        Attendee.status == AttendeeStatus.registered)
    if user_ids is not None:
        stmt = stmt.where(Attendee.user_id.in_(user_ids))
    attendees = db.session.execute(stmt).all()
    themes = defaultdict(list)
    theme_stmt = (sa.select(AttendeeTheme.attendee_id, AttendeeTheme.theme_id)
                  .join(Attendee, Attendee.id == AttendeeTheme.attendee_id)
                  .where(Attendee.forum_id == forum.id).order_by(AttendeeTheme.position))
    if user_ids is not None:
        theme_stmt = theme_stmt.where(Attendee.user_id.in_(user_ids))
    for attendee_id, theme_id in db.session.execute(theme_stmt):
        themes[attendee_id].append(theme_id)
    marks = _bookmarks_by_user(forum, items, user_ids)
    people, attendee_ids, by_user = [], [], {}
    for a in attendees:
        mine, notes = marks.pop(a.user_id, ({}, [])) if a.user_id else ({}, [])
        if a.user_id:
            by_user[a.user_id] = len(people)
        people.append(engine.Person(a.user_id or -a.id, a.department, a.site_id, themes[a.id], mine, notes))
        attendee_ids.append(a.id)
    for user_id, (mine, notes) in marks.items():  # people who bookmarked without an invitation on file
        by_user[user_id] = len(people)
        people.append(engine.Person(user_id, "", None, [], mine, notes))
        attendee_ids.append(None)
    return people, attendee_ids, by_user


def forum_model(forum) -> ForumModel:
    """The forum's model, rebuilt only when bookmarks, solutions, exhibitors or attendees changed."""
    stamp = _stamp(forum)
    with _LOCK:
        cached = _CACHE.get(forum.id)
        if cached and cached[0] == stamp:
            return cached[1]
    items = _items(forum)
    people, attendee_ids, by_user = _people(forum, items)
    built = ForumModel(engine.Model(items, people), people, attendee_ids, by_user)
    with _LOCK:
        _CACHE[forum.id] = (stamp, built)
    return built


# --- words -----------------------------------------------------------------------------------

def _and(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return _("%(first)s and %(last)s", first=", ".join(names[:-1]), last=names[-1])


@dataclass
class Names:
    themes: dict[int, str] = field(default_factory=dict)
    sites: dict[int, str] = field(default_factory=dict)
    titles: dict[int, str] = field(default_factory=dict)


def sentence(reason: engine.Reason, names: Names) -> str:
    """A reason in the reader's language."""
    if reason.kind == "themes":
        listed = _and([names.themes.get(t, "") for t in reason.names])
        return ngettext("shares your theme %(names)s", "shares your themes %(names)s", reason.count, names=listed)
    if reason.kind == "department":
        return ngettext("%(num)d colleague in %(department)s bookmarked it",
                        "%(num)d colleagues in %(department)s bookmarked it", reason.count,
                        department=reason.names[0])
    if reason.kind == "site":
        return ngettext("%(num)d colleague at %(site)s bookmarked it", "%(num)d colleagues at %(site)s bookmarked it",
                        reason.count, site=names.sites.get(reason.names[0], ""))
    if reason.kind == "need":
        return _("matches the need you described: %(need)s", need=reason.names[0])
    if reason.kind == "cooccurrence":
        return _("people who bookmarked %(title)s also bookmarked it", title=names.titles.get(reason.names[0], ""))
    return _("similar to %(title)s, which you bookmarked", title=names.titles.get(reason.names[0], ""))


def names_for(recommendations) -> Names:
    """Theme, site and solution names the reasons mention, in three small queries."""
    theme_ids, site_ids, item_ids = set(), set(), set()
    for r in recommendations:
        for reason in r.reasons:
            {"themes": theme_ids, "site": site_ids}.get(reason.kind, item_ids if reason.kind in (
                "cooccurrence", "content") else set()).update(reason.names)
    out = Names()
    if theme_ids:
        out.themes = {t.id: name_of(t) for t in db.session.scalars(sa.select(Theme).where(Theme.id.in_(theme_ids)))}
    if site_ids:
        out.sites = {s.id: name_of(s) for s in db.session.scalars(sa.select(Site).where(Site.id.in_(site_ids)))}
    if item_ids:
        out.titles = {s.id: name_of(s, "title") for s in db.session.scalars(
            sa.select(Solution).where(Solution.id.in_(item_ids)))}
    return out


# --- a person's list -----------------------------------------------------------------------------

@dataclass
class Shown:
    solution: Solution
    score: float
    booth: str | None
    sentences: list[str]
    reasons: list[engine.Reason]


def person_of(user, forum) -> engine.Person:
    """The person as they are now (their own bookmarks and notes read fresh, not from the cache)."""
    fm = forum_model(forum)
    people, _ids, _by_user = _people(forum, fm.model.items, user_ids=[user.id])
    return people[0] if people else engine.Person(user.id)


def for_person(user, forum, k: int = 10) -> list[Shown]:
    ensure(user, "recommendation.own")
    if forum.status == ForumStatus.draft:
        raise NotFound()
    fm = forum_model(forum)
    found = engine.recommend(fm.model, [person_of(user, forum)], k)[0]
    return shown(forum, found)


def shown(forum, found: list[engine.Recommendation]) -> list[Shown]:
    if not found:
        return []
    solutions = {s.id: s for s in db.session.scalars(sa.select(Solution).options(joinedload(Solution.company))
                                                     .where(Solution.id.in_([r.item_id for r in found])))}
    booths = dict(db.session.execute(sa.select(Application.company_id, Application.booth_code).where(
        Application.forum_id == forum.id, Application.company_id.in_({r.company_id for r in found}))).all())
    names = names_for(found)
    return [Shown(solutions[r.item_id], r.score, booths.get(r.company_id), [sentence(x, names) for x in r.reasons],
                  r.reasons) for r in found if r.item_id in solutions]


# --- for an exhibitor: the people and departments to meet -------------------------------------------

@dataclass
class PersonToMeet:
    attendee: Attendee
    score: float
    bookmarked: bool
    themes: list[str]


@dataclass
class DepartmentToMeet:
    name: str
    people: int
    score: float


def for_exhibitor(actor, forum, company, k: int = 15) -> tuple[list[PersonToMeet], list[DepartmentToMeet]]:
    """HA people whose themes, colleagues and notes point at the company's solutions; and their departments.

    Scores are recommend()'s, limited to the company's solutions (bookmarked ones included: a person who
    bookmarked them is the first to meet). No contact details here: the leads page decides those.
    """
    ensure(actor, "recommendation.exhibitor", company)
    fm = forum_model(forum)
    columns = np.array([n for n, item in enumerate(fm.model.items) if item.company_id == company.id])
    if not len(columns) or not fm.people:
        return [], []
    found = engine.recommend(fm.model, fm.people, 1, only_items=columns, include_bookmarked=True)
    ranked = sorted(((rows[0].score, n) for n, rows in enumerate(found) if rows and fm.attendees[n]), reverse=True)
    by_department: dict[str, list[float]] = defaultdict(list)
    for score, n in ranked:
        department = fm.people[n].department.strip()
        if department:
            by_department[department].append(score)
    departments = sorted((DepartmentToMeet(name, len(scores), round(sum(scores), 3))
                          for name, scores in by_department.items()), key=lambda d: -d.score)[:8]
    top = ranked[:k]
    attendees = {a.id: a for a in db.session.scalars(sa.select(Attendee).options(
        joinedload(Attendee.site)).where(Attendee.id.in_([fm.attendees[n] for _s, n in top])))}
    company_themes = {t for n in columns for t in fm.model.items[n].theme_ids}
    theme_names = {t.id: name_of(t) for t in db.session.scalars(sa.select(Theme).where(Theme.id.in_(company_themes)))}
    people = [PersonToMeet(attendees[fm.attendees[n]], score,
                           any(fm.model.items[c].id in fm.people[n].bookmarks for c in columns),
                           [theme_names[t] for t in fm.people[n].theme_ids if t in theme_names])
              for score, n in top if fm.attendees[n] in attendees]
    return people, departments


# --- for the partnership team: startup-to-site pairs --------------------------------------------------

@dataclass
class Pair:
    company: Company
    site: Site
    score: float
    pilot: int  # bookmarks naming the site as the candidate, at "want to pilot"
    candidate: int  # bookmarks naming the site as the candidate, any interest
    colleagues: int  # people working at the site who bookmarked the company
    matched: int  # people at the site whose recommendations put the company in their top 10


def site_pairs(actor, forum, k: int = 20) -> list[Pair]:
    """The strongest startup-to-site pairs: named candidate sites first, then interest from the site's people."""
    ensure(actor, "recommendation.pairs")
    fm = forum_model(forum)
    score: dict[tuple[int, int], float] = defaultdict(float)
    counts: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for company_id, site_id, interest in db.session.execute(
            sa.select(Bookmark.company_id, Bookmark.site_id, Bookmark.interest).where(
                Bookmark.forum_id == forum.id, Bookmark.site_id.is_not(None))):
        score[(company_id, site_id)] += 2 * INTEREST_WEIGHT[interest]
        counts[(company_id, site_id)][1] += 1
        counts[(company_id, site_id)][0] += interest == Interest.pilot
    found = engine.recommend(fm.model, fm.people, 10) if fm.people else []
    for person, rows in zip(fm.people, found):
        if person.site_id is None:
            continue
        for company_id in {fm.model.items[fm.model.index[i]].company_id for i in person.bookmarks
                           if i in fm.model.index}:
            score[(company_id, person.site_id)] += 1
            counts[(company_id, person.site_id)][2] += 1
        for company_id in {r.company_id for r in rows}:
            score[(company_id, person.site_id)] += 0.2
            counts[(company_id, person.site_id)][3] += 1
    best = sorted(score.items(), key=lambda kv: -kv[1])[:k]
    companies = {c.id: c for c in db.session.scalars(sa.select(Company).where(Company.id.in_({c for (c, _s), _v in best})))}
    sites = {s.id: s for s in db.session.scalars(sa.select(Site).where(Site.id.in_({s for (_c, s), _v in best})))}
    return [Pair(companies[c], sites[s], round(v, 2), *counts[(c, s)]) for (c, s), v in best
            if c in companies and s in sites]

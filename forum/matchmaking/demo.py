"""Demo bookmarks and leads that follow the people's departments and themes.

About a third of the registered HA executives get an account (no password: they cannot sign in;
it only holds their bookmarks) and bookmark solutions that share their themes or suit their
department, some with a note about their need and a candidate site. The demo exhibitor's booth
has scanned a few of them. Idempotent: bookmarks and leads are inserted with ON CONFLICT DO NOTHING.
"""
from __future__ import annotations

import random

import sqlalchemy as sa

from ..accounts.models import User
from ..attendees.lead_codes import ensure_lead_keys
from ..attendees.models import Attendee, AttendeeKind, AttendeeStatus, AttendeeTheme
from ..db import utcnow
from ..demo_data import DEMO_COMPANY
from ..exhibitors.models import (Application, ApplicationStatus, Company, Theme, application_solution,
                                 solution_theme)
from ..extensions import db
from ..sites.models import Site
from ..text import normalise
from .bookmarks import CANDIDATE_SITE_KINDS, _insert
from .models import Bookmark, Interest, Lead

# Which themes each department leans to, and the needs its people write down.
DEPARTMENT_THEMES = {
    "Medicine": (["clinical_workflow", "patient_experience"], ["ward bed turnover", "病床周轉", "discharge planning"]),
    "Surgery": (["clinical_workflow", "logistics_supply"], ["theatre utilisation", "手術室使用率"]),
    "Orthopaedics and Traumatology": (["patient_experience", "clinical_workflow"], ["fall prevention", "防跌"]),
    "Radiology": (["data_ai", "clinical_workflow"], ["image triage backlog", "影像分流"]),
    "Pathology": (["data_ai", "logistics_supply"], ["specimen transport", "樣本運送"]),
    "Nursing Services": (["patient_experience", "infection_control"], ["nurse rostering", "護士編更", "fall prevention"]),
    "Pharmacy": (["logistics_supply", "data_ai"], ["drug dispensing errors", "配藥錯誤"]),
    "Information Technology and Health Informatics": (["data_ai", "resilience"], ["legacy system integration"]),
    "Quality and Safety": (["infection_control", "patient_experience"], ["hand hygiene compliance", "手部衞生"]),
    "Facility Management": (["facility_asset", "resilience"], ["chiller energy use", "冷水機能耗"]),
    "Supply Chain Management": (["logistics_supply", "facility_asset"], ["warehouse picking", "倉庫揀貨"]),
    "Emergency Medicine": (["clinical_workflow", "patient_experience"], ["waiting time", "輪候時間"]),
    "Anaesthesia and Intensive Care": (["clinical_workflow", "infection_control"], ["ICU bed management"]),
}
SHARE = 0.35  # of the registered HA executives who bookmark


def _solutions(forum) -> list[tuple[int, int, set[str]]]:
    rows = db.session.execute(
        sa.select(application_solution.c.solution_id, Application.company_id, Theme.key)
        .join(Application, Application.id == application_solution.c.application_id)
        .outerjoin(solution_theme, solution_theme.c.solution_id == application_solution.c.solution_id)
        .outerjoin(Theme, Theme.id == solution_theme.c.theme_id)
        .where(Application.forum_id == forum.id, Application.status == ApplicationStatus.approved)).all()
    out: dict[int, tuple[int, set[str]]] = {}
    for solution_id, company_id, key in rows:
        out.setdefault(solution_id, (company_id, set()))[1].update({key} if key else set())
    return [(s, c, keys) for s, (c, keys) in sorted(out.items())]


def _accounts(people: list[Attendee]) -> None:
    """An account (without a password) for each person, to hold their bookmarks."""
    existing = {u.email: u for u in db.session.scalars(sa.select(User).where(User.email.in_([a.email for a in people])))}
    for a in people:
        user = existing.get(a.email)
        if user is None:
            user = User(email=a.email, role="ha_staff", name_en=a.name_en, name_zh=a.name_zh, session_version=0)
            db.session.add(user)
            db.session.flush()
        a.user_id = user.id
    db.session.flush()


def demo_matchmaking(forum, summary, *, echo=print, **_):
    solutions = _solutions(forum)
    if not solutions:
        return
    people = db.session.scalars(sa.select(Attendee).where(
        Attendee.forum_id == forum.id, Attendee.kind == AttendeeKind.ha, Attendee.status == AttendeeStatus.registered)
        .order_by(Attendee.id)).all()
    # Chosen and picked by each person's own seed, so a second run picks the same and adds nothing.
    chosen = [a for a in people if a.user_id is not None or random.Random(a.email).random() < SHARE]
    _accounts([a for a in chosen if a.user_id is None])
    themes: dict[int, set[str]] = {}
    for attendee_id, key in db.session.execute(sa.select(AttendeeTheme.attendee_id, Theme.key).join(
            Theme, Theme.id == AttendeeTheme.theme_id).where(AttendeeTheme.attendee_id.in_([a.id for a in chosen]))):
        themes.setdefault(attendee_id, set()).add(key)
    candidate_sites = set(db.session.scalars(sa.select(Site.id).where(Site.kind.in_(CANDIDATE_SITE_KINDS))))
    now = utcnow()
    rows = []
    for a in chosen:
        rng = random.Random(f"bookmarks:{a.email}")
        leaning, needs = DEPARTMENT_THEMES.get(a.department, ([], []))
        mine = themes.get(a.id, set())
        weights = [0.2 + 3 * len(keys & mine) + 2 * len(keys & set(leaning)) for _s, _c, keys in solutions]
        picks = {solutions[i][0]: solutions[i][1]
                 for i in rng.choices(range(len(solutions)), weights=weights, k=rng.randint(2, 6))}
        for solution_id, company_id in picks.items():
            interest = rng.choices(list(Interest), weights=[5, 3, 2])[0]
            rows.append({"forum_id": forum.id, "user_id": a.user_id, "company_id": company_id,
                         "solution_id": solution_id, "interest": interest.value,
                         "note": rng.choice(needs) if needs and rng.random() < 0.35 else "",
                         "site_id": a.site_id if a.site_id in candidate_sites and rng.random() < 0.4 else None,
                         "created_at": now, "updated_at": now})
    added = 0
    for row in rows:
        added += db.session.execute(_insert(Bookmark.__table__).values(**row).on_conflict_do_nothing()
                                    .returning(Bookmark.__table__.c.id)).scalar() is not None
    summary.counts["bookmarks"] = added
    summary.counts["leads"] = _leads(forum, random.Random(1128), chosen, themes, solutions, now)


def _leads(forum, rng, people, themes, solutions, now) -> int:
    """The demo company's booth scanned people whose themes meet its solutions'."""
    company = db.session.scalar(sa.select(Company).where(Company.name_key == normalise(DEMO_COMPANY[0])))
    if company is None:
        return 0
    ensure_lead_keys(forum)
    scanner = db.session.scalar(sa.select(User.id).where(User.company_id == company.id).order_by(User.id))
    keys = {k for _s, c, ks in solutions if c == company.id for k in ks}
    fits = [a for a in people if themes.get(a.id, set()) & keys]
    added = 0
    for a in rng.sample(fits, min(8, len(fits))):
        added += db.session.execute(_insert(Lead.__table__).values(
            forum_id=forum.id, company_id=company.id, attendee_id=a.id, scanned_by_id=scanner, scanned_at=now,
            note=rng.choice(["", "Wants a demo on the ward", "Asked about PDPO and data residency"]),
            rating=rng.choice([None, 3, 4, 5]), tags=rng.choice(["", "pilot", "follow-up"]), created_at=now,
            updated_at=now).on_conflict_do_nothing().returning(Lead.__table__.c.id)).scalar() is not None
    return added

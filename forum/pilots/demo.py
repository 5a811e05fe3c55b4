"""Demo pilots: the 2023 forum's use cases tried in HA hospitals, clinics and the I&T Lab.

About twenty pilots at every stage, with histories (who moved them, when) that make the
outcome dashboard meaningful on first run. Company and solution names are the demo's.
Idempotent: a pilot is found by its title; nothing is added twice.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from ..accounts.models import User
from ..audit.models import AuditEvent
from ..db import HK

from ..exhibitors.models import Application, ApplicationStatus, Company, Solution
from ..extensions import db
from ..forums.models import Forum
from ..sites.models import Cluster, Site
from ..sites.services import site_key
from .models import Pilot, Transition
from .services import add_champion, create_pilot
from .stages import move

FORUM_2023 = "innovation-forum-2023-11"
CLINICS = [  # HA general out-patient clinics, for pilots outside hospitals
    ("HKE", "Violet Peel General Out-patient Clinic", "貝夫人普通科門診診所"),
    ("NTE", "Lek Yuen General Out-patient Clinic", "瀝源普通科門診診所"),
    ("KC", "Yau Ma Tei Jockey Club General Out-patient Clinic", "油麻地賽馬會普通科門診診所"),
]
P, A, AP, R, E = "under_assessment", "approved", "running", "evaluated", "adopted"
OPEN_PATH = ["under_assessment", "approved", "running", "evaluated"]
# (sites by name, how far the whole pilot goes, per-site endings, sponsor, department)
SCENARIOS = [
    (["Queen Mary Hospital", "Prince of Wales Hospital", "Tuen Mun Hospital"], 4,
     ["adopted", "extended", ("discontinued", "workflow_fit")], "Dr Mandy Lo", "Nursing Services"),
    (["Queen Elizabeth Hospital", "HA Innovation and Technology Lab"], 4, ["adopted", "adopted"],
     "Dr Kenneth Ip", "Medicine"),
    (["United Christian Hospital"], 4, [("discontinued", "no_budget")], "Ms Carol Tse", "Pharmacy"),
    (["Pamela Youde Nethersole Eastern Hospital", "Violet Peel General Out-patient Clinic"], 4,
     ["adopted", ("discontinued", "evidence_gap")], "Dr Eric Fung", "Family Medicine"),
    (["Princess Margaret Hospital"], 4, ["extended"], "Mr Tony Wu", "Facilities"),
    (["Kwong Wah Hospital", "Caritas Medical Centre"], 4, [("discontinued", "champion_left"), "adopted"],
     "Dr Alice Ho", "Surgery"),
    (["Lek Yuen General Out-patient Clinic"], 4, [("discontinued", "not_priority")], "Dr Ben Lau", "Family Medicine"),
    (["HKSTP HA Data Collaboration Lab"], 4, ["adopted"], "Ms Iris Chow", "Health Informatics"),
    (["Tseung Kwan O Hospital"], 3, [("discontinued", "vendor_issue")], "Mr Sam Ng", "Logistics"),
    (["North District Hospital", "Alice Ho Miu Ling Nethersole Hospital"], 4, [None, None], "Dr Joyce Lam",
     "Medicine"),
    (["Queen Mary Hospital"], 4, [None], "Dr Mandy Lo", "Nursing Services"),
    (["HA Innovation and Technology Lab", "Yau Ma Tei Jockey Club General Out-patient Clinic"], 3, [None, None],
     "Dr Kenneth Ip", "Family Medicine"),
    (["Prince of Wales Hospital"], 3, [None], "Dr Helen Kwok", "Intensive Care"),
    (["Hong Kong Children's Hospital"], 3, [None], "Dr Paul Yip", "Paediatrics"),
    (["Tuen Mun Hospital"], 3, [None], "Mr Tony Wu", "Facilities"),
    (["Yan Chai Hospital"], 2, [None], "Ms Carol Tse", "Pharmacy"),
    (["Queen Elizabeth Hospital"], 2, [None], "Dr Alice Ho", "Surgery"),
    (["Kowloon Hospital"], 1, [None], "Dr Ben Lau", "Rehabilitation"),
    (["Haven of Hope Hospital"], 0, [None], "Dr Joyce Lam", "Medicine"),
    (["Ruttonjee Hospital"], 0, ["withdrawn"], "Ms Iris Chow", "Infection Control"),
]
CHAMPIONS = [("Nurse Consultant Wong", "NC"), ("Dr Cheung", "Associate Consultant"), ("Mr Lee", "Ward Manager")]


def _clinics() -> None:
    clusters = {c.code: c for c in db.session.scalars(sa.select(Cluster))}
    have = set(db.session.scalars(sa.select(Site.name_key)))
    for code, en, zh in CLINICS:
        if site_key(en) not in have:
            db.session.add(Site(cluster_id=clusters[code].id if code in clusters else None, name_en=en, name_zh=zh,
                                name_key=site_key(en), kind="clinic", source="demo: HA general out-patient clinic"))
    db.session.flush()


def _exhibitors_2023(forum: Forum, companies: list[Company]) -> None:
    """The 2023 forum's exhibitors, so its funnel starts from the companies that showed there."""
    have = set(db.session.scalars(sa.select(Application.company_id).where(Application.forum_id == forum.id)))
    for company in companies:
        if company.id not in have:
            db.session.add(Application(forum_id=forum.id, company_id=company.id, status=ApplicationStatus.approved,
                                       submitted_at=forum.starts_at - timedelta(days=40),
                                       decided_at=forum.starts_at - timedelta(days=20),
                                       solutions=list(company.solutions[:1])))
    db.session.flush()


def _backdate(pilot: Pilot, since_event: int, since_transition: int, when: datetime) -> None:
    """Give the moves just made the day they happened in the story, not the day the demo ran."""
    db.session.execute(sa.update(Transition).where(Transition.pilot_id == pilot.id, Transition.id > since_transition)
                       .values(at=when))
    db.session.execute(sa.update(AuditEvent).where(AuditEvent.object_type == "Pilot",
                                                   AuditEvent.object_id == pilot.id, AuditEvent.id > since_event)
                       .values(at=when))
    db.session.execute(sa.update(Pilot).where(Pilot.id == pilot.id).values(updated_at=when))


def _marks() -> tuple[int, int]:
    return (db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(AuditEvent.id), 0))),
            db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(Transition.id), 0))))


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=HK)


def load_pilots(forum, summary, **_scale):
    old = db.session.scalar(sa.select(Forum).where(Forum.slug == FORUM_2023))
    team = db.session.scalar(sa.select(User).where(User.email == "partnership@forum.example"))
    organiser = db.session.scalar(sa.select(User).where(User.email == "organiser@forum.example"))
    if old is None or team is None:
        return
    _clinics()
    solutions = db.session.scalars(sa.select(Solution).order_by(Solution.company_id, Solution.id)).all()
    firsts = list({s.company_id: s for s in reversed(solutions)}.values())[::-1][:len(SCENARIOS)]
    if len(firsts) < len(SCENARIOS):
        return  # the exhibitors' demo part has not run
    _exhibitors_2023(old, [db.session.get(Company, s.company_id) for s in firsts] +
                     list(db.session.scalars(sa.select(Company).where(
                         Company.id.not_in([s.company_id for s in firsts])).order_by(Company.id).limit(4))))
    sites = {s.name_en: s for s in db.session.scalars(sa.select(Site))}
    existing = set(db.session.scalars(sa.select(Pilot.title)))
    rng = random.Random(2023)
    today = datetime.now(HK).date()
    made = 0
    for index, (names, depth, endings, sponsor, department) in enumerate(SCENARIOS):
        solution = firsts[index]
        company = db.session.get(Company, solution.company_id)
        title = f"{solution.title_en} ({company.name_en.split()[0]})"  # two companies may offer alike solutions
        if title in existing or any(n not in sites for n in names):
            continue
        decided = any(e not in (None, "withdrawn") for e in endings)
        # Decided pilots started soon after the forum; open ones more recently.
        day = old.starts_at.date() + timedelta(days=10 + index * 6) if decided or depth == 4 else \
            today - timedelta(days=40 + depth * 45 + rng.randint(0, 30))
        mark = _marks()
        pilot = create_pilot(team, {"company_id": solution.company_id, "solution_id": solution.id,
                                    "title": title, "sites": [sites[n].id for n in names], "forums": [old.id],
                                    "sponsor_name": sponsor, "department": department,
                                    "objectives": f"Show that {solution.title_en} saves staff time in {department}.",
                                    "success_measures": "Staff time saved per shift; user satisfaction; incidents.",
                                    "funding_scheme": "HA Innovation Fund" if index % 2 else "HKSTP pilot subsidy",
                                    "budget": f"HK${(index % 5 + 1) * 150}k",
                                    "planned_start": day + timedelta(days=60)})
        pilot.created_at = _at(day)
        _backdate(pilot, *mark, _at(day))
        for step_no, stage in enumerate(OPEN_PATH[:depth]):
            day += timedelta(days={0: 21, 1: 30, 2: 45, 3: 120}[step_no] + rng.randint(0, 25))
            day = min(day, today)
            actor = organiser if step_no == 1 and organiser else team
            mark = _marks()
            move(actor, pilot, stage, read_version=pilot.version, on=day,
                 comment="Assessment panel met." if stage == "approved" else "")
            if stage == "running":
                for ps_index, ps in enumerate(pilot.sites):
                    for name, role in CHAMPIONS[:1 + (index + ps_index) % 3]:
                        add_champion(team, pilot, ps.id, name, role, read_version=pilot.version)
            _backdate(pilot, *mark, _at(day))
        for ps, ending in zip(list(pilot.sites), endings):
            if ending is None:
                continue
            stage, reason = (ending, None) if isinstance(ending, str) else ending
            day = min(day + timedelta(days=rng.randint(10, 40)), today)
            mark = _marks()
            move(team, pilot, stage, read_version=pilot.version, site_id=ps.site_id, on=day, reason=reason,
                 comment="Decided at the site's management meeting." if stage != "withdrawn" else "")
            _backdate(pilot, *mark, _at(day))
        made += 1
    db.session.flush()
    summary.counts["pilots (2023 forum)"] = db.session.scalar(
        sa.select(sa.func.count()).select_from(Pilot).where(Pilot.forums.any(Forum.id == old.id)))

"""Demo attendees: HA executives from every cluster, most registered with themes and tickets.

Deterministic (a seeded generator) and idempotent (people are keyed by email; tickets are issued only
to registered people without one). Rows go in with bulk inserts so `--attendees 10000` loads in seconds.
"""
from __future__ import annotations

import random
import secrets

import sqlalchemy as sa

from ..db import utcnow
from ..demo_data import DEMO_COMPANY
from ..exhibitors.models import Company, Theme
from ..extensions import db
from ..sites.models import Site
from ..text import normalise
from .models import Attendee, AttendeeKind, AttendeeStatus, AttendeeTheme, Ticket
from .tickets import KEY_BYTES

DEFAULT_COUNT = 230
DEMO_HA_EMAIL = "ha.staff@forum.example"

SURNAMES = [("Chan", "陳"), ("Wong", "黃"), ("Lee", "李"), ("Cheung", "張"), ("Lau", "劉"), ("Ho", "何"),
            ("Leung", "梁"), ("Yeung", "楊"), ("Ng", "吳"), ("Tsang", "曾"), ("Lam", "林"), ("Chow", "周"),
            ("Tang", "鄧"), ("Yip", "葉"), ("Fung", "馮"), ("Kwok", "郭"), ("Mak", "麥"), ("Law", "羅"),
            ("Choi", "蔡"), ("Tse", "謝"), ("Siu", "蕭"), ("Poon", "潘"), ("Kwan", "關"), ("Lo", "盧"),
            ("Hui", "許"), ("Yuen", "袁"), ("Tam", "譚"), ("Chu", "朱"), ("Man", "文"), ("Wu", "胡")]
GIVEN = [("Ka Yan", "嘉欣"), ("Wai Man", "偉文"), ("Chi Keung", "志強"), ("Siu Ming", "小明"), ("Mei Ling", "美玲"),
         ("Kwok Wai", "國偉"), ("Hoi Yan", "凱欣"), ("Tsz Kin", "子健"), ("Wing Yee", "詠儀"), ("Man Kit", "文傑"),
         ("Yuk Lan", "玉蘭"), ("Chun Hung", "振雄"), ("Pui Shan", "佩珊"), ("Ka Ho", "家豪"), ("Sze Wing", "思穎"),
         ("Kin Wah", "建華"), ("Lai Ping", "麗萍"), ("Wai Kei", "慧琪"), ("Tak Ming", "德明"), ("Suk Fan", "淑芬"),
         ("Ho Yin", "浩然"), ("Hiu Tung", "曉彤"), ("King Fai", "景輝"), ("Yee Man", "綺雯"), ("Chi Wai", "志偉")]
ENGLISH = ["Raymond", "Winnie", "Kelvin", "Joyce", "Eric", "Grace", "Michael", "Priscilla", "Stanley", "Vivian",
           "Anthony", "Cecilia", "Patrick", "Irene", "Vincent", "Agnes", "Dominic", "Queenie", "Samuel", "Fiona"]
# (rank, is a doctor) - the ranks HA executives hold
RANKS = [("Cluster Chief Executive", True), ("Hospital Chief Executive", True), ("Chief Manager", False),
         ("Senior Manager", False), ("Manager", False), ("Consultant", True), ("Associate Consultant", True),
         ("Nurse Consultant", False), ("Department Operations Manager", False), ("General Manager (Nursing)", False),
         ("Senior Nursing Officer", False), ("Chief Pharmacist", False), ("Senior Health Informatician", False),
         ("Senior Engineer", False), ("Chief of Service", True)]
DEPARTMENTS = ["Medicine", "Surgery", "Orthopaedics and Traumatology", "Radiology", "Pathology", "Nursing Services",
               "Pharmacy", "Information Technology and Health Informatics", "Quality and Safety",
               "Facility Management", "Supply Chain Management", "Administrative Services", "Emergency Medicine",
               "Paediatrics", "Anaesthesia and Intensive Care", "Allied Health", "Strategy and Planning"]
EXHIBITOR_STAFF = [("Joyce Wong", "黃卓儀", "exhibitor@forum.example", "Product Manager"),
                   ("Henry Lai", "賴浩賢", "henry.lai@careflow.example", "Chief Technology Officer"),
                   ("Mandy Chu", "朱敏儀", "mandy.chu@careflow.example", "Clinical Solutions Lead")]


def _person(rng: random.Random, index: int, sites: list[Site]) -> dict:
    surname_en, surname_zh = SURNAMES[index % len(SURNAMES)]
    given_en, given_zh = GIVEN[(index // len(SURNAMES) + index * 7) % len(GIVEN)]
    rank, doctor = RANKS[rng.randrange(len(RANKS))]
    if rng.random() < 0.35:
        english = ENGLISH[rng.randrange(len(ENGLISH))]
        name_en = f"{'Dr ' if doctor else ''}{english} {surname_en.upper()} {given_en}"
    else:
        name_en = f"{'Dr ' if doctor else ''}{surname_en.upper()} {given_en}"
    site = sites[index % len(sites)]
    initials = "".join(part[0] for part in given_en.split()).lower()
    return {"name_en": name_en, "name_zh": f"{surname_zh}{given_zh}{'醫生' if doctor else ''}",
            "email": f"{surname_en.lower()}{initials}{index:05d}@ha.example.org.hk", "title": rank,
            "department": DEPARTMENTS[rng.randrange(len(DEPARTMENTS))], "site_id": site.id,
            "organisation": site.name_en}


def _status(rng: random.Random) -> AttendeeStatus:
    roll = rng.random()
    if roll < 0.74:
        return AttendeeStatus.registered
    if roll < 0.84:
        return AttendeeStatus.declined
    if roll < 0.87:
        return AttendeeStatus.cancelled
    return AttendeeStatus.invited


def demo_attendees(forum, summary, *, attendees=None, echo=print, **_):
    count = DEFAULT_COUNT if attendees is None else attendees
    rng = random.Random(2026)
    sites = db.session.scalars(sa.select(Site).where(Site.kind.in_(("hospital", "office", "lab")),
                                                     Site.active.is_(True)).order_by(Site.id)).all()
    known = set(db.session.scalars(sa.select(Attendee.email_key).where(Attendee.forum_id == forum.id)))
    now = utcnow()
    theme_ids = dict(db.session.execute(sa.select(Theme.key, Theme.id).where(Theme.active.is_(True))).all())
    theme_keys = list(theme_ids)
    picked: dict[str, list[str]] = {}
    rows = []
    for index in range(count):
        person = _person(rng, index, sites)
        status = _status(rng)
        themes = rng.sample(theme_keys, rng.randint(1, 4)) if status == AttendeeStatus.registered else []
        if person["email"] in known:
            continue
        picked[person["email"]] = themes
        rows.append({**person, "email_key": person["email"], "forum_id": forum.id, "kind": AttendeeKind.ha,
                     "status": status, "access_needs": "", "dietary_needs":
                     rng.choice(["", "", "", "Vegetarian", "No beef", "Nut allergy"]) if themes else "",
                     "share_contact": status == AttendeeStatus.registered and rng.random() < 0.6,
                     "invited_at": now, "responded_at": now if status != AttendeeStatus.invited else None,
                     "created_at": now, "updated_at": now})
    for start in range(0, len(rows), 2000):
        db.session.execute(sa.insert(Attendee), rows[start:start + 2000])
    if picked:
        ids = dict(db.session.execute(sa.select(Attendee.email_key, Attendee.id).where(
            Attendee.forum_id == forum.id, Attendee.email_key.in_(list(picked)))).all())
        links = [{"attendee_id": ids[email], "theme_id": theme_ids[key], "position": i}
                 for email, keys in picked.items() for i, key in enumerate(keys)]
        for start in range(0, len(links), 5000):
            db.session.execute(sa.insert(AttendeeTheme), links[start:start + 5000])

    # The demo HA sign-in is one of the registered executives, so "My ticket" works for them.
    me = db.session.scalar(sa.select(Attendee).where(Attendee.forum_id == forum.id,
                                                     Attendee.email_key == DEMO_HA_EMAIL))
    if me is None:
        from ..accounts.models import User

        user = db.session.scalar(sa.select(User).where(User.email == DEMO_HA_EMAIL))
        qmh = next((s for s in sites if s.name_en == "Queen Mary Hospital"), sites[0])
        db.session.add(Attendee(
            forum_id=forum.id, user_id=user.id if user else None, kind=AttendeeKind.ha,
            status=AttendeeStatus.registered, name_en=user.name_en if user else "Dr Raymond Chan",
            name_zh=user.name_zh if user else "陳國強醫生", email=DEMO_HA_EMAIL, email_key=DEMO_HA_EMAIL,
            title="Chief Manager (Clinical Informatics)", department="Information Technology and Health Informatics",
            organisation=qmh.name_en, site_id=qmh.id, themes=["clinical_workflow", "data_ai"], access_needs="",
            dietary_needs="", share_contact=True, invited_at=now, responded_at=now))

    # Exhibitor staff of the demo company get badges too.
    company = db.session.scalar(sa.select(Company).where(Company.name_key == normalise(DEMO_COMPANY[0])))
    if company is not None:
        for name_en, name_zh, email, title in EXHIBITOR_STAFF:
            if db.session.scalar(sa.select(Attendee.id).where(Attendee.forum_id == forum.id,
                                                              Attendee.email_key == email)) is None:
                db.session.add(Attendee(
                    forum_id=forum.id, kind=AttendeeKind.exhibitor, status=AttendeeStatus.registered,
                    name_en=name_en, name_zh=name_zh, email=email, email_key=email, title=title,
                    department="", organisation=company.name_en, company_id=company.id, themes=[],
                    access_needs="", dietary_needs="", share_contact=False, invited_at=now, responded_at=now))
    db.session.flush()

    # Staff named in the approved exhibitors' applications get tickets and badges, as approval gives them.
    from ..exhibitors.applications import staff_for_badges
    from ..permissions import SystemActor
    from .exhibitor_staff import sync_exhibitor_staff

    sync_exhibitor_staff(forum, SystemActor(), staff_for_badges(forum), notify=False)

    # Every registered person without a live ticket gets one.
    needing = db.session.scalars(sa.select(Attendee.id).where(
        Attendee.forum_id == forum.id, Attendee.status == AttendeeStatus.registered,
        ~sa.exists().where(Ticket.attendee_id == Attendee.id, Ticket.revoked_at.is_(None)))).all()
    tickets = [{"attendee_id": attendee_id, "forum_id": forum.id, "key": secrets.token_bytes(KEY_BYTES),
                "issued_at": now} for attendee_id in needing]
    for start in range(0, len(tickets), 2000):
        db.session.execute(sa.insert(Ticket), tickets[start:start + 2000])
    db.session.flush()
    summary.counts["attendees added"] = len(rows)
    summary.counts["tickets issued"] = len(tickets)

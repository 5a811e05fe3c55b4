"""The demo forum, modelled on the HKSTP x HA Innovation Forum of late November 2023 at HA Building.

Idempotent: every record is looked up by a natural key before it is created, so
running it twice changes nothing. Each feature's part is listed in PARTS, in the order they
build on each other; each part gets the forum and the requested scale.
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable

import sqlalchemy as sa

from .accounts.models import User
from .agenda import demo as agenda_demo
from .attendees import demo as attendees_demo
from .checkin import demo as checkin_demo
from .datalab import demo as datalab_demo
from .db import HK
from .demo_data import DEMO_COMPANY, DEMO_PASSWORD, DEMO_USERS, DemoSummary  # noqa: F401  (re-exported)
from .exhibitors import demo as exhibitors_demo
from .exhibitors.models import Company
from .extensions import db
from .forums.models import Forum, ForumStatus
from .matchmaking import demo as matchmaking_demo
from .matchmaking import meeting_demo
from .pilots import demo as pilots_demo
from .sites.services import load_reference_sites
from .text import normalise

# The parts, in order: attendees need the exhibitors' approved applications (their staff get tickets),
# matchmaking needs attendees, the agenda the selected demos, pilots the exhibitors and sites.
PARTS: list[Callable] = [
    exhibitors_demo.load_exhibitors,
    attendees_demo.demo_attendees,
    checkin_demo.checkin_points,
    matchmaking_demo.demo_matchmaking,
    agenda_demo.agenda_days,
    pilots_demo.load_pilots,
    meeting_demo.demo_meetings,  # after pilots: links meetings to them
    datalab_demo.data_lab,
]


def demo_logins() -> list[tuple[str, str]]:
    return [(role, email) for role, email, _en, _zh in DEMO_USERS]


def _forum(slug: str, **values) -> Forum:
    forum = db.session.scalar(sa.select(Forum).where(Forum.slug == slug))
    if forum is None:
        forum = Forum(slug=slug, **values)
        db.session.add(forum)
        db.session.flush()
    return forum


def _company(name_en: str, name_zh: str) -> Company:
    key = normalise(name_en)
    company = db.session.scalar(sa.select(Company).where(Company.name_key == key))
    if company is None:
        company = Company(name_en=name_en, name_zh=name_zh, name_key=key)
        db.session.add(company)
        db.session.flush()
    return company


def _user(role: str, email: str, name_en: str, name_zh: str, company: Company | None = None) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = User(email=email, role=role, name_en=name_en, name_zh=name_zh, session_version=0,
                    company_id=company.id if company else None)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        db.session.flush()
    return user


def load_demo(*, attendees: int | None = None, exhibitors: int | None = None, echo=print) -> DemoSummary:
    from flask import current_app

    if current_app.config.get("ENV_NAME") == "production":
        # Demo accounts share one known password: they must never exist next to real HA data.
        raise RuntimeError("The demo is not loaded with FORUM_ENV=production.")
    summary = DemoSummary()
    added_sites = load_reference_sites()
    if added_sites:
        summary.counts["reference sites added"] = added_sites

    _forum(
        "innovation-forum-2023-11",
        title_en="HKSTP x HA Innovation Forum: Smart Hospital",
        title_zh="香港科技園公司 x 醫院管理局 創新論壇：智慧醫院",
        description_en=("Park companies showed Smart Hospital solutions to HA executives, with live demos on "
                        "stage; about twenty use cases went on to trials in HA settings."),
        description_zh="園區公司向醫管局管理人員展示智慧醫院方案，並於台上作現場示範；約二十個應用個案其後在醫管局轄下試行。",
        venue_en="HA Building, 147B Argyle Street, Kowloon",
        venue_zh="九龍亞皆老街147B號 醫院管理局大樓",
        starts_at=datetime(2023, 11, 28, 9, 30, tzinfo=HK),
        ends_at=datetime(2023, 11, 28, 13, 0, tzinfo=HK),
        status=ForumStatus.closed, attendee_capacity=250, booth_capacity=27, staff_per_booth=3,
        demo_slot_count=6,
    )
    forum = _forum(
        "innovation-forum-2026-12",
        title_en="HKSTP x HA Innovation Forum 2026: Smart Hospital in Practice",
        title_zh="香港科技園公司 x 醫院管理局 創新論壇 2026：智慧醫院實踐",
        description_en=("Park companies exhibit Smart Hospital solutions to HA executives from every cluster. "
                        "Six are chosen for live demos on stage; the follow-up turns demos into pilots in "
                        "public hospitals, clinics and HA's Innovation & Technology Lab."),
        description_zh=("園區公司向來自各醫院聯網的醫管局管理人員展示智慧醫院方案，其中六間獲選於台上作現場示範；"
                        "會後跟進，把示範變成在公立醫院、診所及醫管局創新科技實驗室的試點項目。"),
        venue_en="HA Building, 147B Argyle Street, Kowloon",
        venue_zh="九龍亞皆老街147B號 醫院管理局大樓",
        starts_at=datetime(2026, 12, 8, 9, 0, tzinfo=HK),
        ends_at=datetime(2026, 12, 8, 13, 30, tzinfo=HK),
        status=ForumStatus.open_for_registration, attendee_capacity=260, booth_capacity=30,
        staff_per_booth=3, demo_slot_count=6,
        exhibitor_deadline=datetime(2026, 11, 30, 23, 59, tzinfo=HK),
        registration_deadline=datetime(2026, 12, 5, 23, 59, tzinfo=HK),
    )
    summary.forum = forum

    company = _company(*DEMO_COMPANY)
    for role, email, name_en, name_zh in DEMO_USERS:
        _user(role, email, name_en, name_zh, company if role == "exhibitor" else None)
    summary.counts["demo users"] = len(DEMO_USERS)

    for part in PARTS:
        part(forum, summary, attendees=attendees, exhibitors=exhibitors, echo=echo)
    db.session.flush()
    return summary

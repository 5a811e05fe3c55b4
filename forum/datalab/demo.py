"""The demo data lab: 8 workstations, both committees, applications in every state, and a month of
bookings and door scans (one no-show). Built through the services with past `now` values, so the
audit trail and the reports read as they would after a real month. Idempotent: it runs once.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa

from ..accounts.models import User
from ..db import HK
from ..demo_data import DEMO_COMPANY, DEMO_PASSWORD
from ..exhibitors.models import Company
from ..extensions import db
from ..text import normalise
from . import applications, bookings, door, lab, outputs, review
from .models import LabApplication, LabOrganisation, Researcher, Workstation

PEOPLE = [  # role, email, English name, Chinese name, what they do in the lab
    ("ha_staff", "lab.officer@forum.example", "Ivan Tse", "謝志恒", "staff"),
    ("ha_staff", "ethics.chair@forum.example", "Prof Agnes Lo", "盧慧敏教授", "ethics chair"),
    ("ha_staff", "ethics.member@forum.example", "Dr Samuel Yip", "葉德明醫生", "ethics"),
    ("ha_staff", "governance.chair@forum.example", "Vivian Kwok", "郭詠儀", "governance chair"),
    ("partnership", "governance.member@forum.example", "Patrick Mak", "麥振雄", "governance"),
    ("exhibitor", "henry.lai@careflow.example", "Henry Lai", "賴浩賢", "team"),
    ("exhibitor", "mandy.chu@careflow.example", "Mandy Chu", "朱敏儀", "team"),
]
PROJECTS = [  # title, lay summary, domains, what happens to it
    ("Falls after discharge", "Which older patients fall at home in the weeks after leaving hospital.",
     ["demographics", "attendances", "diagnoses"], "used"),
    ("Sepsis early warning on general wards", "Signs in routine laboratory results that come before sepsis.",
     ["laboratory", "diagnoses", "medication"], "no_show"),
    ("Readmission after heart failure", "Who comes back to hospital within 30 days of heart failure.",
     ["attendances", "diagnoses", "medication"], "booked"),
    ("Chest X-ray triage workload", "How many chest X-rays wait for a report, by hour and hospital.",
     ["radiology", "attendances"], "changes_requested"),
    ("Diabetes medication adherence", "Refill gaps of diabetes medicines and later admissions.",
     ["medication", "laboratory"], "under_review"),
    ("Paediatric asthma and air quality", "Asthma attendances of children on days of poor air.",
     ["attendances", "diagnoses"], "draft"),
    ("Length of stay forecasting", "Forecast bed days for each ward from admissions data.",
     ["attendances", "procedures"], "rejected"),
    ("Post-operative delirium", "Older patients who become confused after surgery.", ["procedures", "medication"],
     "withdrawn"),
    ("Hip fracture rehabilitation", "Which rehabilitation plans get older patients home sooner after a hip fracture.",
     ["procedures", "attendances"], "amending"),
]


def _person(role, email, name_en, name_zh, company=None) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = User(email=email, role=role, name_en=name_en, name_zh=name_zh, session_version=0,
                    company_id=company.id if company else None)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        db.session.flush()
    return user


def _at(day, hour, minute=0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=HK)


def _academic(staff, when) -> None:
    """A university researcher invited by lab staff (no company account), applying for the university."""
    organisation = LabOrganisation(name_en="Harbour University, School of Public Health", name_zh="海港大學公共衞生學院",
                                   name_key=normalise("Harbour University, School of Public Health"), kind="academic")
    db.session.add(organisation)
    db.session.flush()
    email = "joyce.ho@harbour-university.example"
    db.session.add(Researcher(email=email, organisation_id=organisation.id, invited_by_id=staff.id))
    researcher = _person("researcher", email, "Dr Joyce Ho", "何倩儀博士")
    values = {"title": "Antibiotic prescribing in winter surges", "lay_summary": "How antibiotic prescribing changes "
              "when emergency departments are crowded in winter.", "purpose": "A public health study.",
              "data_domains": ["attendances", "medication"], "ethics_status": "approved",
              "ethics_reference": "HU-IRB-2026-117", "preferred_dates": "January mornings"}
    application = applications.create_draft(researcher, values)
    applications.submit(researcher, application, now=when)


def data_lab(forum, summary, **_scale):
    if db.session.scalar(sa.select(sa.func.count()).select_from(LabApplication)):
        return
    queued = len(db.session.info.get("outbox", []))
    # The demo administrator sets the lab up, as a real one would (and is named so in the audit trail).
    system = db.session.scalar(sa.select(User).where(User.email == "admin@forum.example"))
    lab.get_lab()
    company = db.session.scalar(sa.select(Company).where(Company.name_key == normalise(DEMO_COMPANY[0])))
    people = {what: _person(role, email, en, zh, company if role == "exhibitor" else None)
              for role, email, en, zh, what in PEOPLE}
    applicant = db.session.scalar(sa.select(User).where(User.email == "exhibitor@forum.example"))
    staff = people["staff"]
    lab.add_staff(system, staff)
    point = door.open_door_point(staff)
    organiser = db.session.scalar(sa.select(User).where(User.email == "organiser@forum.example"))
    lab.add_staff(system, organiser)
    have = set(db.session.scalars(sa.select(Workstation.code)))
    for n in range(1, 9):
        if f"WS{n:02d}" not in have:
            lab.add_workstation(staff, f"WS{n:02d}")
    ethics, governance = lab.committees()
    lab.add_committee_member(staff, ethics, people["ethics chair"], chair=True)
    lab.add_committee_member(staff, ethics, people["ethics"])
    lab.add_committee_member(staff, governance, people["governance chair"], chair=True)
    lab.add_committee_member(staff, governance, people["governance"])
    team = [applicant, people["team"]]
    stations = lab.workstations()

    today = applications.today_hk()
    start = today - timedelta(days=40)
    days = lab.open_days(start + timedelta(days=12), today + timedelta(days=20))
    past = [d for d in days if d < today]
    future = [d for d in days if d > today]
    for n, (title, summary_text, domains, fate) in enumerate(PROJECTS):
        opened = _at(start + timedelta(days=n % 4), 10)
        values = {"title": title, "lay_summary": summary_text, "purpose": f"To study: {summary_text.lower()}",
                  "commercial_interest": "Evidence for a product in development.", "data_domains": domains,
                  "ethics_status": "approved", "ethics_reference": f"HKSTP-CREC-2026-{40 + n:03d}",
                  "preferred_dates": "Any weekday morning"}
        application = applications.create_draft(applicant, values)
        applications.add_team_member(applicant, application, team[1].email)
        if fate == "draft":
            continue
        applications.submit(applicant, application, now=opened)
        reviews = review.current_reviews(application)
        decided = opened + timedelta(days=9)
        if fate == "under_review":
            review.decide(people["ethics chair"], reviews[0], "approve", now=decided)
            continue
        if fate == "rejected":
            review.decide(people["governance chair"], reviews[1], "reject",
                          "Forecasting beds needs ward-level data the platform does not hold.", now=decided)
            continue
        if fate == "changes_requested":
            review.decide(people["ethics"], reviews[0], "request_changes",
                          "Say how images are kept out of the outputs.", section="purpose", now=decided)
            continue
        for r, who in zip(reviews, (people["ethics"], people["governance"])):
            review.decide(who, r, "approve", now=decided)
        if fate == "withdrawn":
            applications.withdraw(applicant, application, now=decided + timedelta(days=2))
            continue
        for person in team:
            applications.accept_undertaking(person, application, now=decided + timedelta(hours=2))
        if fate == "amending":  # the company adds a data domain to its approved project
            applications.start_amendment(applicant, application, now=decided + timedelta(days=3))
            applications.update(applicant, application, {"data_domains": domains + ["medication"]})
            continue
        booked_at = decided + timedelta(days=1)
        pool = (past[n::5][:4] + future[n:n + 1]) if fate != "booked" else future[2:5]  # spread over the month
        for k, day in enumerate(pool):
            for person, station in zip(team, stations[(2 * n) % 8:(2 * n) % 8 + 2]):
                booking = bookings.book(applicant, application, person.id, station.id, day, "am" if k % 2 else "pm",
                                        now=min(booked_at, _at(day, 8)))
                if day >= today:
                    continue
                if fate == "no_show" and k == 1 and person is team[1]:
                    continue  # nobody came: recorded below
                code = door.pass_code(next(m for m in application.team if m.user_id == person.id))
                begin = lab.session_start(day, booking.session)
                door.scan(staff, code, "in", now=begin + timedelta(minutes=5 + 3 * k), point=point)
                door.scan(staff, code, "out", now=begin + timedelta(hours=2, minutes=50), point=point)
        if fate == "used":
            request = outputs.create_request(applicant, application, "Falls per 1,000 discharges by age band",
                                             [(b"age band,falls\n65-74,212\n75-84,388\n85+,6\n", "falls.csv")],
                                             now=_at(past[-1], 16))
            outputs.review_output(staff, request, "return", "Merge 85+ into 75+: 6 is below 10.",
                                  now=_at(today, 9))
            outputs.review_output(organiser, request, "release", now=_at(today, 9, 30))
    _academic(staff, _at(start + timedelta(days=5), 11))
    bookings.mark_no_shows(system, now=_at(today, 8))
    first = db.session.scalar(sa.select(LabApplication).where(LabApplication.title == PROJECTS[0][0]))
    from .reports import set_published

    set_published(staff, first, True)
    # The demo's history is made up: it mails nobody.
    db.session.info["outbox"] = db.session.info.get("outbox", [])[:queued]
    db.session.flush()
    summary.counts["data lab applications"] = len(PROJECTS) + 1

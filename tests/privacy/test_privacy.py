"""PDPO: a person's data download, erasure by an administrator, the retention purge, consents, the PICS."""
from __future__ import annotations

import json
import re
from datetime import timedelta

import sqlalchemy as sa

from forum.attendees import services as attendee_services
from forum.attendees.forms import PDPO_PURPOSE
from forum.audit.models import AuditEvent
from forum.audit.sentences import describe
from forum.audit.services import record
from forum.datalab.models import LabApplication, MemberProfile, TeamMember
from forum.db import utcnow
from forum.extensions import db
from forum.matchmaking.models import Bookmark, Lead, Meeting, MeetingParticipant
from forum.permissions import SystemActor
from forum.privacy.erasure import erase_person, purge_expired
from forum.privacy.models import Consent
from tests.factories import AttendeeFactory, CompanyFactory, ForumFactory, UserFactory


def _person_with_data():
    """An HA person with something in every feature: attendee record, bookmark, a lead, a meeting, data lab."""
    person = UserFactory(role="ha_staff", email="wong.siu.ming@ha.example.org.hk", name_en="WONG Siu Ming",
                         name_zh="王小明")
    forum = ForumFactory()
    company = CompanyFactory()
    attendee = AttendeeFactory(forum=forum, user_id=person.id, email=person.email, email_key=person.email,
                               name_en=person.name_en, name_zh=person.name_zh, dietary_needs="No pork")
    db.session.add_all([
        Bookmark(forum_id=forum.id, user_id=person.id, company_id=company.id, note="Try on ward 7"),
        Lead(forum_id=forum.id, company_id=company.id, attendee_id=attendee.id, note="Keen on sepsis alerts",
             rating=5, tags="icu"),
        Consent(attendee_id=attendee.id, user_id=person.id, forum_id=forum.id, purpose="share_contact", given=True,
                wording=str(PDPO_PURPOSE), locale="en"),
        MemberProfile(user_id=person.id, training="HA data privacy course"),
    ])
    meeting = Meeting(forum_id=forum.id, company_id=company.id, subject="Sepsis alerts follow-up",
                      uid="m-privacy@forum.test", expires_at=utcnow() + timedelta(days=3))
    lab = LabApplication(company_id=company.id, title="Sepsis early warning study")
    db.session.add_all([meeting, lab])
    db.session.flush()
    db.session.add_all([MeetingParticipant(meeting_id=meeting.id, user_id=person.id, side="ha"),
                        TeamMember(application_id=lab.id, user_id=person.id)])
    record(UserFactory(role="organiser"), "attendee.update", attendee, forum_id=forum.id,
           changes={"dietary_needs": ["", "No pork"], "name_en": ["Wong S M", person.name_en]})
    db.session.flush()
    return person, forum, company, attendee


def test_a_person_downloads_everything_held_about_them(client):
    person, forum, company, attendee = _person_with_data()
    with client.session_transaction() as session:
        session["_user_id"] = person.get_id()
    page = client.get("/account").get_data(as_text=True)
    assert "/account/my-data.json" in page and "Personal Information Collection Statement" in page
    response = client.get("/account/my-data.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == person.email and data["account"]["name_zh"] == "王小明"
    [record_] = data["attendee_records"]
    assert record_["dietary_needs"] == "No pork" and record_["forum"] == forum.title_en
    assert data["bookmarks"][0]["note"] == "Try on ward 7"
    assert data["leads_about_me"][0]["note"] == "Keen on sepsis alerts"
    assert data["leads_about_me"][0]["company"] == company.name_en
    assert data["meetings"][0]["subject"] == "Sepsis alerts follow-up"
    assert data["data_lab"]["team_memberships"][0]["application"] == "Sepsis early warning study"
    assert data["data_lab"]["profile"]["training"] == "HA data privacy course"
    assert data["consents"][0]["wording"].startswith("Share my name")
    assert any(e["action"] == "attendee.update" for e in data["audit_entries"])
    text = response.get_data(as_text=True)
    assert "password" not in text and "token_hash" not in text  # no secrets
    # The download itself is in the audit trail.
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "person.export",
                                                         AuditEvent.object_id == person.id)) is not None


def test_nobody_downloads_someone_elses_data():
    from forum.errors import PermissionDenied
    from forum.privacy.export import export_person

    person, *_ = _person_with_data()
    other = UserFactory(role="ha_staff")
    try:
        export_person(other, person)
    except PermissionDenied:
        pass
    else:
        raise AssertionError("another person's data was exported")
    assert export_person(UserFactory(role="admin"), person)["account"]["id"] == person.id


def test_an_administrator_erases_a_person_and_counts_pilots_and_audit_stay(client, login_as):
    person, forum, company, attendee = _person_with_data()
    admin = login_as("admin")
    before = {model: db.session.scalar(sa.select(sa.func.count()).select_from(model))
              for model in (Lead, Bookmark, MeetingParticipant, TeamMember, AuditEvent)}
    assert client.get(f"/admin/users/{person.id}/erase").status_code == 200
    response = client.post(f"/admin/users/{person.id}/erase")
    assert response.status_code == 302
    db.session.expire_all()
    assert person.erased_at is not None and not person.active and person.password_hash is None
    assert person.name_en == person.name_zh == "" and "wong" not in person.email
    assert attendee.name_en == attendee.name_zh == attendee.dietary_needs == attendee.title == ""
    assert attendee.email.endswith("@erased.invalid") and attendee.lead_key is None
    lead = db.session.scalar(sa.select(Lead).where(Lead.attendee_id == attendee.id))
    assert lead.note == "" and lead.rating is None and lead.tags == ""
    assert db.session.scalar(sa.select(Bookmark.note).where(Bookmark.user_id == person.id)) == ""
    # Counts are kept: the rows are there, only nameless.
    for model, count in before.items():
        now = db.session.scalar(sa.select(sa.func.count()).select_from(model))
        assert now == count + (1 if model is AuditEvent else 0), model
    # The earlier audit event keeps its action but loses the personal values.
    update = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "attendee.update"))
    assert "No pork" not in json.dumps(update.changes) and "WONG" not in json.dumps(update.changes)
    # The erasure reads as a sentence.
    erasure = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "person.erase"))
    assert describe(erasure).text == f"{admin.name_en} {admin.name_zh} erased a person's personal data"
    audit_page = client.get("/audit/").get_data(as_text=True)
    assert "erased a person&#39;s personal data" in audit_page or "erased a person's personal data" in audit_page
    # The person can no longer sign in, and a second erasure is refused.
    assert client.post(f"/admin/users/{person.id}/erase").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "person.erase")) == 1


def test_an_erased_person_cannot_sign_in(client):
    person, *_ = _person_with_data()
    email = person.email
    erase_person(UserFactory(role="admin"), person)
    db.session.commit()
    response = client.post("/login", data={"email": email, "password": "correct horse battery"})
    assert response.status_code == 200 and "/account" not in response.headers.get("Location", "")


def test_retention_purge_anonymises_forums_past_their_period_only(runner):
    now = utcnow()
    old = ForumFactory(starts_at=now - timedelta(days=400), ends_at=now - timedelta(days=399), retention_months=12)
    recent = ForumFactory(starts_at=now - timedelta(days=200), ends_at=now - timedelta(days=199),
                          retention_months=12)
    gone = AttendeeFactory(forum=old, access_needs="Wheelchair")
    kept = AttendeeFactory(forum=recent)
    company = CompanyFactory()
    db.session.add(Lead(forum_id=old.id, company_id=company.id, attendee_id=gone.id, note="Call back"))
    record(SystemActor(), "attendee.update", gone, forum_id=old.id, changes={"email": ["a@x", gone.email]})
    db.session.commit()
    result = runner.invoke(args=["forum", "purge-expired", "--dry-run"])
    assert old.slug in result.output and recent.slug not in result.output
    result = runner.invoke(args=["forum", "purge-expired"])
    assert result.exit_code == 0, result.output
    assert f"{old.slug}: 1 attendee(s) anonymised" in result.output
    db.session.expire_all()
    assert gone.name_en == "" and gone.access_needs == "" and gone.anonymised_at is not None
    assert db.session.scalar(sa.select(Lead.note).where(Lead.attendee_id == gone.id)) == ""
    assert kept.name_en != "" and kept.anonymised_at is None
    assert old.purged_at is not None and recent.purged_at is None
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "forum.purge"))
    assert "retention period" in describe(event).text
    # A second run finds nothing left to do.
    assert purge_expired(SystemActor()) == []


def test_registration_records_the_consent_with_the_exact_words_shown(client, app, outbox):
    forum = ForumFactory()
    attendee = AttendeeFactory(forum=forum)
    attendee_services.send_invitation(UserFactory(role="organiser"), attendee)
    db.session.commit()
    body = outbox()[-1].get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"http://forum\.test(/rsvp/[\w-]+)", body).group(1)
    chinese = {"Accept-Language": "zh-HK"}
    page = client.get(link, headers=chinese).get_data(as_text=True)
    assert "個人資料收集聲明" in page  # the PICS where the data is collected
    client.post(link, data={"answer": "register", "share_contact": "y"}, headers=chinese)
    client.post(link, data={"answer": "register", "share_contact": "y"}, headers=chinese)  # same answer
    client.post(link, data={"answer": "register"})  # withdrawn, on an English page
    rows = db.session.scalars(sa.select(Consent).where(Consent.attendee_id == attendee.id)
                              .order_by(Consent.id)).all()
    assert [(r.given, r.locale) for r in rows] == [(True, "zh_Hant_HK"), (False, "en")]
    from flask_babel import force_locale

    with force_locale("zh_Hant_HK"):
        shown_in_chinese = str(PDPO_PURPOSE)
    assert rows[0].wording == shown_in_chinese and shown_in_chinese in page
    assert rows[1].wording == str(PDPO_PURPOSE) and rows[0].at <= rows[1].at


def test_the_collection_statement_is_shown_where_data_is_collected(client):
    assert "Personal Information Collection Statement" in client.get("/exhibitors/signup").get_data(as_text=True)


def test_the_worker_runs_the_retention_purge_as_a_daily_job():
    from forum.jobs.models import DONE, Job
    from forum.jobs.tasks import retention_purge

    now = utcnow()
    old = ForumFactory(starts_at=now - timedelta(days=400), ends_at=now - timedelta(days=399), retention_months=12)
    gone = AttendeeFactory(forum=old)
    db.session.commit()
    retention_purge()  # the periodic task: a retention_purge job, run (here at once) after its commit
    job = db.session.scalar(sa.select(Job).where(Job.kind == "retention_purge"))
    assert (job.status, job.done, job.started_by_id) == (DONE, 1, None), job.error
    db.session.expire_all()
    assert gone.name_en == "" and gone.anonymised_at is not None and old.purged_at is not None


def test_a_forums_retention_period_is_checked(login_as):
    from forum.errors import ValidationError
    from forum.forums.services import update_forum

    forum = ForumFactory()
    try:
        update_forum(login_as("organiser"), forum, {"retention_months": 0})
    except ValidationError as error:
        assert error.field == "retention_months"
    else:
        raise AssertionError("a retention of 0 months was accepted")

"""Data-lab applications: drafts, team, attachments, submission, withdrawal, copies, the status story.

The same functions serve the pages, the JSON API and the CLI; the acting user is a parameter.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from .. import mail
from ..accounts.models import User
from ..audit.models import AuditEvent
from ..audit.services import record
from ..db import HK, utcnow
from ..errors import NotFound, ValidationError
from ..exhibitors import uploads
from ..extensions import db
from ..permissions import ensure
from ..privacy.consents import record_consent
from ..text import clean, normalise_email
from .lab import committees
from .links import LINK_FIELDS, check_links
from .partners import may_join_team, owner_of_new_application
from .seats import release_future_bookings
from .models import (DATA_DOMAINS, EthicsStatus, LabApplication, LabApplicationStatus, LabAttachment,
                     MemberProfile, Review, Revision, TeamMember)

Status = LabApplicationStatus
TEXT_FIELDS = ("title", "lay_summary", "purpose", "commercial_interest", "ethics_reference", "preferred_dates")
# What a revision records, and the section names committees attach their notes to.
SECTIONS = {"title": _l("Project title"), "lay_summary": _l("Lay summary"), "purpose": _l("Purpose"),
            "commercial_interest": _l("Commercial interest"), "data_domains": _l("Data domains"),
            "ethics": _l("Ethics approval"), "preferred_dates": _l("Preferred dates"), "team": _l("Team")}
EDITABLE = (Status.draft, Status.changes_requested, Status.amending)
ATTACHMENT_KINDS = ("protocol", "ethics_approval")


def get_application(actor, application_id: int) -> LabApplication:
    application = db.session.get(LabApplication, application_id)
    if application is None:
        raise NotFound()
    ensure(actor, "datalab.view", application)
    return application


def _clean_values(values: dict) -> dict:
    out = {name: clean(values.get(name)) for name in TEXT_FIELDS if name in values}
    for name in ("lay_summary", "purpose", "commercial_interest"):  # keep paragraphs
        if name in values:
            out[name] = (values.get(name) or "").strip()
    if "data_domains" in values:
        domains = list(dict.fromkeys(values.get("data_domains") or []))
        unknown = [d for d in domains if d not in DATA_DOMAINS]
        if unknown:
            raise ValidationError(_l("Unknown data domain: %(name)s.", name=", ".join(unknown)), field="data_domains")
        out["data_domains"] = domains
    if "ethics_status" in values:
        try:
            out["ethics_status"] = EthicsStatus(values["ethics_status"])
        except ValueError:
            raise ValidationError(_l("Choose an ethics approval status."), field="ethics_status")
    for name in LINK_FIELDS:
        if name in values:
            out[name] = values.get(name) or None
    if len(out.get("title", "")) > 200:
        raise ValidationError(_l("At most %(n)d characters.", n=200), field="title")
    return out


def cited_by_pilot(pilot_id: int) -> list[LabApplication]:
    """Approved data-lab projects that name this pilot (title and organisation are public, like the register)."""
    return db.session.scalars(sa.select(LabApplication).where(
        LabApplication.pilot_id == pilot_id, LabApplication.status == Status.approved)
        .options(selectinload(LabApplication.company), selectinload(LabApplication.organisation))
        .order_by(LabApplication.decided_at)).all()


def create_draft(actor, values: dict) -> LabApplication:
    application = LabApplication(**owner_of_new_application(actor), created_by_id=actor.id, status=Status.draft)
    ensure(actor, "datalab.apply", application)
    db.session.add(application)
    _apply_values(application, _clean_values(values))
    db.session.flush()
    db.session.add(TeamMember(application_id=application.id, user_id=actor.id))
    db.session.flush()
    record(actor, "datalab.application_created", application, changes={"title": application.title})
    return application


def _apply_values(application: LabApplication, values: dict) -> None:
    check_links(application, values)
    for name, value in values.items():
        setattr(application, name, value)


def update(actor, application: LabApplication, values: dict) -> None:
    ensure(actor, "datalab.apply", application)
    if application.status not in EDITABLE:
        raise ValidationError(_l("This application can no longer be changed."))
    _apply_values(application, _clean_values(values))
    db.session.flush()


def copy_application(actor, source: LabApplication) -> LabApplication:
    """A new draft prefilled from an earlier application (a pass cannot be extended)."""
    ensure(actor, "datalab.apply", source)
    values = {name: getattr(source, name) for name in TEXT_FIELDS}
    values |= {"data_domains": list(source.data_domains or []), "ethics_status": source.ethics_status.value,
               "solution_id": source.solution_id, "pilot_id": source.pilot_id, "meeting_id": source.meeting_id}
    application = create_draft(actor, values)
    application.prefilled_from_id = source.id
    for member in source.team:
        if member.user_id != actor.id:
            db.session.add(TeamMember(application_id=application.id, user_id=member.user_id))
    db.session.flush()
    db.session.refresh(application)
    record(actor, "datalab.application_copied", application, changes={"from": source.id})
    return application


# --- team ----------------------------------------------------------------------------------------

def add_team_member(actor, application: LabApplication, email: str) -> TeamMember:
    ensure(actor, "datalab.apply", application)
    if application.status not in EDITABLE:
        raise ValidationError(_l("This application can no longer be changed."))
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == normalise_email(email)))
    if user is None or not may_join_team(user, application):
        raise ValidationError(_l("Name a colleague who has an account with your organisation (or a partner "
                                 "invited by the lab)."), field="email")
    if any(m.user_id == user.id for m in application.team):
        raise ValidationError(_l("This person is already on the team."), field="email")
    member = TeamMember(application_id=application.id, user_id=user.id)
    db.session.add(member)
    db.session.flush()
    db.session.refresh(application)
    record(actor, "datalab.team_member_added", application, changes={"member": user.display_name})
    return member


def remove_team_member(actor, application: LabApplication, member_id: int) -> None:
    ensure(actor, "datalab.apply", application)
    if application.status not in EDITABLE:
        raise ValidationError(_l("This application can no longer be changed."))
    member = next((m for m in application.team if m.id == member_id), None)
    if member is None:
        raise NotFound()
    record(actor, "datalab.team_member_removed", application, changes={"member": member.user.display_name})
    application.team.remove(member)
    db.session.flush()


def profile_of(user) -> MemberProfile:
    profile = db.session.scalar(sa.select(MemberProfile).where(MemberProfile.user_id == user.id))
    if profile is None:
        profile = MemberProfile(user_id=user.id)
        db.session.add(profile)
        db.session.flush()
    return profile


def update_profile(actor, values: dict) -> MemberProfile:
    """A person's own training record; kept and shown on every application they join."""
    profile = profile_of(actor)
    profile.training = clean(values.get("training"))[:300]
    profile.training_on = values.get("training_on")
    profile.prior_undertakings = (values.get("prior_undertakings") or "").strip()
    if profile.training_on and profile.training_on > datetime.now(HK).date():
        raise ValidationError(_l("The training date cannot be in the future."), field="training_on")
    db.session.flush()
    record(actor, "datalab.profile_updated", profile, changes={"training": profile.training})
    return profile


def profiles_for(application: LabApplication) -> dict[int, MemberProfile]:
    ids = [m.user_id for m in application.team]
    return {p.user_id: p for p in db.session.scalars(sa.select(MemberProfile).where(MemberProfile.user_id.in_(ids)))}


def add_attachment(actor, application: LabApplication, kind: str, data: bytes, filename: str) -> LabAttachment:
    """A protocol or ethics approval, as a PDF checked by the project's upload rules."""
    ensure(actor, "datalab.apply", application)
    if kind not in ATTACHMENT_KINDS:
        raise ValidationError(_l("Unknown kind of attachment."), field="kind")
    if application.status not in EDITABLE:
        raise ValidationError(_l("This application can no longer be changed."))
    stored = uploads.store(application.company_id, data, kind="pdf", original_name=filename, actor=actor,
                           field="file")
    row = LabAttachment(application_id=application.id, kind=kind, file_id=stored.id)
    db.session.add(row)
    db.session.flush()
    db.session.refresh(application)
    record(actor, "datalab.attachment_added", application, changes={"kind": kind, "file": stored.original_name})
    return row


def attachment(actor, application: LabApplication, attachment_id: int) -> tuple[LabAttachment, bytes]:
    """An attachment (protocol, ethics approval) for whoever sees the application: applicants, committees, staff."""
    ensure(actor, "datalab.view", application)
    row = next((a for a in application.attachments if a.id == attachment_id), None)
    if row is None:
        raise NotFound()
    return row, uploads.read(row.file)


# --- the steps -----------------------------------------------------------------------------------

def snapshot(application: LabApplication) -> dict:
    return {"title": application.title, "lay_summary": application.lay_summary, "purpose": application.purpose,
            "commercial_interest": application.commercial_interest,
            "data_domains": sorted(application.data_domains or []),
            "ethics": f"{application.ethics_status.value} {application.ethics_reference}".strip(),
            "preferred_dates": application.preferred_dates,
            "team": sorted(m.user.display_name for m in application.team)}


def _check_complete(application: LabApplication) -> None:
    fields = {}
    for name in ("title", "lay_summary", "purpose"):
        if not getattr(application, name):
            fields[name] = str(_l("This is needed before you submit."))
    if not application.data_domains:
        fields["data_domains"] = str(_l("Choose the data you need."))
    if application.ethics_status == EthicsStatus.approved and not application.ethics_reference:
        fields["ethics_reference"] = str(_l("Give the ethics approval reference."))
    if not application.team:
        fields["team"] = str(_l("Name at least one team member."))
    if fields:
        raise ValidationError(_l("Some parts are missing."), fields=fields)


def submit(actor, application: LabApplication, *, now: datetime | None = None) -> None:
    """Send a draft (or a revised application) to both committees at once."""
    ensure(actor, "datalab.apply", application)
    if application.status not in EDITABLE:
        raise ValidationError(_l("This application has already been submitted."))
    _check_complete(application)
    now = now or utcnow()
    first = application.status == Status.draft
    application.revision += 1
    application.status = Status.under_review
    application.submitted_at = now
    db.session.add(Revision(application_id=application.id, number=application.revision,
                            content=snapshot(application), submitted_at=now))
    for committee in committees():
        db.session.add(Review(application_id=application.id, committee_id=committee.id,
                              revision=application.revision, opened_at=now))
    db.session.flush()
    record(actor, "datalab.submitted" if first else "datalab.resubmitted", application,
           changes={"revision": application.revision})
    notify(application, "submitted")


def start_amendment(actor, application: LabApplication, *, now: datetime | None = None) -> None:
    """Change an approved application: it becomes editable, and once sent it is a new revision both
    committees review again. The pass waits meanwhile (the door refuses, no no-shows are counted); its
    window never moves, and at approval only the bookings still valid are kept (review._settle)."""
    ensure(actor, "datalab.apply", application)
    if application.status != Status.approved:
        raise ValidationError(_l("Only an approved application can be amended."))
    if application.pass_until and today_hk(now) > application.pass_until:
        raise ValidationError(_l("This pass expired on %(day)s: further access needs a new application.",
                                 day=application.pass_until.isoformat()))
    application.status = Status.amending
    db.session.flush()
    record(actor, "datalab.amendment_started", application, changes={"revision": application.revision})


def withdraw(actor, application: LabApplication, *, now: datetime | None = None) -> None:
    ensure(actor, "datalab.apply", application)
    if application.status in (Status.withdrawn, Status.rejected):
        raise ValidationError(_l("This application is already closed."))
    application.status = Status.withdrawn
    release_future_bookings(application, now or utcnow(), reason="cancelled")
    db.session.flush()
    record(actor, "datalab.withdrawn", application)
    notify(application, "withdrawn")


def differences(application: LabApplication) -> list[tuple[str, object, object]]:
    """(section label, before, after) between the last two revisions."""
    rows = db.session.scalars(sa.select(Revision).where(Revision.application_id == application.id)
                              .order_by(Revision.number.desc()).limit(2)).all()
    if len(rows) < 2:
        return []
    after, before = rows[0].content, rows[1].content
    return [(SECTIONS.get(key, key), before.get(key), after.get(key))
            for key in SECTIONS if before.get(key) != after.get(key)]


def history(application: LabApplication) -> list[AuditEvent]:
    """Every recorded step on this application, oldest first (the applicant's status page)."""
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.object_type == "LabApplication",
                                                          AuditEvent.object_id == application.id)
                              .options(selectinload(AuditEvent.actor))
                              .order_by(AuditEvent.at, AuditEvent.id)).all()


def undertaking_complete(application: LabApplication) -> bool:
    return application.undertaking_complete


def accept_undertaking(actor, application: LabApplication, *, now: datetime | None = None, wording: str = "",
                       locale: str = "en") -> TeamMember:
    """The named member promises: no download, copying, printing or photographs (`wording` as shown)."""
    ensure(actor, "datalab.undertake", application)
    if application.status != Status.approved:
        raise ValidationError(_l("The undertaking is signed once both committees have approved."))
    member = next(m for m in application.team if m.user_id == actor.id)
    if member.undertaking_at is None:
        member.undertaking_at = now or utcnow()
        db.session.flush()
        record(actor, "datalab.undertaking_accepted", application, changes={"member": actor.display_name})
        record_consent("datalab_undertaking", True, wording, locale, user_id=actor.id)
        if undertaking_complete(application):
            notify(application, "booking_open")
    return member


NOTICES = {
    "submitted": _l("Your application is with both committees."),
    "changes_requested": _l("A committee asks for changes to your application."),
    "approved": _l("Both committees approved your application. Each team member now accepts the data-use undertaking."),
    "rejected": _l("Your application was not approved."),
    "withdrawn": _l("Your application is withdrawn."),
    "booking_open": _l("Every team member has accepted the undertaking: you can now book your sessions."),
    "booked": _l("Your booking is confirmed."),
    "cancelled": _l("A booking was cancelled."),
    "no_show": _l("A booked session was recorded as a no-show and its seat released."),
    "output": _l("There is a decision on your output request."),
    "offered": _l("A seat you waited for is held for you: confirm it on the application page."),
}


def notify(application: LabApplication, event: str, note: str = "") -> None:
    """Mail the applicant and the team (after the commit, through the mail service)."""
    people = {m.user for m in application.team}
    if application.created_by_id:
        people.add(db.session.get(User, application.created_by_id))
    link = mail.external_url("datalab.application", application_id=application.id)
    from ..communications.templates import queue_site
    from ..communications.values import lab_values

    values = lab_values(application, NOTICES[event], note, link)
    for person in sorted((p for p in people if p and p.email), key=lambda p: p.email):
        queue_site("datalab_status", person.email, person, values, subject={"en": "Data lab application", "zh_Hant_HK": "數據實驗室申請"},
                   template="datalab_status", application=application, notice=NOTICES[event], note=note, link=link)


def today_hk(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(HK).date()

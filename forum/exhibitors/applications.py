"""Applications to exhibit at a forum: booth needs, staff, stage-demo request and their history."""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..audit.services import apply_changes, record
from ..db import utcnow
from ..errors import NotFound, ValidationError
from ..extensions import db
from ..forums.models import Forum, ForumStatus
from ..permissions import can, ensure
from ..text import clean, normalise_email
from .models import Application, ApplicationStaff, ApplicationStatus, Company

OPEN_STATUSES = (ForumStatus.open_for_exhibitors, ForumStatus.open_for_registration)
WINDOW = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])\s*-\s*([01][0-9]|2[0-3]):([0-5][0-9])$")


def is_open(forum: Forum, now=None) -> bool:
    now = now or utcnow()
    if forum.status not in OPEN_STATUSES:
        return False
    return forum.exhibitor_deadline is None or now <= forum.exhibitor_deadline


def application_of(forum: Forum, company_id: int) -> Application | None:
    return db.session.scalar(sa.select(Application).where(Application.forum_id == forum.id,
                                                          Application.company_id == company_id))


def get_application(actor, application_id: int) -> Application:
    """An application the actor may see; another company's answers as if it did not exist."""
    application = db.session.get(Application, application_id)
    if application is None:
        raise NotFound()
    ensure(actor, "application.view")
    if not can(actor, "application.view", application):
        raise NotFound()
    return application


def parse_windows(text: str) -> list[str]:
    windows = []
    for part in (text or "").replace("，", ",").replace("；", ",").replace(";", ",").split(","):
        part = part.strip().replace("–", "-")
        if not part:
            continue
        match = WINDOW.match(part)
        if not match or (match.group(1), match.group(2)) >= (match.group(3), match.group(4)):
            raise ValidationError(_l("Give time windows as 09:30-10:30, separated by commas."),
                                  field="demo_windows")
        windows.append(f"{match.group(1)}:{match.group(2)}-{match.group(3)}:{match.group(4)}")
    return windows


def save_application(actor, forum: Forum, company: Company, data: dict, *, submit: bool = False) -> Application:
    """Create or change the company's application to the forum; submit it when asked."""
    ensure(actor, "application.edit", company)
    staff_side = can(actor, "application.edit_closed")
    if not staff_side and not is_open(forum):
        raise ValidationError(_l("Applications for this forum are closed; only the organisers can change them now."))
    application = application_of(forum, company.id)
    created = application is None
    if created:
        application = Application(forum_id=forum.id, company_id=company.id, status=ApplicationStatus.draft)
        db.session.add(application)
    elif application.status == ApplicationStatus.rejected and not staff_side:
        raise ValidationError(_l("This application was declined and can no longer be changed."))

    values: dict = {}
    for key in ("needs_power", "needs_screen", "needs_table", "demo_requested"):
        if key in data:
            values[key] = bool(data[key])
    for key in ("booth_notes", "demo_presenter", "demo_av"):
        if key in data:
            values[key] = clean(data[key]) if key != "booth_notes" else (data[key] or "").strip()
    if "demo_windows" in data:
        values["demo_windows"] = ", ".join(parse_windows(data["demo_windows"]))
    if "demo_minutes" in data and data["demo_minutes"] not in (None, ""):
        try:
            values["demo_minutes"] = int(data["demo_minutes"])
        except (TypeError, ValueError):
            values["demo_minutes"] = -1
        if not 5 <= values["demo_minutes"] <= 30:
            raise ValidationError(_l("A stage demo lasts 5 to 30 minutes."), field="demo_minutes")

    own = {s.id: s for s in company.solutions}
    solutions = application.solutions
    if "solution_ids" in data:
        wanted = [int(s) for s in data["solution_ids"] or []]
        if any(s not in own for s in wanted):
            raise ValidationError(_l("Choose solutions from your company's library."), field="solution_ids")
        solutions = [own[s] for s in sorted(set(wanted))]
    if "demo_solution_id" in data:
        demo_id = data["demo_solution_id"]
        demo_id = int(demo_id) if demo_id not in (None, "", 0, "0") else None
        if demo_id is not None and demo_id not in own:
            raise ValidationError(_l("Choose solutions from your company's library."), field="demo_solution_id")
        values["demo_solution_id"] = demo_id

    staff = None
    if "staff" in data:
        staff = []
        for row in data["staff"] or []:
            person = {k: clean(row.get(k)) for k in ("name_en", "name_zh", "title")}
            person["email"] = normalise_email(row.get("email"))
            if any(person.values()):
                if not (person["name_en"] or person["name_zh"]):
                    raise ValidationError(_l("Each person at the booth needs a name."), field="staff")
                staff.append(person)
        if len(staff) > forum.staff_per_booth:
            raise ValidationError(_l("At most %(n)d people per booth.", n=forum.staff_per_booth), field="staff")

    demo_requested = values.get("demo_requested", application.demo_requested)
    demo_solution_id = values.get("demo_solution_id", application.demo_solution_id)
    if submit or application.status != ApplicationStatus.draft:
        if not solutions:
            raise ValidationError(_l("Choose at least one solution to show."), field="solution_ids")
        if demo_requested:
            if not demo_solution_id:
                raise ValidationError(_l("Choose the solution to demonstrate."), field="demo_solution_id")
            if not values.get("demo_presenter", application.demo_presenter):
                raise ValidationError(_l("Name the presenter."), field="demo_presenter")
            if not values.get("demo_windows", application.demo_windows):
                raise ValidationError(_l("Give at least one time window."), field="demo_windows")

    changes = apply_changes(application, values)
    before = [s.id for s in application.solutions]
    if [s.id for s in solutions] != before:
        application.solutions = solutions
        changes["solutions"] = [before, [s.id for s in solutions]]
    if staff is not None:
        old = [(p.name_en, p.name_zh, p.email, p.title) for p in application.staff]
        new = [(p["name_en"], p["name_zh"], p["email"], p["title"]) for p in staff]
        if old != new:
            application.staff = [ApplicationStaff(**p) for p in staff]
            changes["staff"] = [[" ".join(filter(None, o[:2])) for o in old],
                                [" ".join(filter(None, n[:2])) for n in new]]
    if submit and application.status == ApplicationStatus.draft:
        application.status = ApplicationStatus.submitted
        application.submitted_at = utcnow()
        changes["status"] = ["draft", "submitted"]
    db.session.flush()
    if created or changes:
        record(actor, "application.create" if created else "application.update", application, forum_id=forum.id,
               changes=changes)
    if "staff" in changes and application.status == ApplicationStatus.approved:
        sync_badges(actor, application)
    return application


# Reviewers' own working notes: never shown to the company.
REVIEW_ONLY_ACTIONS = ("application.demo_score",)


def history(application: Application, viewer=None):
    """The application's audit trail; without "exhibitor.review", reviewers' scores and comments are left out."""
    from ..audit.services import recent
    from ..permissions import can

    events = recent(200, object_type="Application", object_id=application.id)
    if viewer is not None and can(viewer, "exhibitor.review"):
        return events
    return [e for e in events if e.action not in REVIEW_ONLY_ACTIONS]

def staff_for_badges(forum: Forum) -> list[dict]:
    """Every staff member of every approved application of the forum, for badges (issue 4)."""
    rows = db.session.execute(
        sa.select(Application.company_id, ApplicationStaff.name_en, ApplicationStaff.name_zh,
                  ApplicationStaff.email, ApplicationStaff.title)
        .join(ApplicationStaff, ApplicationStaff.application_id == Application.id)
        .where(Application.forum_id == forum.id, Application.status == ApplicationStatus.approved)
        .order_by(Application.company_id, ApplicationStaff.id)).all()
    return [{"company_id": r.company_id, "name_en": r.name_en, "name_zh": r.name_zh, "email": r.email,
             "title": r.title} for r in rows]


def sync_badges(actor, application: Application) -> None:
    """Staff of an approved application get attendee records, tickets and badges; when the
    application stops being approved (or a person is taken off it), their tickets are revoked."""
    from ..attendees.exhibitor_staff import sync_exhibitor_staff

    entries = [] if application.status != ApplicationStatus.approved else [
        {"company_id": application.company_id, "name_en": p.name_en, "name_zh": p.name_zh, "email": p.email,
         "title": p.title} for p in application.staff if p.email]
    sync_exhibitor_staff(application.forum, actor, entries, company_ids={application.company_id})

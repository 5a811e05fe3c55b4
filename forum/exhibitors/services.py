"""Exhibitor use cases: companies and their people, solutions, applications and the organisers' review.

Services take the acting user, raise domain errors and flush; the caller commits.
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import mail
from ..audit.services import diff, record
from ..communications.templates import company_person, decision_values, queue_custom
from ..db import utcnow
from ..errors import Conflict, NotFound, ValidationError
from ..extensions import db
from ..forums.models import Forum, ForumStatus
from ..permissions import STAFF, ensure
from ..text import clean, normalise, normalise_email
from . import uploads
from .models import (SECTORS, Application, ApplicationStaff, ApplicationStatus, Company, DemoScore, Solution,
                     SolutionImage, Theme, company_admin)

OPEN_STATUSES = (ForumStatus.open_for_exhibitors, ForumStatus.open_for_registration)
BOOTH_CODE = re.compile(r"^[A-Z][0-9]{2}$")
WINDOW = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])\s*-\s*([01][0-9]|2[0-3]):([0-5][0-9])$")


# --- companies ---------------------------------------------------------------------------

def is_company_admin(user, company_id: int | None) -> bool:
    if user is None or company_id is None or getattr(user, "id", None) is None:
        return False
    return db.session.execute(sa.select(company_admin.c.user_id).where(
        company_admin.c.company_id == company_id, company_admin.c.user_id == user.id)).first() is not None


def _company_keys(name_en: str, name_zh: str, company_id: int | None = None) -> tuple[str, str | None]:
    """The duplicate keys for a company's names; Conflict if another company has either."""
    key_en = normalise(name_en) or normalise(name_zh)
    key_zh = normalise(name_zh) or None
    taken = sa.select(Company.id).where(sa.or_(Company.name_key.in_([k for k in (key_en, key_zh) if k]),
                                               Company.name_zh_key.in_([k for k in (key_en, key_zh) if k])))
    if company_id is not None:
        taken = taken.where(Company.id != company_id)
    if db.session.scalar(taken.limit(1)) is not None:
        raise Conflict(_l("A company with this name is already registered. Ask its admin to invite you."),
                       field="name_en")
    return key_en, key_zh


COMPANY_FIELDS = ("name_en", "name_zh", "programme_ref", "sector", "website", "description_en", "description_zh",
                  "contact_name", "contact_email", "contact_phone")


def _company_values(data: dict) -> dict:
    values = {k: data.get(k) for k in COMPANY_FIELDS if k in data}
    for key in ("name_en", "name_zh", "programme_ref", "website", "contact_name", "contact_phone"):
        if key in values:
            values[key] = clean(values[key])
    for key in ("description_en", "description_zh"):
        if key in values:
            values[key] = (values[key] or "").strip()
    if "contact_email" in values:
        values["contact_email"] = normalise_email(values["contact_email"])
    if "sector" in values and values["sector"] not in SECTORS:
        raise ValidationError(_l("Choose a sector from the list."), field="sector")
    if "website" in values and values["website"] and not values["website"].startswith(("http://", "https://")):
        values["website"] = "https://" + values["website"]
    return values


def refresh_company_search(company: Company) -> None:
    company.search_text = normalise(" ".join([company.name_en, company.name_zh, company.description_en or "",
                                               company.description_zh or "", company.programme_ref or ""]))


def sign_up(data: dict, *, password: str, logo: tuple[bytes, str] | None = None):
    """A new park company and its first person (the company admin), unverified until the address is
    confirmed by the mailed link. Returns (user, company), or (None, None) when the address already
    has an account or a pending invitation: the owner is told by mail and the caller answers exactly
    as for a new sign-up, so the page never reveals who has an account."""
    from ..accounts.services import (address_taken, check_password_strength, create_user,
                                     send_email_verification, tell_owner_of_taken_address)

    values = _company_values(data)
    if not (values.get("name_en") or values.get("name_zh")):
        raise ValidationError(_l("Give the company's name in English or Chinese."), field="name_en")
    key_en, key_zh = _company_keys(values.get("name_en", ""), values.get("name_zh", ""))
    check_password_strength(password)
    email = normalise_email(data.get("contact_email"))
    if "@" not in email or len(email) > 254:
        raise ValidationError(_l("Enter a valid email address."), field="contact_email")
    if address_taken(email):
        tell_owner_of_taken_address(email)
        return None, None
    company = Company(name_key=key_en, name_zh_key=key_zh, **values)
    refresh_company_search(company)
    try:
        # The unique keys settle a race between two sign-ups with the same name.
        with db.session.begin_nested():
            db.session.add(company)
            db.session.flush()
    except sa.exc.IntegrityError:
        raise Conflict(_l("A company with this name is already registered. Ask its admin to invite you."),
                       field="name_en")
    user = create_user(email, "exhibitor", password=password,
                       name_en=data.get("contact_name", ""), name_zh=data.get("contact_name_zh", ""),
                       company_id=company.id, verified=False)
    db.session.execute(company_admin.insert().values(company_id=company.id, user_id=user.id))
    if logo:
        company.logo_id = uploads.store(company.id, logo[0], kind="image", original_name=logo[1], actor=user,
                                        field="logo").id
    record(user, "company.create", company, changes={"name_en": company.name_en, "name_zh": company.name_zh})
    send_email_verification(user)
    return user, company


def update_company(actor, company: Company, data: dict, *, logo: tuple[bytes, str] | None = None) -> dict:
    ensure(actor, "company.edit", company)
    values = _company_values(data)
    name_en, name_zh = values.get("name_en", company.name_en), values.get("name_zh", company.name_zh)
    if not (name_en or name_zh):
        raise ValidationError(_l("Give the company's name in English or Chinese."), field="name_en")
    values["name_key"], values["name_zh_key"] = _company_keys(name_en, name_zh, company.id)
    if logo:
        values["logo_id"] = uploads.store(company.id, logo[0], kind="image", original_name=logo[1], actor=actor,
                                          field="logo").id
    changes = diff(company, values)
    refresh_company_search(company)
    if changes:
        record(actor, "company.update", company, changes=changes)
    return changes


def own_company(user) -> Company:
    if user.company_id is None:
        raise NotFound(_l("Your account is not linked to a park company yet."))
    return db.session.get(Company, user.company_id)


def invite_colleague(actor, company: Company, email: str, *, name_en: str = "", name_zh: str = ""):
    """A company admin (or an organiser) invites a colleague into the company; the rule is
    "user.invite_into" in forum/permissions.py."""
    from ..accounts.services import invite

    ensure(actor, "company.members", company)
    return invite(actor, email, "exhibitor", name_en=name_en, name_zh=name_zh, company_id=company.id)


def remove_colleague(actor, company: Company, user) -> None:
    ensure(actor, "company.members", company)
    if user.company_id != company.id:
        raise NotFound()
    if user.id == actor.id:
        raise ValidationError(_l("You cannot remove yourself; ask another admin of your company."))
    user.company_id = None
    user.session_version += 1
    db.session.execute(company_admin.delete().where(company_admin.c.company_id == company.id,
                                                    company_admin.c.user_id == user.id))
    record(actor, "company.member_remove", company, changes={"user": user.email})


def make_company_admin(actor, company: Company, user) -> None:
    """Organisers (and the CLI/demo) name a company admin; a company admin may name another."""
    ensure(actor, "company.members", company)
    if user.company_id != company.id:
        raise ValidationError(_l("This person is not in the company."))
    if not is_company_admin(user, company.id):
        db.session.execute(company_admin.insert().values(company_id=company.id, user_id=user.id))
        record(actor, "company.admin_add", company, changes={"user": user.email})


def members_of(company: Company):
    from ..accounts.models import User

    admins = set(db.session.scalars(sa.select(company_admin.c.user_id).where(
        company_admin.c.company_id == company.id)))
    users = db.session.scalars(sa.select(User).where(User.company_id == company.id).order_by(User.email)).all()
    return [(u, u.id in admins) for u in users]


# --- themes ------------------------------------------------------------------------------

def list_themes(*, active_only: bool = True) -> list[Theme]:
    stmt = sa.select(Theme).order_by(Theme.position, Theme.id)
    if active_only:
        stmt = stmt.where(Theme.active.is_(True))
    return db.session.scalars(stmt).all()


def save_theme(actor, theme: Theme | None, *, name_en: str, name_zh: str, active: bool = True,
               position: int | None = None) -> Theme:
    ensure(actor, "theme.manage")
    name_en, name_zh = clean(name_en), clean(name_zh)
    if not name_en or not name_zh:
        raise ValidationError(_l("Give the theme in English and Chinese."), field="name_en")
    key = re.sub(r"[^a-z0-9]+", "_", normalise(name_en)).strip("_")[:60] or "theme"
    clash = db.session.scalar(sa.select(Theme).where(
        sa.or_(Theme.key == key, sa.func.lower(Theme.name_en) == name_en.lower(), Theme.name_zh == name_zh)))
    if clash is not None and clash is not theme:
        raise Conflict(_l("This theme is already in the list."), field="name_en")
    if theme is None:
        last = db.session.scalar(sa.select(sa.func.max(Theme.position))) or 0
        theme = Theme(key=key, position=last + 1)
        db.session.add(theme)
    changes = diff(theme, {"name_en": name_en, "name_zh": name_zh, "active": bool(active),
                           **({"position": position} if position is not None else {})})
    db.session.flush()
    record(actor, "theme.save", theme, changes=changes)
    return theme


# --- solutions ---------------------------------------------------------------------------

SOLUTION_FIELDS = ("title_en", "title_zh", "summary_en", "summary_zh", "problem", "target_users", "departments",
                   "trl", "regulatory_status", "deployments")


def refresh_solution_search(solution: Solution) -> None:
    parts = [solution.title_en, solution.title_zh, solution.summary_en, solution.summary_zh, solution.problem,
             solution.target_users, solution.departments]
    parts += [f"{t.name_en} {t.name_zh}" for t in solution.themes]
    solution.search_text = normalise(" ".join(p or "" for p in parts))


def save_solution(actor, company: Company, solution: Solution | None, data: dict, *,
                  brochure: tuple[bytes, str] | None = None, image: tuple[bytes, str] | None = None) -> Solution:
    ensure(actor, "solution.edit", company)
    if solution is not None and solution.company_id != company.id:
        raise NotFound()
    values = {k: data[k] for k in SOLUTION_FIELDS if k in data}
    for key in ("title_en", "title_zh", "target_users", "departments", "regulatory_status"):
        if key in values:
            values[key] = clean(values[key])
    for key in ("summary_en", "summary_zh", "problem", "deployments"):
        if key in values:
            values[key] = (values[key] or "").strip()
    title_en = values.get("title_en", solution.title_en if solution else "")
    title_zh = values.get("title_zh", solution.title_zh if solution else "")
    if not (title_en or title_zh):
        raise ValidationError(_l("Give a title in English or Chinese."), field="title_en")
    if "trl" in values:
        try:
            values["trl"] = int(values["trl"])
        except (TypeError, ValueError):
            values["trl"] = 0
        if not 1 <= values["trl"] <= 9:
            raise ValidationError(_l("Maturity is a technology readiness level from 1 to 9."), field="trl")
    themes = None
    if "theme_ids" in data:
        wanted = {int(t) for t in data["theme_ids"] or []}
        themes = db.session.scalars(sa.select(Theme).where(Theme.id.in_(wanted), Theme.active.is_(True))).all()
        if len(themes) != len(wanted):
            raise ValidationError(_l("Choose themes from the list."), field="theme_ids")
    # Check every upload before writing any, so a refused one leaves nothing behind.
    if brochure:
        uploads.checked_pdf(brochure[0], "brochure")
    if image:
        uploads.checked_image(image[0], "image")
    created = solution is None
    if created:
        solution = Solution(company_id=company.id)
        db.session.add(solution)
    if brochure:
        values["brochure_id"] = uploads.store(company.id, brochure[0], kind="pdf", original_name=brochure[1],
                                              actor=actor, field="brochure").id
    changes = diff(solution, values)
    if themes is not None:
        before = sorted(t.key for t in solution.themes)
        solution.themes = sorted(themes, key=lambda t: t.position)
        if before != sorted(t.key for t in themes):
            changes["themes"] = [before, sorted(t.key for t in themes)]
    if image:
        stored = uploads.store(company.id, image[0], kind="image", original_name=image[1], actor=actor,
                               field="image")
        solution.images.append(SolutionImage(file_id=stored.id))
        changes["image"] = stored.stored_name
    refresh_solution_search(solution)
    db.session.flush()
    record(actor, "solution.create" if created else "solution.update", solution, changes=changes)
    return solution


def get_solution(solution_id: int) -> Solution:
    solution = db.session.get(Solution, solution_id)
    if solution is None:
        raise NotFound()
    return solution


# --- applications ------------------------------------------------------------------------

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
    if actor.role not in STAFF and application.company_id != actor.company_id:
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
    staff_side = actor.role in STAFF
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

    changes = diff(application, values)
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


# --- organisers' review --------------------------------------------------------------------

DECISIONS = {"approve": ApplicationStatus.approved, "waitlist": ApplicationStatus.waitlisted,
             "reject": ApplicationStatus.rejected}


def _lock_forum(forum_id: int) -> None:
    """Serialise decisions on one forum: the capacity check and the approval happen under this lock.

    PostgreSQL: a row lock on the forum. SQLite: a write takes the database's write lock
    (POST requests already start with BEGIN IMMEDIATE, so it is held from the start).
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(Forum.id).where(Forum.id == forum_id).with_for_update())
    else:
        db.session.execute(sa.text("UPDATE forum SET id = id WHERE id = :id"), {"id": forum_id})


def approved_count(forum_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Application).where(
        Application.forum_id == forum_id, Application.status == ApplicationStatus.approved))


def _notify(application: Application) -> None:
    company = application.company
    recipients = {company.contact_email} if company.contact_email else set()
    recipients |= {u.email for u in company.admins}
    link = mail.external_url("exhibitors.application", application_id=application.id)
    for to in sorted(r for r in recipients if r):
        if not queue_custom(application.forum, "exhibitor_decision", to, company_person(company),
                            extra=decision_values(application, link)):
            mail.queue_template(db.session, to, "Your application to exhibit / 參展申請結果", "exhibitor_decision",
                                application=application, company=company, forum=application.forum, link=link)


def decide(actor, application: Application, decision: str, reason: str = "", *, _promote: bool = True) -> None:
    """Approve, waitlist or reject; approving past the forum's booths is refused."""
    ensure(actor, "exhibitor.review")
    if decision not in DECISIONS:
        raise ValidationError(_l("Unknown decision."), field="decision")
    status = DECISIONS[decision]
    reason = (reason or "").strip()
    if status == ApplicationStatus.rejected and not reason:
        raise ValidationError(_l("Give a reason when declining."), field="reason")
    forum = application.forum
    _lock_forum(forum.id)
    db.session.refresh(application)
    if application.status == ApplicationStatus.draft:
        raise ValidationError(_l("This application has not been submitted yet."))
    if application.status == status:
        return
    if status == ApplicationStatus.approved and approved_count(forum.id) >= forum.booth_capacity:
        raise Conflict(_l("All %(n)d booths are taken: %(company)s cannot be approved. Waitlist it, or free a "
                          "booth first.", n=forum.booth_capacity, company=application.company.display_name))
    was_approved = application.status == ApplicationStatus.approved
    old = application.status
    application.status = status
    application.decided_at = utcnow()
    application.decided_by_id = actor.id
    application.decision_reason = reason
    if status == ApplicationStatus.waitlisted:
        application.waitlisted_at = utcnow()
    if status != ApplicationStatus.approved:
        application.booth_code = None
        application.demo_selected = False
    db.session.flush()
    record(actor, f"application.{decision}", application, forum_id=forum.id,
           changes={"status": [old.value, status.value], "reason": reason})
    _notify(application)
    if status == ApplicationStatus.approved or was_approved:
        sync_badges(actor, application)
    if was_approved and _promote:
        # The place it frees goes to someone else, never straight back to the company just moved off it.
        promote_waitlist(actor, forum, skip={application.id})


def promote_waitlist(actor, forum: Forum, skip: set[int] = frozenset()) -> list[Application]:
    """A booth freed: the longest-waiting waitlisted companies move up while places remain."""
    promoted = []
    while approved_count(forum.id) < forum.booth_capacity:
        nxt = db.session.scalar(sa.select(Application).where(
            Application.forum_id == forum.id, Application.status == ApplicationStatus.waitlisted,
            Application.id.notin_(skip or {0}))
            .order_by(Application.waitlisted_at, Application.id).limit(1))
        if nxt is None:
            break
        decide(actor, nxt, "approve", str(_l("A booth became free.")), _promote=False)
        promoted.append(nxt)
    return promoted


def decide_many(actor, forum: Forum, ids: list[int], decision: str, reason: str = "") -> tuple[list, list]:
    """Bulk decisions, in the order given; each refusal is reported, the others go through."""
    ensure(actor, "exhibitor.review")
    done, refused = [], []
    rows = db.session.scalars(sa.select(Application).where(Application.forum_id == forum.id,
                                                           Application.id.in_(ids))).all()
    by_id = {a.id: a for a in rows}
    for application_id in ids:
        application = by_id.get(application_id)
        if application is None:
            continue
        try:
            with db.session.begin_nested():
                decide(actor, application, decision, reason)
        except (ValidationError, Conflict) as error:
            refused.append((application, error.message))
        else:
            done.append(application)
    return done, refused


def score_demo(actor, application: Application, score: int, comment: str = "") -> DemoScore:
    ensure(actor, "exhibitor.review")
    if not application.demo_requested:
        raise ValidationError(_l("This application has no stage demo request."))
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationError(_l("Score from 1 to 5."), field="score")
    row = db.session.scalar(sa.select(DemoScore).where(DemoScore.application_id == application.id,
                                                       DemoScore.reviewer_id == actor.id))
    if row is None:
        row = DemoScore(application_id=application.id, reviewer_id=actor.id, score=score)
        db.session.add(row)
    row.score, row.comment, row.at = score, (comment or "").strip(), utcnow()
    db.session.flush()
    record(actor, "application.demo_score", application, forum_id=application.forum_id,
           changes={"score": score, "comment": row.comment})
    return row


def select_demo(actor, application: Application, selected: bool) -> None:
    ensure(actor, "exhibitor.review")
    forum = application.forum
    if selected:
        if not application.demo_requested:
            raise ValidationError(_l("This application has no stage demo request."))
        if application.status != ApplicationStatus.approved:
            raise ValidationError(_l("Only approved exhibitors can go on stage."))
        _lock_forum(forum.id)
        taken = db.session.scalar(sa.select(sa.func.count()).select_from(Application).where(
            Application.forum_id == forum.id, Application.demo_selected.is_(True), Application.id != application.id))
        if taken >= forum.demo_slot_count:
            raise Conflict(_l("All %(n)d stage demo slots are taken.", n=forum.demo_slot_count))
    if application.demo_selected != selected:
        application.demo_selected = selected
        record(actor, "application.demo_select", application, forum_id=forum.id, changes={"selected": selected})


def booth_codes(forum: Forum) -> list[str]:
    """A01-A30, then B01-B30 ... until the forum's booth capacity."""
    return [f"{chr(ord('A') + i // 30)}{i % 30 + 1:02d}" for i in range(min(forum.booth_capacity, 26 * 30))]


def assign_booth(actor, application: Application, code: str | None) -> None:
    ensure(actor, "exhibitor.review")
    code = (code or "").strip().upper() or None
    if code is not None:
        if not BOOTH_CODE.match(code):
            raise ValidationError(_l("A booth code is a letter and two digits, like A07."), field="booth_code")
        if application.status != ApplicationStatus.approved:
            raise ValidationError(_l("Only approved exhibitors get a booth."), field="booth_code")
        holder = db.session.scalar(sa.select(Application).where(Application.forum_id == application.forum_id,
                                                                Application.booth_code == code,
                                                                Application.id != application.id))
        if holder is not None:
            raise Conflict(_l("Booth %(code)s is already given to %(company)s.", code=code,
                              company=holder.company.display_name), field="booth_code")
    if application.booth_code != code:
        record(actor, "application.booth", application, forum_id=application.forum_id,
               changes={"booth_code": [application.booth_code, code]})
        application.booth_code = code
        db.session.flush()


def application_by_booth(forum: Forum, code: str) -> Application:
    application = db.session.scalar(sa.select(Application).where(
        Application.forum_id == forum.id, Application.booth_code == (code or "").upper(),
        Application.status == ApplicationStatus.approved))
    if application is None:
        raise NotFound(_l("No exhibitor at this booth."))
    return application


# --- for other features ----------------------------------------------------------------------

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
    from ..attendees.services import sync_exhibitor_staff

    entries = [] if application.status != ApplicationStatus.approved else [
        {"company_id": application.company_id, "name_en": p.name_en, "name_zh": p.name_zh, "email": p.email,
         "title": p.title} for p in application.staff if p.email]
    sync_exhibitor_staff(application.forum, actor, entries, company_ids={application.company_id})


def company_public_to(user, company_id: int) -> bool:
    """Own company and organisers always; others see a company's profile and files once it is approved."""
    if user.role in STAFF or (user.company_id is not None and user.company_id == company_id):
        return True
    approved = db.session.scalar(sa.select(Application.id).where(
        Application.company_id == company_id, Application.status == ApplicationStatus.approved).limit(1))
    return approved is not None

from __future__ import annotations

from flask import (Blueprint, Response, current_app, flash, redirect, render_template, request, send_file,
                   url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from . import permissions as _permissions  # noqa: F401  (grants exist before @requires runs)
from ..audit.services import record
from ..errors import DomainError, NotFound
from ..extensions import db, limiter
from ..forms_util import commit_or_flash, show_domain_error
from ..forums.services import current_forum, get_forum
from ..i18n import name_of
from ..nav import nav_link
from ..permissions import STAFF, can, ensure, public, requires
from ..refs import parse_id
from . import directory as listing
from . import documents, services, uploads, visibility
from .forms import (SECTOR_LABELS, STATUS_LABELS, ApplicationForm, CompanyForm, DecisionForm, DemoScoreForm,
                    InviteColleagueForm, SignUpForm, SolutionForm, ThemeForm)
from .models import Application, ApplicationStatus, StoredFile, Theme
from . import steps as _steps  # noqa: F401  (home page suggestions)

bp = Blueprint("exhibitors", __name__, url_prefix="/exhibitors")

nav_link("exhibitors.directory_current", _l("Exhibitors"), "directory.view", 20)
nav_link("exhibitors.company", _l("My company"), "company.view_own", 25, when=lambda user: user.company_id is not None)
nav_link("exhibitors.review_current", _l("Review exhibitors"), "exhibitor.review", 30)


def _upload(field) -> tuple[bytes, str] | None:
    storage = field.data
    if storage is None or not getattr(storage, "filename", ""):
        return None
    return storage.read(), storage.filename


def _company_data(form) -> dict:
    return {name: form[name].data for name in services.COMPANY_FIELDS}


def _visible_forum(ref: str):
    """A forum by id or slug; drafts only for those who manage forums."""
    from ..forums.models import ForumStatus

    forum = get_forum(ref)
    if forum.status == ForumStatus.draft and not can(current_user, "forum.manage"):
        raise NotFound()
    return forum


def _forum_or_404():
    forum = current_forum()
    if forum is None:
        raise NotFound(_l("No forum is open yet."))
    return forum


# --- sign-up and the company's own pages ------------------------------------------------------

def _signup_limit() -> str:
    return current_app.config["RATELIMIT_SIGNUP"]


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=["POST"])
@public
def signup():
    if current_user.is_authenticated:
        flash(_("You are already signed in."), "info")
        return redirect(url_for("exhibitors.company") if current_user.role == "exhibitor" else url_for("home.index"))
    form = SignUpForm()
    if form.validate_on_submit():
        try:
            data = _company_data(form) | {"contact_name_zh": form.contact_name_zh.data}
            services.sign_up(data, password=form.password.data, logo=_upload(form.logo))
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            # The same answer whether or not the address was free (no account probing).
            flash(_("Check your mail: we sent a link to %(email)s. Open it to confirm the address; your "
                    "company's pages open after that.", email=form.contact_email.data), "info")
            return redirect(url_for("accounts.login"))
    return render_template("exhibitors/signup.html", form=form)


@bp.route("/company")
@requires("company.view_own")
def company():
    company = services.own_company(current_user)
    ensure(current_user, "company.view_own", company)
    applications = db.session.scalars(db.select(Application).where(Application.company_id == company.id)
                                      .order_by(Application.id.desc())).all()
    forum = current_forum()
    return render_template("exhibitors/company.html", company=company, members=services.members_of(company),
                           applications=applications, forum=forum,
                           forum_open=forum is not None and services.is_open(forum),
                           invite_form=InviteColleagueForm(), sector_labels=SECTOR_LABELS,
                           status_labels=STATUS_LABELS,
                           is_admin=services.is_company_admin(current_user, company.id))


@bp.route("/company/edit", methods=["GET", "POST"])
@requires("company.edit")
def edit_company():
    company = services.own_company(current_user)
    form = CompanyForm(obj=company)
    if form.validate_on_submit():
        try:
            services.update_company(current_user, company, _company_data(form), logo=_upload(form.logo))
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The company profile is saved."), "success")
            return redirect(url_for("exhibitors.company"))
    return render_template("exhibitors/company_form.html", form=form, company=company)


@bp.route("/company/members", methods=["POST"])
@requires("company.members")
def invite_member():
    company = services.own_company(current_user)
    form = InviteColleagueForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: services.invite_colleague(current_user, company, form.email.data,
                                                          name_en=form.name_en.data or "",
                                                          name_zh=form.name_zh.data or ""),
                        _("Invitation sent to %(email)s.", email=form.email.data))
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
    return redirect(url_for("exhibitors.company"))


def _user_or_404(user_id: int):
    from ..accounts.models import User

    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


@bp.route("/company/members/<int:user_id>/remove", methods=["POST"])
@requires("company.members")
def remove_member(user_id: int):
    company, user = services.own_company(current_user), _user_or_404(user_id)
    commit_or_flash(lambda: services.remove_colleague(current_user, company, user),
                    _("%(name)s no longer belongs to the company.", name=user.display_name))
    return redirect(url_for("exhibitors.company"))


@bp.route("/company/members/<int:user_id>/admin", methods=["POST"])
@requires("company.members")
def make_admin(user_id: int):
    company, user = services.own_company(current_user), _user_or_404(user_id)
    commit_or_flash(lambda: services.make_company_admin(current_user, company, user),
                    _("%(name)s is now a company admin.", name=user.display_name))
    return redirect(url_for("exhibitors.company"))


# --- solutions ----------------------------------------------------------------------------

def _solution_form(solution=None) -> SolutionForm:
    form = SolutionForm(obj=solution)
    form.theme_ids.choices = [(t.id, f"{t.name_en} · {t.name_zh}") for t in services.list_themes()]
    if request.method == "GET":
        if solution is not None:
            form.theme_ids.data = [t.id for t in solution.themes]
            form.trl.data = str(solution.trl)
    return form


def _solution_data(form) -> dict:
    data = {name: form[name].data for name in services.SOLUTION_FIELDS}
    data["theme_ids"] = form.theme_ids.data or []
    return data


@bp.route("/solutions/new", methods=["GET", "POST"])
@requires("solution.edit")
def new_solution():
    company = services.own_company(current_user)
    form = _solution_form()
    if form.validate_on_submit():
        try:
            solution = services.save_solution(current_user, company, None, _solution_data(form),
                                              brochure=_upload(form.brochure), image=_upload(form.image))
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The solution is saved."), "success")
            return redirect(url_for("exhibitors.company"))
    return render_template("exhibitors/solution_form.html", form=form, solution=None)


@bp.route("/solutions/<int:solution_id>/edit", methods=["GET", "POST"])
@requires("solution.edit")
def edit_solution(solution_id: int):
    solution = services.get_solution(solution_id)
    if not can(current_user, "solution.edit", solution):
        raise NotFound()
    form = _solution_form(solution)
    if form.validate_on_submit():
        try:
            services.save_solution(current_user, solution.company, solution, _solution_data(form),
                                   brochure=_upload(form.brochure), image=_upload(form.image))
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The solution is saved."), "success")
            return redirect(url_for("exhibitors.company"))
    return render_template("exhibitors/solution_form.html", form=form, solution=solution)


@bp.route("/solutions/<int:solution_id>")
@requires("directory.view")
def solution(solution_id: int):
    solution = services.get_solution(solution_id)
    if not visibility.solution_public_to(current_user, solution):
        raise NotFound()
    return render_template("exhibitors/solution.html", solution=solution, company=solution.company)


@bp.route("/files/<int:file_id>")
@requires("directory.view")
def file(file_id: int):
    stored = db.session.get(StoredFile, file_id)
    if stored is None or not visibility.file_public_to(current_user, stored):
        raise NotFound()
    path = uploads.path_of(stored)
    if not path.exists():
        raise NotFound()
    inline = stored.kind == "image"
    response = send_file(path, mimetype=stored.content_type, as_attachment=not inline,
                         download_name=uploads.download_name(stored), max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


# --- applications -------------------------------------------------------------------------

def _application_form(forum, company, application) -> ApplicationForm:
    form = ApplicationForm(obj=application if request.method == "GET" else None)
    own = [(s.id, name_of(s, "title")) for s in company.solutions]  # in the reader's language
    form.solution_ids.choices = own
    form.demo_solution_id.choices = [(0, "—")] + own
    if request.method == "GET":
        if application is not None:
            form.solution_ids.data = [s.id for s in application.solutions]
            form.demo_solution_id.data = application.demo_solution_id or 0
            people = [{"name_en": p.name_en, "name_zh": p.name_zh, "email": p.email, "title": p.title}
                      for p in application.staff]
        else:
            form.needs_power.data, form.needs_table.data = True, True
            people = []
        while form.staff.entries:
            form.staff.pop_entry()
        for person in people[:forum.staff_per_booth]:
            form.staff.append_entry(person)
        while len(form.staff.entries) < forum.staff_per_booth:
            form.staff.append_entry()
    return form


def _edit_application(forum, company, application):
    form = _application_form(forum, company, application)
    if form.validate_on_submit():
        data = {name: form[name].data for name in (
            "solution_ids", "needs_power", "needs_screen", "needs_table", "booth_notes", "demo_requested",
            "demo_solution_id", "demo_presenter", "demo_minutes", "demo_av", "demo_windows")}
        data["staff"] = [entry.data for entry in form.staff.entries]
        submit = request.form.get("action") == "submit"
        try:
            application = services.save_application(current_user, forum, company, data, submit=submit)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Your application is submitted.") if submit else _("Your application is saved."), "success")
            return redirect(url_for("exhibitors.application", application_id=application.id))
    return render_template("exhibitors/apply.html", form=form, forum=forum, company=company,
                           application=application, forum_open=services.is_open(forum))


@bp.route("/forums/<forum>/apply", methods=["GET", "POST"])
@requires("application.edit")
def apply(forum: str):
    forum = get_forum(forum)
    company = services.own_company(current_user)
    return _edit_application(forum, company, services.application_of(forum, company.id))


@bp.route("/applications/<int:application_id>/edit", methods=["GET", "POST"])
@requires("application.edit")
def edit_application(application_id: int):
    """The company's own application; organisers use it to change any (also after the deadline)."""
    application = services.get_application(current_user, application_id)
    return _edit_application(application.forum, application.company, application)


@bp.route("/applications/<int:application_id>")
@requires("application.view")
def application(application_id: int):
    application = services.get_application(current_user, application_id)
    staff_side = current_user.role in STAFF
    return render_template("exhibitors/application.html", application=application, forum=application.forum,
                           company=application.company, history=services.history(application, current_user),
                           status_labels=STATUS_LABELS, decision_form=DecisionForm(),
                           score_form=DemoScoreForm(), staff_side=staff_side,
                           can_edit=staff_side or services.is_open(application.forum))


@bp.route("/applications/<int:application_id>/poster.pdf")
@requires("application.view")
def poster(application_id: int):
    application = services.get_application(current_user, application_id)
    if application.status != ApplicationStatus.approved or not application.booth_code:
        raise NotFound(_l("The poster is ready once a booth is assigned."))
    pdf = documents.booth_poster(application)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="booth-{application.booth_code}.pdf"'})


# --- organisers' review ---------------------------------------------------------------------

@bp.route("/review")
@requires("exhibitor.review")
def review_current():
    return redirect(url_for("exhibitors.review", forum=_forum_or_404().slug))


@bp.route("/forums/<forum>/review")
@requires("exhibitor.review")
def review(forum: str):
    forum = get_forum(forum)
    filters = {k: request.args.get(k, "") for k in ("status", "theme", "sector", "demo")}
    if filters["status"] and filters["status"] not in STATUS_LABELS:
        filters["status"] = ""
    rows = listing.review_rows(forum, **filters)
    counts = listing.status_counts(forum)
    return render_template("exhibitors/review.html", forum=forum, rows=rows, counts=counts, filters=filters,
                           themes=services.list_themes(active_only=False), sector_labels=SECTOR_LABELS,
                           status_labels=STATUS_LABELS, decision_form=DecisionForm())


@bp.route("/forums/<forum>/review/decide", methods=["POST"])
@requires("exhibitor.review")
def decide_many(forum: str):
    forum = get_forum(forum)
    form = DecisionForm()
    ids = [i for i in map(parse_id, request.form.getlist("ids")) if i is not None]
    if not form.validate_on_submit() or not ids:
        flash(_("Tick at least one application and choose a decision."), "error")
    else:
        try:
            done, refused = services.decide_many(current_user, forum, ids, form.decision.data, form.reason.data)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            if done:
                flash(_("%(n)d application(s) updated.", n=len(done)), "success")
            for application, message in refused:
                name = application.company.display_name
                flash(message if name in message else f"{name}: {message}", "error")
    return redirect(url_for("exhibitors.review", forum=forum.slug, **{k: v for k, v in request.args.items()}))


@bp.route("/applications/<int:application_id>/decide", methods=["POST"])
@requires("exhibitor.review")
def decide(application_id: int):
    application = services.get_application(current_user, application_id)
    form = DecisionForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: services.decide(current_user, application, form.decision.data, form.reason.data),
                        _("The decision is recorded and the company is told."))
    return redirect(request.form.get("back") == "review" and url_for("exhibitors.review", forum=application.forum.slug)
                    or url_for("exhibitors.application", application_id=application_id))


@bp.route("/applications/<int:application_id>/demo-score", methods=["POST"])
@requires("exhibitor.review")
def score_demo(application_id: int):
    application = services.get_application(current_user, application_id)
    form = DemoScoreForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: services.score_demo(current_user, application, form.score.data, form.comment.data),
                        _("Your score is saved."))
    return redirect(url_for("exhibitors.application", application_id=application_id))


@bp.route("/applications/<int:application_id>/demo-select", methods=["POST"])
@requires("exhibitor.review")
def select_demo(application_id: int):
    application = services.get_application(current_user, application_id)
    commit_or_flash(lambda: services.select_demo(current_user, application, request.form.get("selected") == "1"))
    return redirect(request.referrer and request.referrer.startswith(request.host_url) and request.referrer
                    or url_for("exhibitors.application", application_id=application_id))


@bp.route("/forums/<forum>/booths", methods=["GET", "POST"])
@requires("exhibitor.review")
def booths(forum: str):
    forum = get_forum(forum)
    if request.method == "POST":
        changed, errors = 0, []
        rows = {a.id: a for a in listing.approved_with_solutions(forum)}
        # Clear the codes that change first, so two booths can be swapped in one save.
        wanted = {}
        for key, value in request.form.items():
            if key.startswith("booth-") and parse_id(key[6:]) in rows:
                wanted[parse_id(key[6:])] = (value or "").strip().upper() or None
        try:
            for application_id, code in wanted.items():
                if rows[application_id].booth_code != code:
                    services.assign_booth(current_user, rows[application_id], None)
            for application_id, code in wanted.items():
                if code and rows[application_id].booth_code != code:
                    services.assign_booth(current_user, rows[application_id], code)
                    changed += 1
        except DomainError as error:
            db.session.rollback()
            errors.append(error.message)
        if errors:
            for message in errors:
                flash(message, "error")
        else:
            db.session.commit()
            flash(_("%(n)d booth(s) assigned.", n=changed), "success")
        return redirect(url_for("exhibitors.booths", forum=forum.slug))
    rows = listing.approved_with_solutions(forum)
    codes = services.booth_codes(forum)
    holders = {a.booth_code: a for a in rows if a.booth_code}
    return render_template("exhibitors/booths.html", forum=forum, rows=rows, codes=codes, holders=holders)


@bp.route("/forums/<forum>/export.<fmt>")
@requires("exhibitor.review")
def export(forum: str, fmt: str):
    forum = get_forum(forum)
    kind = request.args.get("kind", "applications")
    if kind == "exhibitors":
        columns, rows = listing.EXHIBITOR_COLUMNS, listing.exhibitor_rows(forum)
    else:
        kind, columns, rows = "applications", listing.APPLICATION_COLUMNS, listing.application_rows(forum)
    name = f"{forum.slug}-{kind}.{fmt}"
    if fmt == "csv":
        body, mimetype = listing.to_csv(columns, rows), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = listing.to_xlsx(columns, rows, kind)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise NotFound()
    # Contact names and addresses leaving the app: who took them, when and from where.
    record(current_user, "exhibitor.export", forum, forum_id=forum.id, changes={"kind": kind, "format": fmt})
    db.session.commit()
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/themes", methods=["GET", "POST"])
@requires("theme.manage")
def themes():
    form = ThemeForm()
    if form.validate_on_submit():
        theme_id = request.form.get("theme_id", "")
        theme = db.session.get(Theme, parse_id(theme_id)) if parse_id(theme_id) else None
        try:
            services.save_theme(current_user, theme, name_en=form.name_en.data, name_zh=form.name_zh.data,
                                active=form.active.data)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The theme list is saved."), "success")
            return redirect(url_for("exhibitors.themes"))
    return render_template("exhibitors/themes.html", form=form, themes=services.list_themes(active_only=False))


# --- the directory ----------------------------------------------------------------------------

@bp.route("/directory")
@requires("directory.view")
def directory_current():
    return redirect(url_for("exhibitors.directory", forum=_forum_or_404().slug))


@bp.route("/forums/<forum>/directory")
@requires("directory.view")
def directory(forum: str):
    forum = _visible_forum(forum)
    try:
        trl = int(request.args.get("trl") or 0) or None
    except ValueError:
        trl = None
    try:
        page = max(1, int(request.args.get("page") or 1))
    except ValueError:
        page = 1
    query = listing.DirectoryQuery(q=request.args.get("q", "")[:100], theme=request.args.get("theme", ""),
                                   trl_min=trl, sector=request.args.get("sector", ""), page=page)
    rows, total = listing.directory(forum, query)
    pages = max(1, -(-total // listing.PAGE_SIZE))
    return render_template("exhibitors/directory.html", forum=forum, rows=rows, total=total, query=query,
                           pages=pages, themes=services.list_themes(), sector_labels=SECTOR_LABELS)


@bp.route("/forums/<forum>/exhibitors/<int:company_id>")
@requires("directory.view")
def exhibitor(forum: str, company_id: int):
    forum = _visible_forum(forum)
    application = services.application_of(forum, company_id)
    if application is None or application.status != ApplicationStatus.approved:
        raise NotFound()
    return render_template("exhibitors/exhibitor.html", forum=forum, application=application,
                           company=application.company, sector_labels=SECTOR_LABELS)


@bp.route("/forums/<forum>/booths/<code>")
@requires("directory.view")
def booth(forum: str, code: str):
    forum = _visible_forum(forum)
    application = services.application_by_booth(forum, code)
    return render_template("exhibitors/exhibitor.html", forum=forum, application=application,
                           company=application.company, sector_labels=SECTOR_LABELS)


@bp.route("/forums/<forum>/catalogue.pdf")
@requires("directory.view")
def catalogue(forum: str):
    forum = _visible_forum(forum)
    pdf = documents.catalogue(forum)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{forum.slug}-catalogue.pdf"'})

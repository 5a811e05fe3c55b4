"""The organisers' review: the list with filters and counts, decisions, demo scores and selection,
booths, exports and the theme list.
"""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..refs import parse_id
from ..audit.services import record
from ..errors import DomainError, NotFound
from ..extensions import db
from ..form_actions import commit_or_flash, submit
from ..forums.services import get_forum
from ..permissions import requires
from ..routes import Routes
from . import directory as listing
from . import applications, exports, review_queries
from . import review as reviewing
from . import themes as theme_list
from .forms import SECTOR_LABELS, STATUS_LABELS, DecisionForm, DemoScoreForm, ThemeForm
from .models import Theme
from .view_support import current_forum_or_404

routes = Routes()


@routes.route("/review")
@requires("exhibitor.review")
def review_current():
    return redirect(url_for("exhibitors.review", forum=current_forum_or_404().slug))


@routes.route("/forums/<forum>/review")
@requires("exhibitor.review")
def review(forum: str):
    forum = get_forum(forum)
    filters = {k: request.args.get(k, "") for k in ("status", "theme", "sector", "demo")}
    if filters["status"] and filters["status"] not in STATUS_LABELS:
        filters["status"] = ""
    rows = review_queries.review_rows(forum, **filters)
    counts = review_queries.status_counts(forum)
    return render_template("exhibitors/review.html", forum=forum, rows=rows, counts=counts, filters=filters,
                           themes=theme_list.list_themes(active_only=False), sector_labels=SECTOR_LABELS,
                           status_labels=STATUS_LABELS, decision_form=DecisionForm())


@routes.route("/forums/<forum>/review/decide", methods=["POST"])
@requires("exhibitor.review")
def decide_many(forum: str):
    forum = get_forum(forum)
    form = DecisionForm()
    ids = [i for i in map(parse_id, request.form.getlist("ids")) if i is not None]
    if not form.validate_on_submit() or not ids:
        flash(_("Tick at least one application and choose a decision."), "error")
    else:
        try:
            done, refused = reviewing.decide_many(current_user, forum, ids, form.decision.data, form.reason.data)
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


@routes.route("/applications/<int:application_id>/decide", methods=["POST"])
@requires("exhibitor.review")
def decide(application_id: int):
    application = applications.get_application(current_user, application_id)
    form = DecisionForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: reviewing.decide(current_user, application, form.decision.data, form.reason.data),
                        _("The decision is recorded and the company is told."))
    return redirect(request.form.get("back") == "review" and url_for("exhibitors.review", forum=application.forum.slug)
                    or url_for("exhibitors.application", application_id=application_id))


@routes.route("/applications/<int:application_id>/demo-score", methods=["POST"])
@requires("exhibitor.review")
def score_demo(application_id: int):
    application = applications.get_application(current_user, application_id)
    form = DemoScoreForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: reviewing.score_demo(current_user, application, form.score.data, form.comment.data),
                        _("Your score is saved."))
    return redirect(url_for("exhibitors.application", application_id=application_id))


@routes.route("/applications/<int:application_id>/demo-select", methods=["POST"])
@requires("exhibitor.review")
def select_demo(application_id: int):
    application = applications.get_application(current_user, application_id)
    commit_or_flash(lambda: reviewing.select_demo(current_user, application, request.form.get("selected") == "1"))
    return redirect(request.referrer and request.referrer.startswith(request.host_url) and request.referrer
                    or url_for("exhibitors.application", application_id=application_id))


@routes.route("/forums/<forum>/booths", methods=["GET", "POST"])
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
                    reviewing.assign_booth(current_user, rows[application_id], None)
            for application_id, code in wanted.items():
                if code and rows[application_id].booth_code != code:
                    reviewing.assign_booth(current_user, rows[application_id], code)
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
    codes = reviewing.booth_codes(forum)
    holders = {a.booth_code: a for a in rows if a.booth_code}
    return render_template("exhibitors/booths.html", forum=forum, rows=rows, codes=codes, holders=holders)


@routes.route("/forums/<forum>/export.<fmt>")
@requires("exhibitor.review")
def export(forum: str, fmt: str):
    forum = get_forum(forum)
    kind = request.args.get("kind", "applications")
    if kind == "exhibitors":
        columns, rows = exports.EXHIBITOR_COLUMNS, exports.exhibitor_rows(forum)
    else:
        kind, columns, rows = "applications", exports.APPLICATION_COLUMNS, exports.application_rows(forum)
    name = f"{forum.slug}-{kind}.{fmt}"
    if fmt == "csv":
        body, mimetype = exports.to_csv(columns, rows), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = exports.to_xlsx(columns, rows, kind)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise NotFound()
    # Contact names and addresses leaving the app: who took them, when and from where.
    record(current_user, "exhibitor.export", forum, forum_id=forum.id, changes={"kind": kind, "format": fmt})
    db.session.commit()
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@routes.route("/themes", methods=["GET", "POST"])
@requires("theme.manage")
def themes():
    form = ThemeForm()

    def save():
        theme_id = parse_id(request.form.get("theme_id", ""))
        theme = db.session.get(Theme, theme_id) if theme_id else None
        theme_list.save_theme(current_user, theme, name_en=form.name_en.data, name_zh=form.name_zh.data,
                              active=form.active.data)

    done = submit(form, save, success=_("The theme list is saved."), to=url_for("exhibitors.themes"))
    return done or render_template("exhibitors/themes.html", form=form, themes=theme_list.list_themes(active_only=False))

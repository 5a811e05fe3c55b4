"""Pilot pages: the table, the pipeline board, a pilot, a site's and a company's pilots."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..datalab.applications import cited_by_pilot
from ..errors import DomainError, PermissionDenied
from ..extensions import db
from ..form_actions import show_domain_error, submit
from ..home.next_steps import Step, step
from ..i18n import both_names, name_of
from ..permissions import can, requires
from ..sites.services import get_site
from ..refs import parse_id
from . import documents, followups, queries, services, stages
from . import from_bookmark as from_bookmark_
from .follow_up_views import add_follow_up_routes
from .forms import (AddSiteForm, ChampionForm, CommentForm, DocumentForm, EditForm, MoveForm, PilotForm,
                    SiteOutcomeForm)
from .models import Stage
from .timeline import ORIGIN_LABELS, timeline

bp = Blueprint("pilots", __name__, url_prefix="/pilots")
add_follow_up_routes(bp)



@step("partnership", "organiser", "admin", order=60)
def _pilot_steps(user, forum):
    out = []
    waiting = queries.attention(user, stale_days())
    if waiting["stale"] or waiting["due"]:
        out.append(Step(_l("Pilots need attention"), url_for("pilots.attention"),
                        _l("%(stale)d with no update for %(days)d days, %(due)d evaluations due.",
                           stale=waiting["stale_count"], days=stale_days(), due=waiting["due_count"])))
    out.append(Step(_l("Move pilots along the pipeline"), url_for("pilots.board")))
    if can(user, "pilot.dashboard"):
        out.append(Step(_l("See what the forums lead to"), url_for("pilot_dashboard.dashboard")))
    return out


def stale_days() -> int:
    return int(current_app.config["PILOTS_STALE_DAYS"])


@bp.app_context_processor
def _labels():
    return {"stage_labels": stages.STAGE_LABELS, "reason_labels": stages.REASON_LABELS,
            "origin_labels": ORIGIN_LABELS, "follow_up_labels": followups.ANSWER_LABELS}


@bp.route("/")
@requires("pilot.view")
def index():
    f = queries.PilotFilter.from_args(request.args)
    page = queries.table(current_user, f, page=request.args.get("page", 1, type=int))
    return render_template("pilots/index.html", page=page, f=f, choices=queries.filter_choices(), Stage=Stage)


@bp.route("/board")
@requires("pilot.view")
def board():
    f = queries.PilotFilter.from_args(request.args)
    return render_template("pilots/board.html", columns=queries.board(current_user, f), f=f,
                           choices=queries.filter_choices(), limit=queries.BOARD_LIMIT, allowed=stages.allowed_from)


def _sponsors(form):
    from ..accounts.models import User

    form.sponsor_user_id.choices = [("", "—")] + [(str(u.id), f"{both_names(u)} <{u.email}>") for u in
                                                  db.session.scalars(sa.select(User).where(
                                                      User.role == "ha_staff", User.active.is_(True))
                                                      .order_by(User.name_en))]
    return form


def _pilot_form(form: PilotForm) -> PilotForm:
    from ..exhibitors.models import Company, Solution
    from ..forums.models import Forum
    from ..sites.models import Site

    form.company_id.choices = [("", "—")] + [(str(c.id), name_of(c)) for c in db.session.scalars(
        sa.select(Company).order_by(Company.name_en))]
    company = form.company_id.data or request.args.get("company")
    solutions = db.session.scalars(sa.select(Solution).where(Solution.company_id == parse_id(company or ""))
                                   .order_by(Solution.id)).all() if parse_id(company or "") else []
    form.solution_id.choices = [("", "—")] + [(str(s.id), name_of(s, "title")) for s in solutions]
    form.sites.choices = [(str(s.id), f"{name_of(s)} ({s.cluster.code if s.cluster else s.kind})") for s in
                          db.session.scalars(sa.select(Site).where(Site.active.is_(True)).order_by(Site.name_en))]
    form.forums.choices = [(str(f.id), name_of(f, "title")) for f in
                           db.session.scalars(sa.select(Forum).order_by(Forum.starts_at.desc()))]
    return _sponsors(form)


@bp.route("/new", methods=["GET", "POST"])
@requires("pilot.edit")
def create():
    form = _pilot_form(PilotForm())
    if request.method == "GET":
        form.company_id.data = request.args.get("company") or form.company_id.data
        if request.args.get("forum"):
            form.forums.data = [request.args["forum"]]
        # Prefilled from a meeting's outcome "propose a pilot" (forum/matchmaking/meeting_outcomes.py).
        form.solution_id.data = request.args.get("solution") or form.solution_id.data
        form.sites.data = request.args.getlist("site") or form.sites.data
    origin = {"company": "company_page", "meeting": "meeting"}.get(request.args.get("from"), "forum")
    ref = request.args.get("meeting", type=int) if origin == "meeting" else None
    return _propose(form, lambda: services.create_pilot(current_user, form.values(), origin_kind=origin,
                                                        origin_ref=ref))


def _propose(form, action, **page):
    """Validate the pilot form, run the proposing service, commit and open the pilot; else the form again."""
    done = submit(form, action, success=_("The pilot is proposed."),
                  to=lambda pilot: url_for("pilots.show", pilot_id=pilot.id))
    return done or render_template("pilots/form.html", form=form, **page)


@bp.route("/from-bookmark/<int:bookmark_id>", methods=["GET", "POST"])
@requires("pilot.propose_from_bookmark")
def from_bookmark(bookmark_id: int):
    """The pilot form prefilled from a bookmark; the pilot keeps a link back to it."""
    bookmark = from_bookmark_.get_bookmark(current_user, bookmark_id)
    form = _pilot_form(PilotForm(data=from_bookmark_.prefill(bookmark) if request.method == "GET" else None))
    del form.forums  # the bookmark's forum
    if not can(current_user, "pilot.edit"):  # an HA owner proposes their own bookmark's solution, as sponsor
        for name in ("company_id", "solution_id", "sponsor_user_id"):
            delattr(form, name)
    names = [name for name in form.FIELDS + ("company_id", "solution_id", "sites") if name in form]
    return _propose(form, lambda: from_bookmark_.propose(current_user, bookmark, {n: form[n].data for n in names}),
                    bookmark=bookmark)


def _page(pilot, **forms):
    move = forms.get("move") or MoveForm(formdata=None, version=pilot.version)
    move.site.choices = [("", _("The whole pilot"))] + [(str(s.site_id), name_of(s.site)) for s in pilot.sites]
    champion = forms.get("champion") or ChampionForm(formdata=None, version=pilot.version)
    champion.pilot_site_id.choices = [(str(s.id), name_of(s.site)) for s in pilot.sites]
    add_site = forms.get("add_site") or AddSiteForm(formdata=None, version=pilot.version)
    add_site.site_id.choices = _pilot_form(PilotForm(formdata=None)).sites.choices
    edit = _sponsors(forms.get("edit") or EditForm(formdata=None, obj=pilot))
    edit.version.data = pilot.version
    before = {ps.id: queries.similar_before(current_user, ps.site_id, pilot) for ps in pilot.sites
              if ps.stage in (Stage.proposed, Stage.under_assessment, Stage.approved)}
    return render_template("pilots/show.html", pilot=pilot, move=move, champion=champion, add_site=add_site,
                           edit=edit, comment=forms.get("comment") or CommentForm(formdata=None),
                           outcome_forms={ps.id: SiteOutcomeForm(formdata=None, obj=ps, version=pilot.version)
                                          for ps in pilot.sites},
                           history=timeline(pilot.id), before=before,
                           origin_bookmarks=from_bookmark_.origin_bookmarks(pilot),
                           document=forms.get("document") or DocumentForm(formdata=None),
                           document_kinds=documents.KINDS, allowed=stages.allowed_from(pilot.stage),
                           can_move=any(stages.allowed_from(s) for s in [pilot.stage] + [p.stage for p in pilot.sites]),
                           lab_projects=cited_by_pilot(pilot.id),
                           status=forms.get("status", 200)), forms.get("status", 200)


@bp.route("/<int:pilot_id>")
@requires("pilot.view")
def show(pilot_id: int):
    return _page(services.get_pilot(current_user, pilot_id))


def _attempt(pilot, form, name: str, action, success: str):
    """Run a service for a posted form: commit and redirect, or show the refusal next to its field."""
    if form.validate_on_submit():
        try:
            action()
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
            pilot = services.get_pilot(current_user, pilot.id)
            return _page(pilot, **{name: form, "status": error.status})
        db.session.commit()
        flash(success, "success")
        return redirect(url_for("pilots.show", pilot_id=pilot.id))
    return _page(pilot, **{name: form, "status": 400})


@bp.route("/<int:pilot_id>/edit", methods=["POST"])
@requires("pilot.edit")
def edit(pilot_id: int):
    pilot = services.get_pilot(current_user, pilot_id)
    form = EditForm()
    return _attempt(pilot, form, "edit", lambda: services.update_pilot(
        current_user, pilot, form.values(), read_version=form.version.data), _("The pilot is saved."))


@bp.route("/<int:pilot_id>/move", methods=["POST"])
@requires("pilot.edit")
def move(pilot_id: int):
    pilot = services.get_pilot(current_user, pilot_id)
    form = MoveForm()
    form.site.choices = [("", "")] + [(str(s.site_id), "") for s in pilot.sites]

    def action():
        stages.move(current_user, pilot, form.stage.data, read_version=form.version.data, site_id=form.site.data,
                    comment=form.comment.data, reason=form.reason.data, reason_detail=form.reason_detail.data,
                    on=form.on.data)

    if form.back.data == "board":  # the board's cards: back to the board, the refusal on top
        try:
            if not form.validate_on_submit():
                raise DomainError(_("Please correct the marked fields."))
            action()
        except DomainError as error:
            db.session.rollback()
            flash(f"{pilot.title}: {error.message}", "error")
        else:
            db.session.commit()
            flash(_("%(title)s is now %(stage)s.", title=pilot.title,
                    stage=stages.STAGE_LABELS[Stage(form.stage.data)]), "success")
        return redirect(url_for("pilots.board"))
    return _attempt(pilot, form, "move", action, _("The stage is changed."))


@bp.route("/<int:pilot_id>/sites/<int:pilot_site_id>", methods=["POST"])
@requires("pilot.edit")
def site_outcome(pilot_id: int, pilot_site_id: int):
    pilot = services.get_pilot(current_user, pilot_id)
    form = SiteOutcomeForm()
    data = {k: getattr(form, k).data for k in ("success_measures", "results", "decision")}
    try:
        if not form.validate_on_submit():
            raise DomainError(_("Please correct the marked fields."))
        services.update_site(current_user, pilot, pilot_site_id, data, read_version=form.version.data)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _page(services.get_pilot(current_user, pilot_id), status=error.status)
    db.session.commit()
    flash(_("The site's outcome is saved."), "success")
    return redirect(url_for("pilots.show", pilot_id=pilot.id))


@bp.route("/<int:pilot_id>/champions", methods=["POST"])
@requires("pilot.edit")
def add_champion(pilot_id: int):
    pilot = services.get_pilot(current_user, pilot_id)
    form = ChampionForm()
    form.pilot_site_id.choices = [(str(s.id), "") for s in pilot.sites]
    return _attempt(pilot, form, "champion", lambda: services.add_champion(
        current_user, pilot, int(form.pilot_site_id.data), form.name.data, form.title.data,
        read_version=form.version.data), _("The champion is added."))


@bp.route("/<int:pilot_id>/sites", methods=["POST"])
@requires("pilot.edit")
def add_site(pilot_id: int):
    pilot = services.get_pilot(current_user, pilot_id)
    form = AddSiteForm()
    form.site_id.choices = [(form.site_id.data, "")] if form.site_id.data else []
    return _attempt(pilot, form, "add_site", lambda: services.add_site(
        current_user, pilot, form.site_id.data, read_version=form.version.data), _("The site is added."))


@bp.route("/<int:pilot_id>/comments", methods=["POST"])
@requires("pilot.comment")
def comment(pilot_id: int):
    pilot = services.get_pilot(current_user, pilot_id)
    form = CommentForm()
    return _attempt(pilot, form, "comment", lambda: services.add_comment(current_user, pilot, form.body.data),
                    _("The comment is added."))


@bp.route("/<int:pilot_id>/documents", methods=["POST"])
@requires("pilot.edit")
def add_document(pilot_id: int):
    pilot = services.get_pilot(current_user, pilot_id)
    form = DocumentForm()
    upload = form.file.data
    return _attempt(pilot, form, "document", lambda: documents.add_document(
        current_user, pilot, form.kind.data, upload.read(), upload.filename or ""), _("The document is added."))


@bp.route("/<int:pilot_id>/documents/<int:document_id>")
@requires("pilot.view")
def document(pilot_id: int, document_id: int):
    found, data = documents.document(services.get_pilot(current_user, pilot_id), document_id)
    from ..exhibitors.uploads import download_name

    return Response(data, mimetype=found.file.content_type, headers={
        "Content-Disposition": f'attachment; filename="{download_name(found.file)}"',
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})


@bp.route("/sites/<int:site_id>")
@requires("pilot.view")
def site(site_id: int):
    place = get_site(site_id)
    rows = queries.at_site(current_user, place.id)
    return render_template("pilots/site.html", place=place, rows=rows, warnings=queries.few_champions(rows))


@bp.route("/companies/<int:company_id>")
@requires("pilot.view")
def company(company_id: int):
    from ..exhibitors.models import Company

    found = db.session.get(Company, company_id)
    if found is None or not can(current_user, "pilot.company_page", found):
        raise PermissionDenied()
    f = queries.PilotFilter(company=company_id)
    page = queries.table(current_user, f, per_page=100)
    return render_template("pilots/company.html", company=found, page=page)


@bp.route("/attention")
@requires("pilot.edit")
def attention():
    return render_template("pilots/attention.html", data=queries.attention(current_user, stale_days()),
                           days=stale_days())

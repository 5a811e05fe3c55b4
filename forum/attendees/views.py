from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from . import permissions  # noqa: F401  (grants before @requires)
from ..errors import DomainError, NotFound
from ..exhibitors.services import list_themes
from ..extensions import db
from ..forms_util import commit_or_flash, show_domain_error
from ..forums.services import current_forum, get_forum
from ..home.next_steps import Step, step
from ..i18n import current_locale, name_of
from ..nav import nav_link
from ..permissions import can, public, requires
from ..qr import qr_svg
from ..sites.services import list_clusters, list_sites
from . import badges, importer, services
from .export import export_file
from .forms import (KIND_LABELS, PDPO_PURPOSE, STATUS_LABELS, AttendeeForm, ConfirmImportForm, ImportForm,
                    RegistrationForm)
from .models import AttendeeStatus
from .tickets import code_for, current_ticket, grouped

bp = Blueprint("attendees", __name__)
bp.add_app_template_filter(grouped, "grouped")
WEB_BADGE_LIMIT = 1000


@bp.record_once
def _commands(state):
    from .cli import register_commands

    register_commands(state.app)


nav_link("attendees.home", _l("Attendees"), "attendee.manage", 20)
nav_link("attendees.my_ticket", _l("My ticket"), "attendee.respond_own", 25)


def _filter_from_args() -> services.AttendeeFilter:
    site = request.args.get("site", "")
    return services.AttendeeFilter(q=request.args.get("q", "").strip(), cluster=request.args.get("cluster", ""),
                                   site_id=int(site) if site.isdigit() else None,
                                   status=request.args.get("status", ""), kind=request.args.get("kind", ""))


# --- organisers --------------------------------------------------------------------------------------

@bp.route("/attendees/")
@requires("attendee.manage")
def home():
    forum = current_forum()
    if forum is None:
        flash(_("Create a forum first."), "info")
        return redirect(url_for("forums.index"))
    return redirect(url_for("attendees.index", forum=forum.slug))


@bp.route("/forums/<forum>/attendees/")
@requires("attendee.manage")
def index(forum: str):
    forum = get_forum(forum)
    f = _filter_from_args()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    rows, total = services.list_attendees(forum, f, page=page)
    arrived = services.arrived_among(forum, [a.id for a in rows])
    return render_template("attendees/index.html", forum=forum, rows=rows, total=total, page=page, per_page=50,
                           arrived=arrived,
                           f=f, clusters=list_clusters(), sites=list_sites(), counts=services.status_counts(forum),
                           status_labels=STATUS_LABELS, kind_labels=KIND_LABELS,
                           args={k: v for k, v in request.args.items() if k != "page"})


@bp.route("/forums/<forum>/attendees/export.<fmt>")
@requires("attendee.manage")
def export(forum: str, fmt: str):
    forum = get_forum(forum)
    if fmt not in ("csv", "xlsx"):
        raise NotFound()
    content = export_file(current_user, forum, fmt, _filter_from_args())
    db.session.commit()  # the download's audit record
    mimetype = "text/csv" if fmt == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(content, mimetype=mimetype,
                    headers={"Content-Disposition": f"attachment; filename={forum.slug}-attendees.{fmt}"})


_UPLOAD = re.compile(r"^[0-9a-f]{32}\.(csv|xlsx|txt)$")


def _upload_dir() -> Path:
    """Uploads wait here between the preview and the confirmation; those left for a day are removed."""
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    stale = time.time() - 86400
    for old in folder.glob("*"):
        if old.stat().st_mtime < stale:
            old.unlink(missing_ok=True)
    return folder


@bp.route("/forums/<forum>/attendees/import", methods=["GET", "POST"])
@requires("attendee.manage")
def import_list(forum: str):
    """Upload, then a preview of what would be created, updated and skipped, and every bad row."""
    forum = get_forum(forum)
    form = ImportForm()
    plan = confirm = None
    if form.validate_on_submit():
        upload = form.file.data
        content = upload.read()
        suffix = "xlsx" if content[:4] == b"PK\x03\x04" else "csv"
        name = f"{secrets.token_hex(16)}.{suffix}"
        (_upload_dir() / name).write_bytes(content)
        plan = importer.plan_import(current_user, forum, content, upload.filename or "")
        db.session.rollback()
        confirm = ConfirmImportForm(upload=name)
    return render_template("attendees/import.html", forum=forum, form=form, plan=plan, confirm=confirm)


@bp.route("/forums/<forum>/attendees/import/confirm", methods=["POST"])
@requires("attendee.manage")
def confirm_import(forum: str):
    forum = get_forum(forum)
    form = ConfirmImportForm()
    if not form.validate_on_submit() or not _UPLOAD.match(form.upload.data or ""):
        flash(_("Upload the file again."), "error")
        return redirect(url_for("attendees.import_list", forum=forum.slug))
    path = _upload_dir() / form.upload.data
    if not path.exists():
        flash(_("Upload the file again."), "error")
        return redirect(url_for("attendees.import_list", forum=forum.slug))
    plan = importer.plan_import(current_user, forum, path.read_bytes(), path.name)
    if plan.errors and not form.only_valid.data:
        db.session.rollback()
        flash(_("Nothing was imported: the file has bad rows. Fix them, or choose to import only the valid rows."),
              "error")
        return render_template("attendees/import.html", forum=forum, form=ImportForm(), plan=plan, confirm=form)
    importer.apply_import(current_user, forum, plan, only_valid=form.only_valid.data)
    db.session.commit()
    path.unlink(missing_ok=True)
    flash(_("Imported: %(created)d new, %(updated)d updated, %(skipped)d unchanged, %(bad)d bad rows left out.",
            created=plan.created, updated=plan.updated, skipped=plan.skipped, bad=len(plan.errors)), "success")
    return redirect(url_for("attendees.index", forum=forum.slug))


def _site_choices(form: AttendeeForm) -> AttendeeForm:
    form.site_id.choices = [("", _("None"))] + [
        (str(s.id), f"{s.name_en} {s.name_zh}") for s in list_sites()]
    return form


@bp.route("/forums/<forum>/attendees/new", methods=["GET", "POST"])
@requires("attendee.manage")
def create(forum: str):
    forum = get_forum(forum)
    form = _site_choices(AttendeeForm())
    if request.method == "GET" and request.args.get("walk_in"):
        form.walk_in.data = True
    if form.validate_on_submit():
        try:
            attendee = services.add_attendee(current_user, forum, form.data, walk_in=form.walk_in.data,
                                             invite=form.invite.data)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("%(name)s is added.", name=attendee.display_name), "success")
            return redirect(url_for("attendees.show", forum=forum.slug, attendee_id=attendee.id))
    return render_template("attendees/form.html", forum=forum, form=form)


@bp.route("/forums/<forum>/attendees/invite", methods=["POST"])
@requires("attendee.manage")
def invite_pending(forum: str):
    forum = get_forum(forum)
    count = services.send_pending_invitations(current_user, forum)
    db.session.commit()
    flash(_("%(n)d invitations sent.", n=count), "success")
    return redirect(url_for("attendees.index", forum=forum.slug))


@bp.route("/forums/<forum>/attendees/badges.pdf")
@requires("attendee.manage")
def forum_badges(forum: str):
    forum = get_forum(forum)
    layout = request.args.get("layout", "a4")
    count = badges.forum_badge_count(forum)
    if count > WEB_BADGE_LIMIT:
        # About 20 s per 1,000 badges: more would outlast a web request. The command streams to a file.
        flash(_("%(n)d badges are too many for one download: run `flask badges %(forum)s -o badges.pdf` on the server.",
                n=count, forum=forum.slug), "error")
        return redirect(url_for("attendees.index", forum=forum.slug))
    pdf = badges.forum_badges_pdf(current_user, forum, layout=layout)
    db.session.commit()  # the download's audit record
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename={forum.slug}-badges-{layout}.pdf"})


@bp.route("/forums/<forum>/attendees/<int:attendee_id>")
@requires("attendee.manage")
def show(forum: str, attendee_id: int):
    forum = get_forum(forum)
    attendee = services.get_attendee(forum, attendee_id)
    ticket = current_ticket(attendee)
    code = code_for(ticket) if ticket else None
    return render_template("attendees/show.html", forum=forum, a=attendee, code=code,
                           qr=qr_svg(code) if code else None, status_labels=STATUS_LABELS,
                           kind_labels=KIND_LABELS)


@bp.route("/forums/<forum>/attendees/<int:attendee_id>/edit", methods=["GET", "POST"])
@requires("attendee.manage")
def edit(forum: str, attendee_id: int):
    forum = get_forum(forum)
    attendee = services.get_attendee(forum, attendee_id)
    form = _site_choices(AttendeeForm(obj=attendee))
    del form.walk_in, form.invite
    if request.method == "GET":
        form.site_id.data = str(attendee.site_id or "")
        form.kind.data = attendee.kind.value
    if form.validate_on_submit():
        try:
            services.update_attendee(current_user, attendee, form.data)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The details are saved."), "success")
            return redirect(url_for("attendees.show", forum=forum.slug, attendee_id=attendee.id))
    return render_template("attendees/form.html", forum=forum, form=form, attendee=attendee)


@bp.route("/forums/<forum>/attendees/<int:attendee_id>/badge.pdf")
@requires("attendee.badge")
def badge(forum: str, attendee_id: int):
    forum = get_forum(forum)
    attendee = services.get_attendee(forum, attendee_id)
    layout = request.args.get("layout", "a6")
    pdf = badges.one_badge(current_user, attendee, layout)
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=badge-{attendee.id}.pdf"})


@bp.route("/forums/<forum>/attendees/<int:attendee_id>/invite", methods=["POST"])
@requires("attendee.manage")
def invite(forum: str, attendee_id: int):
    forum = get_forum(forum)
    attendee = services.get_attendee(forum, attendee_id)
    services.send_invitation(current_user, attendee)
    db.session.commit()
    flash(_("The invitation is sent to %(email)s.", email=attendee.email), "success")
    return redirect(url_for("attendees.show", forum=forum.slug, attendee_id=attendee.id))


@bp.route("/forums/<forum>/attendees/<int:attendee_id>/reissue", methods=["POST"])
@requires("attendee.manage")
def reissue(forum: str, attendee_id: int):
    forum = get_forum(forum)
    attendee = services.get_attendee(forum, attendee_id)
    commit_or_flash(lambda: services.reissue_ticket(current_user, attendee),
                    _("A new ticket is issued and mailed; the old code no longer works."))
    return redirect(url_for("attendees.show", forum=forum.slug, attendee_id=attendee.id))


@bp.route("/forums/<forum>/attendees/<int:attendee_id>/answer", methods=["POST"])
@requires("attendee.manage")
def answer(forum: str, attendee_id: int):
    forum = get_forum(forum)
    attendee = services.get_attendee(forum, attendee_id)
    commit_or_flash(lambda: services.answer_for(current_user, attendee, request.form.get("answer", "")),
                    _("The answer is recorded."))
    return redirect(url_for("attendees.show", forum=forum.slug, attendee_id=attendee.id))


# --- the invited person ------------------------------------------------------------------------------

def _respond(attendee, *, token: str | None, actor, ticket_url: str, action_url: str):
    form = RegistrationForm(obj=attendee if request.method == "GET" else None)
    form.themes.choices = [(t.key, name_of(t)) for t in list_themes()]  # the organisers' one theme list
    choice = request.form.get("answer")
    if request.method == "POST" and choice in ("decline", "cancel"):
        # The CSRF token is checked for every POST before the view runs.
        try:
            (services.decline if choice == "decline" else services.cancel)(attendee, actor=actor)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Your answer is saved. Thank you for letting us know.") if choice == "decline"
                  else _("Your registration is cancelled and your ticket no longer works."), "info")
        return redirect(action_url)
    elif form.validate_on_submit():
        mailed = services.ticket_will_be_mailed(attendee)
        try:
            services.register(attendee, {**form.data, "consent_wording": str(PDPO_PURPOSE),
                                         "consent_locale": current_locale()}, actor=actor, token=token)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("You are registered. Your ticket is on its way by email.") if mailed
                  else _("Your choices are saved. Your ticket has not changed."), "success")
            return redirect(ticket_url)
    return render_template("attendees/respond.html", a=attendee, forum=attendee.forum, form=form,
                           action_url=action_url, ticket_url=ticket_url)


@bp.route("/rsvp/<token>", methods=["GET", "POST"])
@public
def respond(token: str):
    """The personal link in the invitation: confirm (themes, needs, consent), decline, or cancel later."""
    attendee = services.attendee_for_token(token)
    actor = current_user if current_user.is_authenticated else None
    return _respond(attendee, token=token, actor=actor, action_url=url_for("attendees.respond", token=token),
                    ticket_url=url_for("attendees.token_ticket", token=token))


@bp.route("/rsvp/<token>/ticket")
@public
def token_ticket(token: str):
    attendee = services.attendee_for_token(token)
    return _ticket_page(attendee, respond_url=url_for("attendees.respond", token=token))


def _ticket_page(attendee, *, respond_url: str):
    ticket = current_ticket(attendee) if attendee.status == AttendeeStatus.registered else None
    code = code_for(ticket) if ticket else None
    return render_template("attendees/ticket.html", a=attendee, forum=attendee.forum, code=code,
                           qr=qr_svg(code, border=2) if code else None, respond_url=respond_url)


def _my_attendee(forum_ref: str | None):
    forum = get_forum(forum_ref) if forum_ref else current_forum()
    attendee = services.attendee_for_user(current_user, forum)
    if attendee is None:
        raise NotFound(_l("You are not on the invitation list of this forum."))
    db.session.commit()  # keeps the account linked when it was found by email
    return attendee


@bp.route("/my-ticket")
@requires("attendee.respond_own")
def my_ticket():
    forum_ref = request.args.get("forum")
    forum = get_forum(forum_ref) if forum_ref else current_forum()
    if forum is None or services.attendee_for_user(current_user, forum) is None:
        # Not a 404: say why there is no ticket and who can give one.
        return render_template("attendees/no_ticket.html", forum=forum), 404
    attendee = _my_attendee(forum_ref)
    if attendee.status == AttendeeStatus.invited:
        return redirect(url_for("attendees.my_invitation", forum=attendee.forum.slug))
    return _ticket_page(attendee, respond_url=url_for("attendees.my_invitation", forum=attendee.forum.slug))


@bp.route("/my-invitation", methods=["GET", "POST"])
@requires("attendee.respond_own")
def my_invitation():
    attendee = _my_attendee(request.args.get("forum"))
    here = url_for("attendees.my_invitation", forum=attendee.forum.slug)
    return _respond(attendee, token=None, actor=current_user, action_url=here,
                    ticket_url=url_for("attendees.my_ticket", forum=attendee.forum.slug))


# --- home page steps ---------------------------------------------------------------------------------

@step("admin", "organiser")
def _organiser_steps(user, forum):
    if forum is None:
        return []
    return [Step(_l("Import the HA invitation list"), url_for("attendees.import_list", forum=forum.slug),
                 _l("CSV or Excel; you see every change before anything is saved.")),
            Step(_l("Follow invitations and print badges"), url_for("attendees.index", forum=forum.slug))]


@step("admin", "organiser", "scanner", "exhibitor", "ha_staff", "partnership")
def _attendee_steps(user, forum):
    if forum is None or not can(user, "attendee.respond_own"):
        return []
    attendee = services.attendee_for_user(user, forum)
    if attendee is None:
        return []
    if attendee.status == AttendeeStatus.invited:
        return [Step(_l("Answer your invitation"), url_for("attendees.my_invitation", forum=forum.slug),
                     _l("Confirm, pick the themes you care about, or decline."))]
    if attendee.status == AttendeeStatus.registered:
        return [Step(_l("Show your ticket at the door"), url_for("attendees.my_ticket", forum=forum.slug),
                     _l("Your QR code, full screen."))]
    return []

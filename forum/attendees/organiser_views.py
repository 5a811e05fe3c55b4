"""Organisers' attendee pages: the list, import with preview, walk-ins, invitations, tickets, badges, exports."""
from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..refs import parse_id
from ..errors import NotFound
from ..extensions import db
from ..form_actions import commit_or_flash, submit
from ..forums.services import current_forum, get_forum
from ..permissions import requires
from ..qr import qr_svg
from ..routes import Routes
from ..sites.services import list_clusters, list_sites
from . import badges, importer, invitations, people, registration, ticket_mail
from .export import export_file
from .forms import KIND_LABELS, STATUS_LABELS, AttendeeForm, ConfirmImportForm, ImportForm
from .tickets import code_for, current_ticket

routes = Routes()
WEB_BADGE_LIMIT = 1000


def _filter_from_args() -> people.AttendeeFilter:
    site = request.args.get("site", "")
    return people.AttendeeFilter(q=request.args.get("q", "").strip(), cluster=request.args.get("cluster", ""),
                                 site_id=parse_id(site),
                                 status=request.args.get("status", ""), kind=request.args.get("kind", ""))


@routes.route("/attendees/")
@requires("attendee.manage")
def home():
    forum = current_forum()
    if forum is None:
        flash(_("Create a forum first."), "info")
        return redirect(url_for("forums.index"))
    return redirect(url_for("attendees.index", forum=forum.slug))


@routes.route("/forums/<forum>/attendees/")
@requires("attendee.manage")
def index(forum: str):
    forum = get_forum(forum)
    f = _filter_from_args()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    found = people.list_attendees(forum, f, page=page)
    arrived = people.arrived_among(forum, [a.id for a in found.items])
    return render_template("attendees/index.html", forum=forum, rows=found.items, total=found.total, pagination=found,
                           arrived=arrived,
                           f=f, clusters=list_clusters(), sites=list_sites(), counts=people.status_counts(forum),
                           status_labels=STATUS_LABELS, kind_labels=KIND_LABELS,
                           args={k: v for k, v in request.args.items() if k != "page"})


@routes.route("/forums/<forum>/attendees/export.<fmt>")
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


@routes.route("/forums/<forum>/attendees/import", methods=["GET", "POST"])
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


@routes.route("/forums/<forum>/attendees/import/confirm", methods=["POST"])
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


@routes.route("/forums/<forum>/attendees/new", methods=["GET", "POST"])
@requires("attendee.manage")
def create(forum: str):
    forum = get_forum(forum)
    form = _site_choices(AttendeeForm())
    if request.method == "GET" and request.args.get("walk_in"):
        form.walk_in.data = True
    done = submit(form, lambda: people.add_attendee(current_user, forum, form.data, walk_in=form.walk_in.data,
                                                    invite=form.invite.data),
                  success=lambda attendee: _("%(name)s is added.", name=attendee.display_name),
                  to=lambda attendee: url_for("attendees.show", forum=forum.slug, attendee_id=attendee.id))
    return done or render_template("attendees/form.html", forum=forum, form=form)


@routes.route("/forums/<forum>/attendees/invite", methods=["POST"])
@requires("attendee.manage")
def invite_pending(forum: str):
    forum = get_forum(forum)
    count = invitations.send_pending_invitations(current_user, forum)
    db.session.commit()
    flash(_("%(n)d invitations sent.", n=count), "success")
    return redirect(url_for("attendees.index", forum=forum.slug))


@routes.route("/forums/<forum>/attendees/badges.pdf")
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


@routes.route("/forums/<forum>/attendees/<int:attendee_id>")
@requires("attendee.manage")
def show(forum: str, attendee_id: int):
    forum = get_forum(forum)
    attendee = people.get_attendee(forum, attendee_id)
    ticket = current_ticket(attendee)
    code = code_for(ticket) if ticket else None
    return render_template("attendees/show.html", forum=forum, a=attendee, code=code,
                           qr=qr_svg(code) if code else None, status_labels=STATUS_LABELS,
                           kind_labels=KIND_LABELS)


@routes.route("/forums/<forum>/attendees/<int:attendee_id>/edit", methods=["GET", "POST"])
@requires("attendee.manage")
def edit(forum: str, attendee_id: int):
    forum = get_forum(forum)
    attendee = people.get_attendee(forum, attendee_id)
    form = _site_choices(AttendeeForm(obj=attendee))
    del form.walk_in, form.invite
    if request.method == "GET":
        form.site_id.data = str(attendee.site_id or "")
        form.kind.data = attendee.kind.value
    done = submit(form, lambda: people.update_attendee(current_user, attendee, form.data),
                  success=_("The details are saved."),
                  to=url_for("attendees.show", forum=forum.slug, attendee_id=attendee.id))
    return done or render_template("attendees/form.html", forum=forum, form=form, attendee=attendee)


@routes.route("/forums/<forum>/attendees/<int:attendee_id>/badge.pdf")
@requires("attendee.badge")
def badge(forum: str, attendee_id: int):
    forum = get_forum(forum)
    attendee = people.get_attendee(forum, attendee_id)
    layout = request.args.get("layout", "a6")
    pdf = badges.one_badge(current_user, attendee, layout)
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=badge-{attendee.id}.pdf"})


@routes.route("/forums/<forum>/attendees/<int:attendee_id>/invite", methods=["POST"])
@requires("attendee.manage")
def invite(forum: str, attendee_id: int):
    forum = get_forum(forum)
    attendee = people.get_attendee(forum, attendee_id)
    invitations.send_invitation(current_user, attendee)
    db.session.commit()
    flash(_("The invitation is sent to %(email)s.", email=attendee.email), "success")
    return redirect(url_for("attendees.show", forum=forum.slug, attendee_id=attendee.id))


@routes.route("/forums/<forum>/attendees/<int:attendee_id>/reissue", methods=["POST"])
@requires("attendee.manage")
def reissue(forum: str, attendee_id: int):
    forum = get_forum(forum)
    attendee = people.get_attendee(forum, attendee_id)
    commit_or_flash(lambda: ticket_mail.reissue_ticket(current_user, attendee),
                    _("A new ticket is issued and mailed; the old code no longer works."))
    return redirect(url_for("attendees.show", forum=forum.slug, attendee_id=attendee.id))


@routes.route("/forums/<forum>/attendees/<int:attendee_id>/answer", methods=["POST"])
@requires("attendee.manage")
def answer(forum: str, attendee_id: int):
    forum = get_forum(forum)
    attendee = people.get_attendee(forum, attendee_id)
    commit_or_flash(lambda: registration.answer_for(current_user, attendee, request.form.get("answer", "")),
                    _("The answer is recorded."))
    return redirect(url_for("attendees.show", forum=forum.slug, attendee_id=attendee.id))

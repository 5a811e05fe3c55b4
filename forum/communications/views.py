"""Organisers' pages: the mail templates of a forum, the template editor and announcements."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import DomainError
from ..extensions import db
from ..form_actions import commit_or_flash, show_domain_error
from ..forums.services import get_forum
from ..i18n import hk_datetime, name_of
from ..jobs.services import ACTIVE
from ..permissions import requires
from . import announcements, previews, templates
from .forms import AnnouncementForm, TemplateForm
from .models import PENDING, AnnouncementGroup

bp = Blueprint("communications", __name__)


def _texts(form) -> dict[str, str]:
    return {name: getattr(form, name).data or "" for name in templates.FIELDS}


@bp.route("/forums/<forum>/mail/")
@requires("communications.manage")
def index(forum: str):
    forum = get_forum(forum)
    history = announcements.history(forum)
    return render_template("communications/index.html", forum=forum, kinds=templates.KINDS.values(),
                           overrides=templates.overrides(forum), history=history,
                           delivery=announcements.delivery_counts(history), group_labels=announcements.GROUP_LABELS)


@bp.route("/forums/<forum>/mail/<key>", methods=["GET", "POST"])
@requires("communications.manage")
def edit(forum: str, key: str):
    forum = get_forum(forum)
    kind = templates.kind(key)
    return editor(forum, kind, previews.records(forum, kind.about),
                  here=url_for("communications.edit", forum=forum.slug, key=key),
                  back=url_for("communications.index", forum=forum.slug),
                  reset=url_for("communications.reset", forum=forum.slug, key=key))


def editor(forum, kind, choices, *, here: str, back: str, reset: str):
    """The editor of one mail, a forum's or (forum None) the site's: preview, test, save."""
    key = kind.key
    people = [record for record, _label in choices]
    form = TemplateForm(data=templates.current_texts(forum, key) if request.method == "GET" else None)
    form.person.choices = [(record.id, label) for record, label in choices]
    shown = None
    if form.validate_on_submit():
        action = request.form.get("action", "preview")
        person = next((p for p in people if p.id == form.person.data), people[0] if people else None)
        try:
            if action == "save":
                templates.save(current_user, forum, key, _texts(form))
            elif person is None:
                flash(_("There is no record in this forum to preview on yet: previews are made on a real one."),
                      "error")
            elif action == "test":
                to = previews.send_test(current_user, forum, key, _texts(form), person)
            else:
                shown = previews.preview(forum, key, _texts(form), person)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            if action == "save":
                flash(_("The template is saved; this forum's mail uses it from now on.") if forum is not None
                      else _("The template is saved; the site's mail uses it from now on."), "success")
                return redirect(here)
            if action == "test" and person is not None:
                flash(_("A test was sent to %(email)s.", email=to), "success")
    return render_template("communications/edit.html", forum=forum, kind=kind, form=form, shown=shown,
                           no_record=not people, back_url=back, reset_url=reset,
                           overridden=templates.override(forum, key) is not None)


@bp.route("/forums/<forum>/mail/<key>/reset", methods=["POST"])
@requires("communications.manage")
def reset(forum: str, key: str):
    forum = get_forum(forum)
    commit_or_flash(lambda: templates.reset(current_user, forum, key), _("The default wording is back."))
    return redirect(url_for("communications.edit", forum=forum.slug, key=key))


@bp.route("/forums/<forum>/announcements/new", methods=["GET", "POST"])
@requires("communications.manage")
def announce(forum: str):
    forum = get_forum(forum)
    form = AnnouncementForm()
    form.group.choices = [(g.value, label) for g, label in announcements.GROUP_LABELS.items()]
    companies, slots = announcements.targets(forum)
    form.company_id.choices = [("", "—")] + [(c.id, name_of(c)) for c in companies]
    form.booth_slot_id.choices = [("", "—")] + [
        (s.id, f"{name_of(c)} · {hk_datetime(s.starts_at, 'medium')}") for s, c in slots]
    counted = None
    if form.validate_on_submit():
        values = {**_texts(form), "group": form.group.data, "company_id": form.company_id.data,
                  "booth_slot_id": form.booth_slot_id.data}
        try:
            if request.form.get("action") == "send":
                sent = announcements.send_announcement(current_user, forum, values)
            else:
                counted = announcements.count(forum, values["group"], company_id=values["company_id"],
                                              booth_slot_id=values["booth_slot_id"])
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            if counted is None:
                db.session.commit()
                flash(_("The announcement is queued for %(count)d people: this page shows how far it got.",
                        count=sent.recipients - sent.opted_out), "success")
                return redirect(url_for("communications.announcement", forum=forum.slug, announcement_id=sent.id))
    return render_template("communications/announce.html", forum=forum, form=form, counted=counted,
                           placeholders=announcements.PLACEHOLDERS, groups=AnnouncementGroup)


@bp.route("/forums/<forum>/announcements/<int:announcement_id>")
@requires("communications.manage")
def announcement(forum: str, announcement_id: int):
    """One announcement: its words, its job's progress and the delivery counts, updating themselves while
    the job runs or mail waits to leave (the job is done once every mail is queued, before they all leave)."""
    forum = get_forum(forum)
    shown = announcements.get(forum, announcement_id)
    counts = announcements.delivery_counts([shown])[shown.id]
    job = shown.job
    running = job is not None and job.status in ACTIVE
    return render_template("communications/announcement.html", forum=forum, announcement=shown, job=job,
                           counts=counts, refresh=running or counts[PENDING] > 0,
                           group_labels=announcements.GROUP_LABELS)

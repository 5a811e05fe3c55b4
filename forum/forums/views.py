from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..db import HK
from ..errors import DomainError
from ..extensions import db
from ..forms_util import show_domain_error
from ..permissions import can, requires
from . import services
from .forms import STATUS_LABELS, ForumForm
from .models import ForumStatus

bp = Blueprint("forums", __name__, url_prefix="/forums")


def _form_data(form: ForumForm) -> dict:
    return {name: field.data for name, field in form._fields.items() if name != "csrf_token"}


@bp.route("/")
@requires("forum.view")
def index():
    forums = services.list_forums(include_drafts=can(current_user, "forum.manage"))
    return render_template("forums/index.html", forums=forums, status_labels=STATUS_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@requires("forum.manage")
def create():
    form = ForumForm()
    if form.validate_on_submit():
        try:
            forum = services.create_forum(current_user, _form_data(form))
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The forum is created."), "success")
            return redirect(url_for("forums.show", ref=forum.slug))
    return render_template("forums/form.html", form=form, forum=None)


@bp.route("/<ref>")
@requires("forum.view")
def show(ref: str):
    forum = services.get_forum(ref)
    if forum.status == ForumStatus.draft and not can(current_user, "forum.manage"):
        from ..errors import NotFound

        raise NotFound()
    return render_template("forums/show.html", forum=forum, status_labels=STATUS_LABELS)


@bp.route("/<ref>/edit", methods=["GET", "POST"])
@requires("forum.manage")
def edit(ref: str):
    forum = services.get_forum(ref)
    form = ForumForm(obj=forum)
    if request.method == "GET":
        for name in ("starts_at", "ends_at", "exhibitor_deadline", "registration_deadline"):
            value = getattr(forum, name)
            getattr(form, name).data = value.astimezone(HK).replace(tzinfo=None) if value else None
        form.status.data = forum.status.value
    if form.validate_on_submit():
        try:
            services.update_forum(current_user, forum, _form_data(form))
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The forum is saved."), "success")
            return redirect(url_for("forums.show", ref=forum.slug))
    return render_template("forums/form.html", form=form, forum=forum)

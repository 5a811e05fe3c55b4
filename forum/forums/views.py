from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..db import HK
from ..form_actions import submit
from ..permissions import requires
from . import services
from .forms import STATUS_LABELS, ForumForm

bp = Blueprint("forums", __name__, url_prefix="/forums")


def _form_data(form: ForumForm) -> dict:
    return {name: field.data for name, field in form._fields.items() if name != "csrf_token"}


@bp.route("/")
@requires("forum.view")
def index():
    forums = services.forums_seen_by(current_user)
    return render_template("forums/index.html", forums=forums, status_labels=STATUS_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@requires("forum.manage")
def create():
    form = ForumForm()
    done = submit(form, lambda: services.create_forum(current_user, _form_data(form)),
                  success=_("The forum is created."), to=lambda forum: url_for("forums.show", ref=forum.slug))
    return done or render_template("forums/form.html", form=form, forum=None)


@bp.route("/<ref>")
@requires("forum.view")
def show(ref: str):
    forum = services.visible_forum(current_user, ref)
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
    done = submit(form, lambda: services.update_forum(current_user, forum, _form_data(form)),
                  success=_("The forum is saved."), to=url_for("forums.show", ref=forum.slug))
    return done or render_template("forums/form.html", form=form, forum=forum)

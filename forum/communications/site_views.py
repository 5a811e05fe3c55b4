"""Administrators' pages for the account mails (password, sign-up, invitation), which belong to no forum.

They join the communications blueprint and use the same editor as a forum's mail, with forum None.
"""
from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..form_actions import commit_or_flash
from ..permissions import requires
from . import previews, templates
from ..routes import Routes
from .views import editor

routes = Routes()  # on the communications blueprint: init_app adds them


@routes.route("/admin/mail/")
@requires("communications.manage_site")
def site_index():
    return render_template("communications/site_index.html", kinds=templates.SITE_KINDS.values(),
                           overrides=templates.overrides(None))


@routes.route("/admin/mail/<key>", methods=["GET", "POST"])
@requires("communications.manage_site")
def site_edit(key: str):
    kind = templates.kind_of(None, key)
    # Previewed on the administrator's own account, with stand-in links.
    return editor(None, kind, previews.records(None, kind.about, user=current_user),
                  here=url_for("communications.site_edit", key=key), back=url_for("communications.site_index"),
                  reset=url_for("communications.site_reset", key=key))


@routes.route("/admin/mail/<key>/reset", methods=["POST"])
@requires("communications.manage_site")
def site_reset(key: str):
    commit_or_flash(lambda: templates.reset(current_user, None, key), _("The default wording is back."))
    return redirect(url_for("communications.site_edit", key=key))

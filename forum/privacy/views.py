"""The person's own data download (My account) and the administrator's erasure page."""
from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import User
from ..audit.services import record
from ..errors import DomainError, NotFound
from ..extensions import db
from ..permissions import requires
from .erasure import erase_person
from .export import export_person

bp = Blueprint("privacy", __name__)


@bp.route("/account/my-data.json")
@requires("privacy.export")
def download():
    data = export_person(current_user, current_user)
    record(current_user, "person.export", current_user)
    db.session.commit()
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="my-forum-data.json"', "Cache-Control": "no-store"})


def _person(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


@bp.route("/admin/users/<int:user_id>/erase", methods=["GET"])
@requires("privacy.erase")
def confirm_erase(user_id: int):
    return render_template("privacy/erase.html", person=_person(user_id))


@bp.route("/admin/users/<int:user_id>/erase", methods=["POST"])
@requires("privacy.erase")
def erase(user_id: int):
    person = _person(user_id)
    try:
        erase_person(current_user, person)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("privacy.confirm_erase", user_id=user_id))
    db.session.commit()
    flash(_("The person's personal data is erased. Counts, pilots and the audit trail are kept."), "success")
    return redirect(url_for("accounts.users"))

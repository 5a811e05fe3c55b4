"""The feedback survey after a forum: questions and results for organisers, the answer page for each person."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..errors import DomainError
from ..extensions import db
from ..forums.services import get_forum
from ..home.next_steps import Step, step
from ..i18n import is_chinese
from ..permissions import public, requires
from . import surveys

bp = Blueprint("surveys", __name__)
BASE = "/forums/<forum>/surveys/<audience>"
AUDIENCE_LABELS = {"attendees": _l("HA attendees"), "exhibitors": _l("Exhibitors")}


@step("organiser", "admin", "partnership", order=65)
def _survey_steps(user, forum):
    if forum is None:
        return []
    return [Step(_l("Ask attendees and exhibitors how the forum went"),
                 url_for("surveys.show", forum=forum.slug, audience="attendees"))]


def _page(forum, audience: str, *, questions_text: str | None = None, error: str | None = None, status=200):
    survey = surveys.survey_for(forum, audience, create=False)
    return render_template("pilots/survey.html", forum=forum, survey=survey, audience=audience,
                           audience_labels=AUDIENCE_LABELS, results=surveys.results(survey), error=error,
                           questions_text=questions_text or surveys.questions_as_text(
                               survey, chinese=is_chinese())), status


@bp.route(BASE)
@requires("survey.results")
def show(forum: str, audience: str):
    return _page(get_forum(forum), audience)


@bp.route(BASE + "/questions", methods=["POST"])
@requires("survey.manage")
def edit(forum: str, audience: str):
    forum = get_forum(forum)
    text = request.form.get("questions", "")
    try:
        surveys.edit_questions(current_user, surveys.survey_for(forum, audience), text)
    except DomainError as error:
        db.session.rollback()
        return _page(forum, audience, questions_text=text, error=error.message, status=400)
    db.session.commit()
    flash(_("The questions are saved."), "success")
    return redirect(url_for("surveys.show", forum=forum.slug, audience=audience))


@bp.route(BASE + "/send", methods=["POST"])
@requires("survey.manage")
def send(forum: str, audience: str):
    forum = get_forum(forum)
    count = surveys.send(current_user, surveys.survey_for(forum, audience))
    db.session.commit()
    flash(_("%(n)d people are invited to answer.", n=count), "success")
    return redirect(url_for("surveys.show", forum=forum.slug, audience=audience))


@bp.route("/survey/<token>", methods=["GET", "POST"])
@public
def respond(token: str):
    invite = surveys.invite_by_token(token)
    errors = {}
    if request.method == "POST":
        try:
            surveys.answer(invite, request.form)
        except DomainError as error:
            db.session.rollback()
            errors = error.fields
            invite = surveys.invite_by_token(token)
        else:
            db.session.commit()
            flash(_("Thank you: your answers are kept with the forum."), "success")
            return redirect(url_for("surveys.respond", token=token))
    return render_template("pilots/survey_respond.html", invite=invite, survey=invite.survey,
                           forum=invite.survey.forum, solutions=surveys.solution_choices(invite.survey.forum_id),
                           errors=errors, form=request.form if errors else None), 400 if errors else 200

"""The six-month follow-up's answer page, reached through the personal link in the mail (no sign-in):
for a pilot's owners and for a follow-up meeting's participants alike."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import DomainError
from ..extensions import db
from ..permissions import can, public
from . import followups


def _pilot_from_meeting_url(follow_up) -> str | None:
    """The prefilled pilot form for a meeting's follow-up, when the person signed in may open pilots."""
    if follow_up.meeting is None or not can(current_user, "pilot.edit"):
        return None
    from ..matchmaking.meeting_outcomes import pilot_prefill

    return url_for("pilots.create", **pilot_prefill(follow_up.meeting))


def add_follow_up_routes(bp) -> None:
    @bp.route("/follow-up/<token>", methods=["GET", "POST"])
    @public
    def follow_up(token: str):
        """An owner's or participant's answer to the six-month follow-up."""
        found = followups.by_token(token)
        error = None
        if request.method == "POST":
            try:
                followups.answer(found, request.form.get("answer"), request.form.get("note", ""))
            except DomainError as refused:
                db.session.rollback()
                error = refused.message
                found = followups.by_token(token)
            else:
                db.session.commit()
                flash(_("Thank you: your answer is kept with the meeting.") if found.meeting_id
                      else _("Thank you: your answer is kept with the pilot."), "success")
                return redirect(url_for("pilots.follow_up", token=token))
        return render_template("pilots/follow_up.html", f=found, answer_labels=followups.ANSWER_LABELS,
                               pilot_url=_pilot_from_meeting_url(found), error=error), 400 if error else 200

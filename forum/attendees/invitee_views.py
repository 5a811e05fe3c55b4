"""The invited person's own pages: the answer form (by personal link or signed in) and the ticket."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..errors import DomainError, NotFound
from ..exhibitors.themes import list_themes
from ..extensions import db
from ..form_actions import submit
from ..forums.services import current_forum, get_forum
from ..i18n import current_locale, name_of
from ..permissions import public, requires
from ..qr import qr_svg
from ..routes import Routes
from . import invitations, registration
from .account_links import own_attendee
from .forms import PDPO_PURPOSE, RegistrationForm
from .models import AttendeeStatus
from .tickets import code_for, current_ticket

routes = Routes()


def _respond(attendee, *, token: str | None, actor, ticket_url: str, action_url: str):
    form = RegistrationForm(obj=attendee if request.method == "GET" else None)
    form.themes.choices = [(t.key, name_of(t)) for t in list_themes()]  # the organisers' one theme list
    choice = request.form.get("answer")
    if request.method == "POST" and choice in ("decline", "cancel"):
        # The CSRF token is checked for every POST before the view runs.
        try:
            (registration.decline if choice == "decline" else registration.cancel)(attendee, actor=actor)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Your answer is saved. Thank you for letting us know.") if choice == "decline"
                  else _("Your registration is cancelled and your ticket no longer works."), "info")
        return redirect(action_url)

    def register() -> bool:
        mailed = registration.ticket_will_be_mailed(attendee)
        registration.register(attendee, {**form.data, "consent_wording": str(PDPO_PURPOSE),
                                         "consent_locale": current_locale()}, actor=actor, token=token)
        return mailed

    done = submit(form, register, to=ticket_url,
                  success=lambda mailed: _("You are registered. Your ticket is on its way by email.") if mailed
                  else _("Your choices are saved. Your ticket has not changed."))
    return done or render_template("attendees/respond.html", a=attendee, forum=attendee.forum, form=form,
                           action_url=action_url, ticket_url=ticket_url)


@routes.route("/rsvp/<token>", methods=["GET", "POST"])
@public
def respond(token: str):
    """The personal link in the invitation: confirm (themes, needs, consent), decline, or cancel later."""
    attendee = invitations.attendee_for_token(token)
    actor = current_user if current_user.is_authenticated else None
    return _respond(attendee, token=token, actor=actor, action_url=url_for("attendees.respond", token=token),
                    ticket_url=url_for("attendees.token_ticket", token=token))


@routes.route("/rsvp/<token>/ticket")
@public
def token_ticket(token: str):
    attendee = invitations.attendee_for_token(token)
    return _ticket_page(attendee, respond_url=url_for("attendees.respond", token=token))


def _ticket_page(attendee, *, respond_url: str):
    ticket = current_ticket(attendee) if attendee.status == AttendeeStatus.registered else None
    code = code_for(ticket) if ticket else None
    return render_template("attendees/ticket.html", a=attendee, forum=attendee.forum, code=code,
                           qr=qr_svg(code, border=2) if code else None, respond_url=respond_url)


def _my_attendee(forum_ref: str | None):
    forum = get_forum(forum_ref) if forum_ref else current_forum()
    attendee = own_attendee(current_user, forum)
    if attendee is None:
        raise NotFound(_l("You are not on the invitation list of this forum."))
    return attendee


@routes.route("/my-ticket")
@requires("attendee.respond_own")
def my_ticket():
    forum_ref = request.args.get("forum")
    forum = get_forum(forum_ref) if forum_ref else current_forum()
    if forum is None or own_attendee(current_user, forum) is None:
        # Not a 404: say why there is no ticket and who can give one.
        return render_template("attendees/no_ticket.html", forum=forum), 404
    attendee = _my_attendee(forum_ref)
    if attendee.status == AttendeeStatus.invited:
        return redirect(url_for("attendees.my_invitation", forum=attendee.forum.slug))
    return _ticket_page(attendee, respond_url=url_for("attendees.my_invitation", forum=attendee.forum.slug))


@routes.route("/my-invitation", methods=["GET", "POST"])
@requires("attendee.respond_own")
def my_invitation():
    attendee = _my_attendee(request.args.get("forum"))
    here = url_for("attendees.my_invitation", forum=attendee.forum.slug)
    return _respond(attendee, token=None, actor=current_user, action_url=here,
                    ticket_url=url_for("attendees.my_ticket", forum=attendee.forum.slug))

"""Pages outside the organisers' desk (they join the communications blueprint): unsubscribe links,
wallet passes and the wallet certificate settings."""
from __future__ import annotations

from flask import Response, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..attendees import services as attendee_services
from ..attendees.account_links import own_attendee
from ..attendees.models import AttendeeStatus
from ..attendees.tickets import code_for, current_ticket
from ..errors import NotFound
from ..extensions import csrf, db
from ..form_actions import commit_or_flash, submit
from ..forums.services import current_forum, get_forum
from ..permissions import public, requires
from . import unsubscribe, wallet
from .forms import WalletForm
from ..routes import Routes

routes = Routes()  # on the communications blueprint: init_app adds them


ONE_CLICK = ("List-Unsubscribe", "One-Click")  # the body a mail provider POSTs (RFC 8058)


@routes.route("/unsubscribe/<token>", methods=["GET", "POST"], endpoint="unsubscribe")
@csrf.exempt  # for the one-click POST only: the CSRF check is made below for every other POST
@public
def unsubscribe_page(token: str):
    one_click = request.method == "POST" and request.form.get(ONE_CLICK[0]) == ONE_CLICK[1]
    if request.method == "POST" and not one_click and current_app.config["WTF_CSRF_ENABLED"]:
        # The button on the page is an ordinary form and keeps its CSRF token.
        csrf.protect()
    kind_label = unsubscribe.KIND_LABELS[unsubscribe.read(token)[0]]
    if one_click:
        # The List-Unsubscribe-Post header (RFC 8058): the mail provider POSTs
        # "List-Unsubscribe=One-Click" to the link in List-Unsubscribe, with no cookie and no form,
        # so there is no CSRF token to send. None is needed: the signed token in the URL is the
        # authentication (it names one address hash and kind and cannot be forged without the
        # server's key, see unsubscribe.read()), and the only thing it can do is opt that address out.
        unsubscribe.opt_out(token)
        db.session.commit()
        done = _("You will receive no more %(kind)s. Tickets and messages about your own registration still reach you.",
                 kind=kind_label)
        return Response(done, mimetype="text/plain")
    if request.method == "POST":
        commit_or_flash(lambda: unsubscribe.opt_out(token))
        return redirect(url_for("communications.unsubscribe", token=token))
    return render_template("communications/unsubscribe.html", token=token, kind_label=kind_label,
                           done=unsubscribe.is_opted_out(token))


def _pass_response(attendee) -> Response:
    if not wallet.is_configured() or attendee.status != AttendeeStatus.registered:
        raise NotFound()
    ticket = current_ticket(attendee)
    if ticket is None:
        raise NotFound()
    data = wallet.build_pass(attendee, ticket, code_for(ticket))
    return Response(data, mimetype="application/vnd.apple.pkpass",
                    headers={"Content-Disposition": 'attachment; filename="ticket.pkpass"'})


@routes.route("/rsvp/<token>/wallet.pkpass")
@public
def token_pass(token: str):
    return _pass_response(attendee_services.attendee_for_token(token))


@routes.route("/my-ticket/wallet.pkpass")
@requires("attendee.respond_own")
def my_pass():
    forum_ref = request.args.get("forum")
    forum = get_forum(forum_ref) if forum_ref else current_forum()
    attendee = own_attendee(current_user, forum) if forum else None
    if attendee is None:
        raise NotFound()
    return _pass_response(attendee)


@routes.route("/admin/wallet", methods=["GET", "POST"])
@requires("wallet.configure")
def wallet_settings():
    form = WalletForm()
    settings = wallet.settings()
    if request.method == "GET" and settings is not None:
        form.pass_type_id.data, form.team_id.data = settings.pass_type_id, settings.team_id
        form.organisation.data = settings.organisation
    done = submit(form, lambda: wallet.configure(current_user, p12=form.certificate.data.read(),
                                                 password=form.password.data or "", wwdr=form.wwdr.data.read(),
                                                 pass_type_id=form.pass_type_id.data, team_id=form.team_id.data,
                                                 organisation=form.organisation.data or ""),
                  success=_("Wallet passes are set up: tickets now offer “Add to Apple Wallet”."),
                  to=url_for("communications.wallet_settings"))
    return done or render_template("communications/wallet.html", form=form, settings=settings)


@routes.route("/admin/wallet/remove", methods=["POST"])
@requires("wallet.configure")
def wallet_remove():
    commit_or_flash(lambda: wallet.remove(current_user), _("Wallet passes are switched off."))
    return redirect(url_for("communications.wallet_settings"))

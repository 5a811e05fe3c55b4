"""Exhibitors' lead pages: the booth scanner (the door scanner's parts), the leads list, notes, export."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..errors import DomainError
from ..extensions import db
from ..form_actions import commit_or_flash
from ..home.next_steps import Step, step
from ..permissions import requires
from ..routes import Routes
from . import leads
from .views import _current, _forum

routes = Routes()  # on the matchmaking blueprint: init_app adds them


@step("exhibitor", order=61)
def _lead_steps(user, forum):
    if forum is None or user.company_id is None:
        return []
    return [Step(_l("Scan visitors' badges at your booth"), url_for("matchmaking.lead_scanner", forum=forum.slug),
                 _l("The small code marked 'Exhibitors' on each HA badge; works offline."))]


@routes.route("/leads")
@requires("lead.manage")
def leads_current():
    return redirect(url_for("matchmaking.leads_page", forum=_current().slug))


@routes.route("/forums/<forum>/leads")
@requires("lead.manage")
def leads_page(forum: str):
    forum = _forum(forum)
    return render_template("matchmaking/leads.html", forum=forum, rows=leads.leads_for(current_user, forum))


@routes.route("/forums/<forum>/leads/scan")
@requires("lead.manage")
def lead_scanner(forum: str):
    forum = _forum(forum)
    leads.exhibiting(current_user, forum)
    return render_template("matchmaking/lead_scanner.html", forum=forum)


@routes.route("/forums/<forum>/leads/<int:lead_id>", methods=["POST"])
@requires("lead.manage")
def update_lead(forum: str, lead_id: int):
    forum = _forum(forum)
    try:
        leads.update_lead(current_user, forum, lead_id, request.form)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(url_for("matchmaking.leads_page", forum=forum.slug) + f"#lead-{lead_id}")


@routes.route("/forums/<forum>/leads/connect", methods=["POST"])
@requires("lead.manage")
def connect(forum: str):
    forum = _forum(forum)
    commit_or_flash(lambda: leads.request_connection(current_user, forum, request.form.get("attendee", "")),
                    _("The partnership team will introduce you."))
    return redirect(url_for("matchmaking.leads_page", forum=forum.slug))


@routes.route("/forums/<forum>/leads.csv")
@requires("lead.manage")
def leads_csv(forum: str):
    forum = _forum(forum)
    return Response(leads.export_leads_csv(current_user, forum), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{forum.slug}-leads.csv"'})

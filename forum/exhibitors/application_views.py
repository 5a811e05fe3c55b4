"""A company's application to exhibit: the form, its page with history, and the booth poster."""
from __future__ import annotations

from flask import Response, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..errors import NotFound
from ..form_actions import submit
from ..forums.services import get_forum
from ..i18n import name_of
from ..permissions import can, requires
from ..routes import Routes
from . import applications, companies, documents
from .forms import STATUS_LABELS, ApplicationForm, DecisionForm, DemoScoreForm
from .models import ApplicationStatus

routes = Routes()


def _application_form(forum, company, application) -> ApplicationForm:
    form = ApplicationForm(obj=application if request.method == "GET" else None)
    own = [(s.id, name_of(s, "title")) for s in company.solutions]  # in the reader's language
    form.solution_ids.choices = own
    form.demo_solution_id.choices = [(0, "—")] + own
    if request.method == "GET":
        if application is not None:
            form.solution_ids.data = [s.id for s in application.solutions]
            form.demo_solution_id.data = application.demo_solution_id or 0
            people = [{"name_en": p.name_en, "name_zh": p.name_zh, "email": p.email, "title": p.title}
                      for p in application.staff]
        else:
            form.needs_power.data, form.needs_table.data = True, True
            people = []
        while form.staff.entries:
            form.staff.pop_entry()
        for person in people[:forum.staff_per_booth]:
            form.staff.append_entry(person)
        while len(form.staff.entries) < forum.staff_per_booth:
            form.staff.append_entry()
    return form


def _application_data(form) -> dict:
    data = {name: form[name].data for name in (
        "solution_ids", "needs_power", "needs_screen", "needs_table", "booth_notes", "demo_requested",
        "demo_solution_id", "demo_presenter", "demo_minutes", "demo_av", "demo_windows")}
    data["staff"] = [entry.data for entry in form.staff.entries]
    return data


def _edit_application(forum, company, application):
    form = _application_form(forum, company, application)
    sending = request.form.get("action") == "submit"
    done = submit(form, lambda: applications.save_application(current_user, forum, company, _application_data(form),
                                                              submit=sending),
                  success=_("Your application is submitted.") if sending else _("Your application is saved."),
                  to=lambda saved: url_for("exhibitors.application", application_id=saved.id))
    return done or render_template("exhibitors/apply.html", form=form, forum=forum, company=company,
                                   application=application, forum_open=applications.is_open(forum))


@routes.route("/forums/<forum>/apply", methods=["GET", "POST"])
@requires("application.edit")
def apply(forum: str):
    forum = get_forum(forum)
    company = companies.own_company(current_user)
    return _edit_application(forum, company, applications.application_of(forum, company.id))


@routes.route("/applications/<int:application_id>/edit", methods=["GET", "POST"])
@requires("application.edit")
def edit_application(application_id: int):
    """The company's own application; organisers use it to change any (also after the deadline)."""
    application = applications.get_application(current_user, application_id)
    return _edit_application(application.forum, application.company, application)


@routes.route("/applications/<int:application_id>")
@requires("application.view")
def application(application_id: int):
    application = applications.get_application(current_user, application_id)
    staff_side = can(current_user, "application.edit_closed")
    return render_template("exhibitors/application.html", application=application, forum=application.forum,
                           company=application.company, history=applications.history(application, current_user),
                           status_labels=STATUS_LABELS, decision_form=DecisionForm(),
                           score_form=DemoScoreForm(), staff_side=staff_side,
                           can_edit=staff_side or applications.is_open(application.forum))


@routes.route("/applications/<int:application_id>/poster.pdf")
@requires("application.view")
def poster(application_id: int):
    application = applications.get_application(current_user, application_id)
    if application.status != ApplicationStatus.approved or not application.booth_code:
        raise NotFound(_l("The poster is ready once a booth is assigned."))
    pdf = documents.booth_poster(application)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="booth-{application.booth_code}.pdf"'})

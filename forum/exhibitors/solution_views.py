"""A company's solutions: the editor, the solution page and files served to those allowed to see them."""
from __future__ import annotations

from flask import render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import NotFound
from ..extensions import db
from ..form_actions import submit
from ..permissions import can, requires
from ..routes import Routes
from . import companies, solutions, uploads
from . import themes as theme_list
from .forms import SolutionForm
from .models import StoredFile
from .view_support import uploaded_file

routes = Routes()


def _solution_form(solution=None) -> SolutionForm:
    form = SolutionForm(obj=solution)
    form.theme_ids.choices = [(t.id, f"{t.name_en} · {t.name_zh}") for t in theme_list.list_themes()]
    if request.method == "GET":
        if solution is not None:
            form.theme_ids.data = [t.id for t in solution.themes]
            form.trl.data = str(solution.trl)
    return form


def _solution_data(form) -> dict:
    data = {name: form[name].data for name in solutions.SOLUTION_FIELDS}
    data["theme_ids"] = form.theme_ids.data or []
    return data


@routes.route("/solutions/new", methods=["GET", "POST"])
@requires("solution.edit")
def new_solution():
    company = companies.own_company(current_user)
    form = _solution_form()
    done = submit(form, lambda: solutions.save_solution(current_user, company, None, _solution_data(form),
                                                        brochure=uploaded_file(form.brochure),
                                                        image=uploaded_file(form.image)),
                  success=_("The solution is saved."), to=url_for("exhibitors.company"))
    return done or render_template("exhibitors/solution_form.html", form=form, solution=None)


@routes.route("/solutions/<int:solution_id>/edit", methods=["GET", "POST"])
@requires("solution.edit")
def edit_solution(solution_id: int):
    solution = solutions.get_solution(solution_id)
    if not can(current_user, "solution.edit", solution):
        raise NotFound()
    form = _solution_form(solution)
    done = submit(form, lambda: solutions.save_solution(current_user, solution.company, solution,
                                                        _solution_data(form), brochure=uploaded_file(form.brochure),
                                                        image=uploaded_file(form.image)),
                  success=_("The solution is saved."), to=url_for("exhibitors.company"))
    return done or render_template("exhibitors/solution_form.html", form=form, solution=solution)


@routes.route("/solutions/<int:solution_id>")
@requires("directory.view")
def solution(solution_id: int):
    solution = solutions.get_solution(solution_id)
    if not can(current_user, "solution.see", solution):
        raise NotFound()
    return render_template("exhibitors/solution.html", solution=solution, company=solution.company)


@routes.route("/files/<int:file_id>")
@requires("directory.view")
def file(file_id: int):
    stored = db.session.get(StoredFile, file_id)
    if stored is None or not can(current_user, "file.see", stored):
        raise NotFound()
    path = uploads.path_of(stored)
    if not path.exists():
        raise NotFound()
    inline = stored.kind == "image"
    response = send_file(path, mimetype=stored.content_type, as_attachment=not inline,
                         download_name=uploads.download_name(stored), max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response

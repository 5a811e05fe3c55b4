"""The outcome dashboard page, its CSV and XLSX export and the pilot report PDF."""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from . import permissions as _permissions  # noqa: F401  (grants before @requires)
from ..errors import NotFound
from ..forums.services import get_forum, list_forums
from ..permissions import requires
from . import export
from .charts import chart_set
from .dashboard import figures

bp = Blueprint("pilot_dashboard", __name__, url_prefix="/pilots/dashboard")


def _figures():
    ref = request.args.get("forum")
    return figures(current_user, get_forum(ref) if ref else None)


@bp.route("/")
@requires("pilot.dashboard")
def dashboard():
    fig = _figures()
    return render_template("pilots/dashboard.html", fig=fig, charts=chart_set(fig), forums=list_forums())


@bp.route("/export.<kind>")
@requires("pilot.dashboard")
def download(kind: str):
    if kind not in ("csv", "xlsx"):
        raise NotFound()
    fig = _figures()
    name = f"pilot-outcomes-{fig.forum.slug if fig.forum else 'series'}.{kind}"
    if kind == "csv":
        return Response(export.to_csv(fig), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return Response(export.to_xlsx(fig), headers={"Content-Disposition": f'attachment; filename="{name}"'},
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/report.<lang>.pdf")
@requires("pilot.dashboard")
def report(lang: str):
    if lang not in ("en", "zh"):
        raise NotFound()
    fig = _figures()
    pdf = export.report_pdf(fig, "zh_Hant_HK" if lang == "zh" else "en")
    name = f"pilot-report-{fig.forum.slug if fig.forum else 'series'}-{lang}.pdf"
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})

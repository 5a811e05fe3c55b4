"""The outcome dashboard page, its CSV and XLSX export and the pilot report PDF."""
from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_login import current_user

from ..errors import NotFound
from ..extensions import db
from ..jobs import services as job_services
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


@bp.route("/report", methods=["POST"])
@requires("pilot.dashboard")
def report():
    """The report PDF is laid out by the jobs worker; its page shows the progress, then the file."""
    ref = request.form.get("forum")
    job = job_services.start(current_user, "pilot_report", get_forum(ref) if ref else None,
                             lang=request.form.get("lang", ""))
    db.session.commit()
    return redirect(url_for("jobs.job", job_id=job.id))

"""The jobs page: what is running, waiting or failed, with progress and result links; start and retry."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..forums.services import get_forum
from ..permissions import can, requires
from . import kinds, services
from .models import DONE, FAILED, QUEUED, RETRYING, RUNNING

bp = Blueprint("jobs", __name__)

STARTABLE = {"badges_a6": ("badges", {"layout": "a6"}), "badges_a4": ("badges", {"layout": "a4"}),
             "recommendations": ("recommendations", {"k": 10})}


def _status_labels() -> dict[str, str]:
    return {QUEUED: _("Waiting"), RUNNING: _("Running"), RETRYING: _("Failed, will retry"),
            FAILED: _("Failed"), DONE: _("Done")}


def _page(forum=None):
    open_jobs, finished = services.listing(current_user, forum)
    refresh = any(j.status in services.ACTIVE for j in open_jobs)
    return render_template("jobs/index.html", forum=forum, open_jobs=open_jobs, finished=finished,
                           results=services.results_of(finished), refresh=refresh,
                           status_labels=_status_labels(), kind_label=kinds.label, kind_page=kinds.page)


@bp.route("/jobs")
@requires("job.view")
def index():
    return _page()


@bp.route("/forums/<forum>/jobs")
@requires("job.view")
def forum_jobs(forum: str):
    return _page(get_forum(forum))


@bp.route("/forums/<forum>/jobs", methods=["POST"])
@requires("job.view")
def start(forum: str):
    forum = get_forum(forum)
    kind, params = STARTABLE.get(request.form.get("kind", ""), (request.form.get("kind", ""), {}))
    services.start(current_user, kind, forum, **params)
    db.session.commit()
    flash(_("The job is queued: this page shows its progress."), "success")
    return redirect(url_for("jobs.forum_jobs", forum=forum.slug))


@bp.route("/jobs/<int:job_id>")
@requires("job.own")
def job(job_id: int):
    """One job for whoever started it (a catalogue, a report): progress, then the result link."""
    found = services.get_job(current_user, job_id)
    results = services.results_of([found])
    return render_template("jobs/job.html", job=found, result=results.get(found.id),
                           refresh=found.status in services.ACTIVE, status_labels=_status_labels(),
                           kind_label=kinds.label)


@bp.route("/jobs/<int:job_id>/retry", methods=["POST"])
@requires("job.own")
def retry(job_id: int):
    job = services.get_job(current_user, job_id)
    services.retry_now(current_user, job)
    db.session.commit()
    flash(_("The job is queued again."), "success")
    if not can(current_user, "job.view"):  # whoever started it follows it on its own page
        return redirect(url_for("jobs.job", job_id=job.id))
    target = url_for("jobs.forum_jobs", forum=job.forum.slug) if job.forum is not None else url_for("jobs.index")
    return redirect(target)


@bp.route("/jobs/<int:job_id>/result")
@requires("job.own")
def result(job_id: int):
    found = services.result_file(current_user, job_id)
    return Response(found.content, mimetype=found.mimetype,
                    headers={"Content-Disposition": f"attachment; filename={found.filename}"})

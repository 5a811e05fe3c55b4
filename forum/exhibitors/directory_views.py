"""The directory of approved exhibitors, an exhibitor's and a booth's page and the catalogue PDF."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from .. import cache
from ..errors import NotFound
from ..extensions import db
from ..http_writes import reads_only
from ..jobs import services as job_services
from ..permissions import requires
from ..routes import Routes
from . import directory as listing
from . import applications
from . import review as reviewing
from . import themes as theme_list
from .forms import SECTOR_LABELS
from .models import ApplicationStatus
from .view_support import current_forum_or_404, visible_forum

routes = Routes()


@routes.route("/directory")
@requires("directory.view")
def directory_current():
    return redirect(url_for("exhibitors.directory", forum=current_forum_or_404().slug))


@routes.route("/forums/<forum>/directory")
@reads_only
@requires("directory.view")
def directory(forum: str):
    forum = visible_forum(forum)
    try:
        trl = int(request.args.get("trl") or 0) or None
    except ValueError:
        trl = None
    try:
        page = max(1, int(request.args.get("page") or 1))
    except ValueError:
        page = 1
    query = listing.DirectoryQuery(q=request.args.get("q", "")[:100], theme=request.args.get("theme", ""),
                                   trl_min=trl, sector=request.args.get("sector", ""), page=page)
    filters = {"q": query.q, "theme": query.theme, "trl": query.trl_min, "sector": query.sector}
    shown = url_for("exhibitors.directory", forum=forum.slug, page=query.page if query.page > 1 else None,
                    **{k: v for k, v in filters.items() if v})  # the page's address, and its list's key

    def render_list() -> str:
        return render_template("exhibitors/_directory_list.html", forum=forum, filters=filters, next=shown,
                               pagination=listing.directory(forum, query), sector_labels=SECTOR_LABELS)

    # The list is the same for everyone reading this page in this language: rendered once, kept
    # until an exhibitor, solution, theme or application changes (forum.cache).
    rendered = cache.fragment("directory", (forum.id, str(get_locale()), shown), render_list)
    return render_template("exhibitors/directory.html", forum=forum, listing=rendered, query=query,
                           themes=theme_list.list_themes(), sector_labels=SECTOR_LABELS)


@routes.route("/forums/<forum>/exhibitors/<int:company_id>")
@requires("directory.view")
def exhibitor(forum: str, company_id: int):
    forum = visible_forum(forum)
    application = applications.application_of(forum, company_id)
    if application is None or application.status != ApplicationStatus.approved:
        raise NotFound()
    return render_template("exhibitors/exhibitor.html", forum=forum, application=application,
                           company=application.company, sector_labels=SECTOR_LABELS)


@routes.route("/forums/<forum>/booths/<code>")
@requires("directory.view")
def booth(forum: str, code: str):
    forum = visible_forum(forum)
    application = reviewing.application_by_booth(forum, code)
    return render_template("exhibitors/exhibitor.html", forum=forum, application=application,
                           company=application.company, sector_labels=SECTOR_LABELS)


@routes.route("/forums/<forum>/catalogue", methods=["POST"])
@requires("directory.view")
def catalogue(forum: str):
    """The catalogue PDF is laid out by the jobs worker; its page shows the progress, then the file."""
    forum = visible_forum(forum)
    job = job_services.start(current_user, "catalogue", forum)
    db.session.commit()
    return redirect(url_for("jobs.job", job_id=job.id))

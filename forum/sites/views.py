from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..form_actions import submit
from ..permissions import requires
from . import services
from .forms import KIND_LABELS, SiteForm, SiteImportForm

bp = Blueprint("sites", __name__, url_prefix="/sites")


def _with_clusters(form: SiteForm) -> SiteForm:
    form.cluster_code.choices = [("", _("None (not in a cluster)"))] + [
        (c.code, f"{c.code} · {c.name_en} {c.name_zh}") for c in services.list_clusters()]
    return form


@bp.route("/")
@requires("site.view")
def index():
    kind = request.args.get("kind") or None
    cluster = request.args.get("cluster") or None
    query = request.args.get("q", "")
    sites = services.list_sites(kind=kind if kind in KIND_LABELS else None, cluster_code=cluster, query=query,
                                include_inactive=request.args.get("all") == "1")
    return render_template("sites/index.html", sites=sites, clusters=services.list_clusters(),
                           kind_labels=KIND_LABELS, kind=kind, cluster=cluster, q=query)


@bp.route("/new", methods=["GET", "POST"])
@requires("site.manage")
def create():
    form = _with_clusters(SiteForm())
    done = submit(form, lambda: services.create_site(current_user, form.data), success=_("The site is added."), to=url_for("sites.index"))
    return done or render_template("sites/form.html", form=form, site=None)


@bp.route("/<int:site_id>/edit", methods=["GET", "POST"])
@requires("site.manage")
def edit(site_id: int):
    site = services.get_site(site_id)
    form = _with_clusters(SiteForm(obj=site))
    if request.method == "GET":
        form.cluster_code.data = site.cluster.code if site.cluster else ""
    done = submit(form, lambda: services.update_site(current_user, site, form.data), success=_("The site is saved."), to=url_for("sites.index"))
    return done or render_template("sites/form.html", form=form, site=site)


@bp.route("/import", methods=["GET", "POST"])
@requires("site.manage")
def import_csv():
    form = SiteImportForm()
    report = None
    if form.validate_on_submit():
        report = services.import_sites(current_user, form.file.data.read(), dry_run=form.dry_run.data,
                                       filename=form.file.data.filename or "")
        if report.ok and not form.dry_run.data:
            db.session.commit()
            flash(_("%(n)d sites added.", n=len(report.created)), "success")
            return redirect(url_for("sites.index"))
        db.session.rollback()
    return render_template("sites/import.html", form=form, report=report)

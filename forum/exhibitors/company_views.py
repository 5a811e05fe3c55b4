"""Pages for park companies: sign-up, the company's own page and profile, colleagues and company admins."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import NotFound
from ..extensions import db, limiter
from ..form_actions import commit_or_flash, submit
from ..forums.services import current_forum
from ..permissions import ensure, public, requires
from ..routes import Routes
from . import companies
from .applications import is_open
from .forms import SECTOR_LABELS, STATUS_LABELS, CompanyForm, InviteColleagueForm, SignUpForm
from .models import Application
from .view_support import uploaded_file

routes = Routes()


def _company_data(form) -> dict:
    return {name: form[name].data for name in companies.COMPANY_FIELDS}

def _signup_limit() -> str:
    return current_app.config["RATELIMIT_SIGNUP"]


@routes.route("/signup", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=["POST"])
@public
def signup():
    if current_user.is_authenticated:
        flash(_("You are already signed in."), "info")
        return redirect(url_for("exhibitors.company") if current_user.role == "exhibitor" else url_for("home.index"))
    form = SignUpForm()
    # The same answer whether or not the address was free (no account probing).
    done = submit(form, lambda: companies.sign_up(_company_data(form) | {"contact_name_zh": form.contact_name_zh.data},
                                                  password=form.password.data, logo=uploaded_file(form.logo)),
                  success=_("Check your mail: we sent a link to %(email)s. Open it to confirm the address; your "
                            "company's pages open after that.", email=form.contact_email.data),
                  category="info", to=url_for("accounts.login"))
    return done or render_template("exhibitors/signup.html", form=form)


@routes.route("/company")
@requires("company.view_own")
def company():
    company = companies.own_company(current_user)
    ensure(current_user, "company.view_own", company)
    applications = db.session.scalars(db.select(Application).where(Application.company_id == company.id)
                                      .order_by(Application.id.desc())).all()
    forum = current_forum()
    return render_template("exhibitors/company.html", company=company, members=companies.members_of(company),
                           applications=applications, forum=forum,
                           forum_open=forum is not None and is_open(forum),
                           invite_form=InviteColleagueForm(), sector_labels=SECTOR_LABELS,
                           status_labels=STATUS_LABELS,
                           is_admin=companies.is_company_admin(current_user, company.id))


@routes.route("/company/edit", methods=["GET", "POST"])
@requires("company.edit")
def edit_company():
    company = companies.own_company(current_user)
    form = CompanyForm(obj=company)
    done = submit(form, lambda: companies.update_company(current_user, company, _company_data(form),
                                                         logo=uploaded_file(form.logo)),
                  success=_("The company profile is saved."), to=url_for("exhibitors.company"))
    return done or render_template("exhibitors/company_form.html", form=form, company=company)


@routes.route("/company/members", methods=["POST"])
@requires("company.members")
def invite_member():
    company = companies.own_company(current_user)
    form = InviteColleagueForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: companies.invite_colleague(current_user, company, form.email.data,
                                                          name_en=form.name_en.data or "",
                                                          name_zh=form.name_zh.data or ""),
                        _("Invitation sent to %(email)s.", email=form.email.data))
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
    return redirect(url_for("exhibitors.company"))


def _user_or_404(user_id: int):
    from ..accounts.models import User

    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


@routes.route("/company/members/<int:user_id>/remove", methods=["POST"])
@requires("company.members")
def remove_member(user_id: int):
    company, user = companies.own_company(current_user), _user_or_404(user_id)
    commit_or_flash(lambda: companies.remove_colleague(current_user, company, user),
                    _("%(name)s no longer belongs to the company.", name=user.display_name))
    return redirect(url_for("exhibitors.company"))


@routes.route("/company/members/<int:user_id>/admin", methods=["POST"])
@requires("company.members")
def make_admin(user_id: int):
    company, user = companies.own_company(current_user), _user_or_404(user_id)
    commit_or_flash(lambda: companies.make_company_admin(current_user, company, user),
                    _("%(name)s is now a company admin.", name=user.display_name))
    return redirect(url_for("exhibitors.company"))

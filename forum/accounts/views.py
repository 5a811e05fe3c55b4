from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..errors import DomainError, NotFound
from ..extensions import db, limiter
from ..form_actions import commit_or_flash, show_domain_error, submit
from ..safe_redirects import safe_next
from ..i18n import name_of
from ..permissions import can, public, requires
from . import services, tokens
from .forms import (ROLE_LABELS, AcceptInvitationForm, ChangePasswordForm, ForgotPasswordForm, InviteForm,
                    LanguageForm, LoginForm, ProfileForm, SetPasswordForm, TokenForm, UserAdminForm)
from .models import User

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _account_key() -> str:
    """The account an attempt is about, so that guessing at one account from many addresses is
    held back too. Hashed: the rate-limit store holds no email addresses."""
    import hashlib

    from ..text import normalise_email

    email = normalise_email(request.form.get("email", ""))
    return "account:" + hashlib.sha256(email.encode()).hexdigest()[:32]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, key_func=_account_key, methods=["POST"])
@public
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            db.session.commit()  # the failed attempt stays in the audit trail
            form.password.errors.append(_("Wrong email or password."))
        elif not user.email_verified:
            # Only someone holding the password gets here: a fresh link goes to the address itself.
            services.send_email_verification(user)
            db.session.commit()
            flash(_("Confirm your email address first: we sent a new link to it."), "info")
        else:
            login_user(user, remember=form.remember.data)
            if user.locale is None and session.get("locale"):
                user.locale = session["locale"]
            db.session.commit()
            return redirect(safe_next(form.next.data, url_for("home.index")))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@public
def logout():
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, key_func=_account_key, methods=["POST"])
@public
def forgot_password():
    form = ForgotPasswordForm()
    done = submit(form, lambda: services.request_password_reset(form.email.data),
                  success=_("If an account exists for that address, a reset link is on its way."),
                  to=url_for("accounts.login"), category="info")
    return done or render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    form = SetPasswordForm()
    try:
        services.user_for_reset_token(token)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("accounts.forgot_password"))
    done = submit(form, lambda: services.reset_password(token, form.password.data), after=login_user,
                  success=_("Your password is set."), to=url_for("home.index"))
    return done or render_template("accounts/reset_password.html", form=form)


@bp.route("/verify/<token>")
@public
def verify_email(token: str):
    try:
        user = services.verify_email(token)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("accounts.login"))
    logout_user()
    login_user(user)  # before the commit: signing in links the person's attendee records (attendees.account_links)
    db.session.commit()
    flash(_("Your email address is confirmed. Welcome!"), "success")
    return redirect(url_for("exhibitors.company") if user.role == "exhibitor" else url_for("home.index"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    try:
        invitation = services.invitation_for_token(token)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("accounts.login"))
    form = AcceptInvitationForm()
    if request.method == "GET":
        form.name_en.data, form.name_zh.data = invitation.name_en, invitation.name_zh

    def accept():
        user = services.accept_invitation(token, password=form.password.data,
                                          name_en=form.name_en.data, name_zh=form.name_zh.data)
        user.locale = session.get("locale")
        return user

    done = submit(form, accept, after=login_user, success=_("Welcome! Your account is ready."),
                  to=url_for("home.index"))
    return done or render_template("accounts/accept_invitation.html", form=form, invitation=invitation,
                           role_label=ROLE_LABELS[invitation.role])


@bp.route("/language", methods=["POST"])
@public
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        try:
            services.set_locale(current_user, form.locale.data)
        except DomainError as error:
            flash(error.message, "error")
        else:
            session["locale"] = form.locale.data
            db.session.commit()
    return redirect(safe_next(form.next.data or request.referrer and _path_of(request.referrer),
                              url_for("home.index")))


def _path_of(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "") if parts.netloc == request.host else "/"


@bp.route("/account", methods=["GET", "POST"])
@requires("account.edit_own")
def profile():
    form = ProfileForm(obj=current_user)
    password_form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit() and "save-profile" in request.form:
        services.update_profile(current_user, name_en=form.name_en.data, name_zh=form.name_zh.data,
                                locale=form.locale.data)
        session["locale"] = form.locale.data
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, password_form=password_form,
                           tokens=tokens.tokens_of(current_user), token_form=TokenForm())


@bp.route("/account/password", methods=["POST"])
@requires("account.edit_own")
def change_password():
    password_form = ChangePasswordForm(prefix="pw")
    done = submit(password_form, lambda: services.change_password(current_user, password_form.current_password.data,
                                                                  password_form.password.data),
                  # the session carries the new version
                  after=lambda _result: login_user(current_user._get_current_object()),
                  success=_("Your password is changed."), to=url_for("accounts.profile"))
    return done or (render_template("accounts/profile.html", form=ProfileForm(obj=current_user),
                                    password_form=password_form, tokens=tokens.tokens_of(current_user),
                                    token_form=TokenForm()), 400)


@bp.route("/account/tokens", methods=["POST"])
@requires("token.manage_own")
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        flash(_("The label is too long."), "error")
        return redirect(url_for("accounts.profile"))
    token = tokens.issue_token(current_user, form.label.data or "")
    db.session.commit()
    return render_template("accounts/token_created.html", token=token)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@requires("token.manage_own")
def revoke_token(token_id: int):
    tokens.revoke_token(current_user, token_id)
    db.session.commit()
    flash(_("The token no longer works."), "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/admin/users")
@requires("user.manage")
def users():
    role = request.args.get("role") or None
    query = request.args.get("q", "")
    rows = services.list_users(current_user, role=role if role in ROLE_LABELS else None, query=query)
    return render_template("accounts/users.html", users=rows, role=role, q=query, role_labels=ROLE_LABELS,
                           admin_form=UserAdminForm())


@bp.route("/admin/users/<int:user_id>", methods=["POST"])
@requires("user.manage")
def update_user(user_id: int):
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    form = UserAdminForm()
    if form.validate_on_submit():
        def save():
            services.set_role(current_user, user, form.role.data)
            services.set_active(current_user, user, form.active.data)
        commit_or_flash(save, _("Saved."))
    return redirect(url_for("accounts.users"))


@bp.route("/invitations/new", methods=["GET", "POST"])
@requires("user.invite")
def invite():
    from ..exhibitors.models import Company

    form = InviteForm()
    companies = db.session.scalars(sa.select(Company).order_by(Company.name_en)).all()
    form.company_id.choices = [("", "—")] + [(str(c.id), name_of(c)) for c in companies]
    if not can(current_user, "user.invite_into", ("admin", None)):  # only administrators invite administrators
        form.role.choices = [c for c in form.role.choices if c[0] != "admin"]
    link = None
    if form.validate_on_submit():
        try:
            invitation = services.invite(current_user, form.email.data, form.role.data,
                                         name_en=form.name_en.data, name_zh=form.name_zh.data,
                                         company_id=form.company_id.data)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            link = invitation.link
            flash(_("Invitation sent to %(email)s.", email=invitation.email), "success")
            form = InviteForm(formdata=None)
            form.company_id.choices = [("", "—")] + [(str(c.id), name_of(c)) for c in companies]
    return render_template("accounts/invite.html", form=form, link=link,
                           pending=services.pending_invitations(current_user), role_labels=ROLE_LABELS)


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
@requires("user.invite")
def revoke_invitation(invitation_id: int):
    try:
        invitation = services.revoke_invitation(current_user, invitation_id)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The invitation to %(email)s is withdrawn; its link no longer works.", email=invitation.email),
              "success")
    return redirect(url_for("accounts.invite"))

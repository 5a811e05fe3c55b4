"""Flask-Login wiring: sessions for browsers, Bearer tokens for scripts and scanners."""
from __future__ import annotations

from flask import Flask, current_app, g, redirect, request, url_for
from flask_babel import lazy_gettext as _l

from ..extensions import db, login_manager
from ..secret_tokens import bearer_token
from .models import User
from .tokens import user_for_token, user_for_token_riding


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load(user_key: str):
        try:
            user_id, version = (int(part) for part in user_key.split(":", 1))
        except ValueError:
            return None
        user = db.session.get(User, user_id)
        if user is None or user.session_version != version or not user.active or not user.email_verified:
            return None
        return user

    @login_manager.request_loader
    def _load_from_token(req):
        token = bearer_token(req.headers)
        if token is None:
            from flask import session

            if session.get("kiosk"):  # a tablet in kiosk mode: its own session, no account
                from ..checkin.kiosk import KioskSession

                return KioskSession(session["kiosk"])
            return None
        # A view may read what it needs in the sign-in's own statement (a door scan: the forum,
        # the point and the ticket), one round trip fewer: its sign_in_rider() gives
        # (inputs, select, parameters), or None when the request is not one it can read for.
        ride = getattr(current_app.view_functions.get(req.endpoint), "sign_in_rider", None)
        rider = ride() if ride is not None else None
        if rider is None:
            return user_for_token(token)
        inputs, statement, params = rider
        user, row = user_for_token_riding(token, statement, params)
        g.sign_in_rider = (inputs, row)
        return user

    @login_manager.unauthorized_handler
    def _unauthorized():
        from ..errors import Unauthorized, wants_json

        if wants_json():
            raise Unauthorized()
        from flask import flash

        flash(login_manager.login_message, "info")
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))

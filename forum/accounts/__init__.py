"""Accounts: sign-in, sign-up confirmation, invitations, profiles, API tokens and the users' admin."""
from __future__ import annotations


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..nav import nav_link
    from .views import bp

    app.register_blueprint(bp)
    nav_link("accounts.users", _l("Users"), "user.manage", 80)

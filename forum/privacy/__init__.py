"""Privacy (Hong Kong PDPO): a person's data download, erasure, retention purge, consents, the PICS.

What each of the six data protection principles asks and where the app does it: docs/privacy.md.
"""
from __future__ import annotations


def init_app(app) -> None:
    from .consents import NOTICE, NOTICE_TITLE
    from .views import bp
    from . import permissions

    permissions.register()  # the grants, before any view or kind below names one
    app.register_blueprint(bp)
    app.add_template_global(NOTICE, "privacy_notice")
    app.add_template_global(NOTICE_TITLE, "privacy_notice_title")

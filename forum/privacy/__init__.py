"""Privacy (Hong Kong PDPO): a person's data download, erasure, retention purge, consents, the PICS.

What each of the six data protection principles asks and where the app does it: docs/privacy.md.
"""
from __future__ import annotations


def init_app(app) -> None:
    from ..cli import forum_cli
    from .cli import purge_expired_command
    from .consents import NOTICE, NOTICE_TITLE
    from .views import bp

    app.register_blueprint(bp)
    forum_cli.add_command(purge_expired_command)
    app.add_template_global(NOTICE, "privacy_notice")
    app.add_template_global(NOTICE_TITLE, "privacy_notice_title")

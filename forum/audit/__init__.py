"""The audit trail, shown as sentences in the reader's language."""
from __future__ import annotations


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..nav import nav_link
    from .views import bp

    app.register_blueprint(bp)
    nav_link("audit.index", _l("Audit"), "audit.view", 90)

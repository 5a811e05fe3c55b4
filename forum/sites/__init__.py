"""HA sites: clusters, hospitals, institutions, clinics, labs and offices."""
from __future__ import annotations


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..nav import nav_link
    from .views import bp

    app.register_blueprint(bp)
    nav_link("sites.index", _l("Sites"), "site.view", 70)

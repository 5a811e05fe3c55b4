"""The agenda: rooms, sessions, the demo scheduler, releases, the public programme and "My agenda"."""
from __future__ import annotations


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..nav import nav_link
    from ..api.core import add_endpoints
    from . import api
    from .personal import bp as personal_bp
    from .public import bp as public_bp
    from .views import bp
    from . import permissions

    permissions.register()  # the grants, before any view or kind below names one
    for blueprint in (bp, public_bp, personal_bp):
        app.register_blueprint(blueprint)
    add_endpoints(api)  # its API endpoints, on the API blueprint registered last
    nav_link("agenda.editor_home", _l("Agenda"), "agenda.manage", 45)
    nav_link("agenda_personal.my_agenda_home", _l("My agenda"), "agenda.my", 46)

"""Communications: organisers' wording of the forum's mail, announcements to groups, wallet passes."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

SENTENCES = {
    "mail_template.save": _l("%(who)s changed the wording of a mail"),
    "mail_template.reset": _l("%(who)s put a mail back to its default wording"),
    "mail_template.test": _l("%(who)s sent themselves a test mail"),
    "announcement.send": _l("%(who)s sent an announcement"),
    "wallet.configure": _l("%(who)s set up the wallet pass certificate"),
    "wallet.remove": _l("%(who)s removed the wallet pass certificate"),
}


def init_app(app) -> None:
    """The pages (one blueprint over two modules), audit sentences and the wallet check templates call."""
    from .. import mail
    from ..audit.sentences import ACTIONS
    from ..jobs.kinds import register
    from .announcement_job import KIND
    from .announcements import RECEIPT, record_delivery
    from . import public_views, site_views
    from .views import bp
    from . import permissions

    permissions.register()  # the grants, before any view or kind below names one
    public_views.routes.add_to(bp)  # unsubscribe, wallet passes and the account mails share the blueprint
    site_views.routes.add_to(bp)
    app.register_blueprint(bp)
    ACTIONS.update(SENTENCES)
    mail.on_delivery(app, RECEIPT, record_delivery)  # each announcement mail reports whether it left
    register(KIND)  # sending an announcement is a background job

    def wallet_ready() -> bool:
        from .wallet import is_configured

        return is_configured()

    app.add_template_global(wallet_ready)

"""Who may word the forum's mail, send announcements and configure wallet passes."""
from __future__ import annotations

from ..permissions import ORGANISERS, grant


def register() -> None:
    """This feature's grants; its init_app calls this before anything asks can()."""
    grant("communications.manage", ORGANISERS)
    grant("wallet.configure", {"admin"})
    grant("communications.manage_site", {"admin"})  # the account mails, which belong to no forum

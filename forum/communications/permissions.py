"""Who may word the forum's mail, send announcements and configure wallet passes."""
from __future__ import annotations

from ..permissions import STAFF, grant

grant("communications.manage", STAFF)
grant("wallet.configure", {"admin"})

"""Who may download a person's data, erase a person, and purge expired forums."""
from __future__ import annotations

from ..permissions import SIGNED_IN, grant


def own_account(user, person) -> bool:
    return person is not None and getattr(person, "id", None) == user.id


def register() -> None:
    """This feature's grants; its init_app calls this before anything asks can()."""
    grant("privacy.export", SIGNED_IN, rule=own_account)  # administrators answer others' requests
    grant("privacy.erase", {"admin"})
    grant("privacy.purge", {"admin"})

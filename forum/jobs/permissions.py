"""Who sees jobs: organisers see every job (each kind also needs its own grant to start); anyone signed
in sees the jobs they started themselves (a catalogue, a pilot report) and their result."""
from __future__ import annotations

from ..permissions import SIGNED_IN, ORGANISERS, grant


def _started_it(user, job) -> bool:
    return getattr(job, "started_by_id", None) == user.id


def register() -> None:
    """This feature's grants; its init_app calls this before anything asks can()."""
    grant("job.view", ORGANISERS)
    grant("job.own", SIGNED_IN, _started_it)

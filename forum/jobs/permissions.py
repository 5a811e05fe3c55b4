"""Who sees the jobs page and its results: the organisers (each kind also needs its own grant to start)."""
from __future__ import annotations

from ..permissions import STAFF, grant

grant("job.view", STAFF)

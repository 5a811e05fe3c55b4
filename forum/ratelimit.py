"""Rate-limit storage for one process: limits' memory storage without a thread per sweep.

limits' memory:// storage clears expired counters from a 10 ms threading.Timer and starts a
new Timer thread on the next hit once the last one has run: under a door's load that is a
thread start every few requests (measured: about a fifth of a scan's CPU time, and a wait for
the GIL while the new thread starts). Here one long-lived daemon thread per process sweeps
instead. Counting is unchanged: expired windows are also dropped when read, as in memory://.
"""
from __future__ import annotations

import os
import threading
import time

from limits.storage import MemoryStorage

SWEEP_SECONDS = 1.0


class SweptMemoryStorage(MemoryStorage):
    STORAGE_SCHEME = ["forum-memory"]  # limits registers the scheme by this attribute

    def _sweep_forever(self) -> None:
        while True:
            time.sleep(SWEEP_SECONDS)
            self._MemoryStorage__expire_events()

    def _MemoryStorage__schedule_expiry(self) -> None:
        # Called by MemoryStorage on every hit. One sweeper per process: after a fork
        # (gunicorn workers) the parent's thread does not exist in the child.
        if getattr(self, "_sweeper_pid", None) != os.getpid():
            self._sweeper_pid = os.getpid()
            threading.Thread(target=self._sweep_forever, name="ratelimit-sweeper", daemon=True).start()

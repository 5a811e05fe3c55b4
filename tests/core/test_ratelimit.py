"""The in-process rate-limit storage counts like limits' memory:// without starting a thread per sweep."""
import threading
import time

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from forum.ratelimit import SweptMemoryStorage


def test_counts_expires_and_sweeps_with_one_thread():
    storage = storage_from_string("forum-memory://")
    assert isinstance(storage, SweptMemoryStorage)
    limiter = FixedWindowRateLimiter(storage)
    limit = parse("2 per 1 second")
    assert limiter.hit(limit, "k") and limiter.hit(limit, "k")
    assert not limiter.hit(limit, "k")  # third hit in the window refused
    threads = threading.active_count()
    for _ in range(50):
        limiter.hit(limit, "other")
    assert threading.active_count() <= threads + 1  # at most the one sweeper
    time.sleep(1.1)
    assert limiter.hit(limit, "k")  # a new window

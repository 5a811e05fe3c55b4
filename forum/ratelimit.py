"""Rate limiting: limits' memory storage without a thread per sweep, and the door's lean check.

limits' memory:// storage clears expired counters from a 10 ms threading.Timer and starts a
new Timer thread on the next hit once the last one has run: under a door's load that is a
thread start every few requests (measured: about a fifth of a scan's CPU time, and a wait for
the GIL while the new thread starts). Here one long-lived daemon thread per process sweeps
instead. Counting is unchanged: expired windows are also dropped when read, as in memory://.
"""
from __future__ import annotations

import functools
import logging
import os
import threading
import time
from collections.abc import Callable

from flask import Response, after_this_request, current_app, request
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import RateLimiter
from limits.util import WindowStats
from werkzeug.exceptions import TooManyRequests

from .extensions import limiter

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


# --- the door's lean check -----------------------------------------------------------------------
# Flask-Limiter evaluates a decorated view's limits twice per request (its before_request pass and
# the decorator's) and builds its headers in after_request: a tenth of a scan's CPU time. hot_limit()
# does one pass, counting in the same storage with the same strategy, keys and answers, so instances
# still share one budget per token through Redis.

RETRY_SECONDS = 5.0  # after the shared storage failed, count in this process for this long
log = logging.getLogger("flask-limiter")  # where Flask-Limiter reports breaches and outages


@functools.lru_cache(maxsize=32)
def _parsed(limits: str) -> tuple[RateLimitItem, ...]:
    return tuple(sorted(parse_many(limits)))  # shortest window first, as Flask-Limiter orders them


def _shared() -> RateLimiter:
    """Flask-Limiter's strategy over the shared storage, even while Flask-Limiter itself counts in
    memory: it looks for the storage's return only on the requests it checks, and scans are not."""
    strategy = limiter.limiter
    return strategy if strategy.storage is limiter.storage else type(strategy)(limiter.storage)


class _Fallback:
    """Counts in process memory while the shared storage fails, and tries it again every RETRY_SECONDS."""

    def __init__(self) -> None:
        self.failed: object = None  # the storage that failed
        self.until = 0.0
        self.memory: RateLimiter | None = None

    def strategy(self, shared: RateLimiter) -> RateLimiter:
        if shared.storage is self.failed and time.monotonic() < self.until:
            return self.memory
        return shared

    def fail(self, shared: RateLimiter) -> RateLimiter:
        log.warning("Rate limit storage unreachable - scans counted in this process for %.0f s", RETRY_SECONDS)
        self.failed, self.until = shared.storage, time.monotonic() + RETRY_SECONDS
        if type(self.memory) is not type(shared):
            self.memory = type(shared)(SweptMemoryStorage())
        return self.memory


_fallback = _Fallback()


def _count(limits, args: list[str], cost: int) -> tuple[RateLimitItem, WindowStats, bool]:
    """Hit each limit once (shortest window first, up to the first breach): the limit the headers
    tell of, its window after this request, and whether it was breached."""
    shared = _shared()
    strategy = _fallback.strategy(shared)
    try:
        return _hit(strategy, limits, args, cost)
    except Exception:  # noqa: BLE001  (Redis gone, refusing or timing out: the door keeps working)
        if strategy is not shared:
            raise
        return _hit(_fallback.fail(shared), limits, args, cost)


def _hit(strategy: RateLimiter, limits, args: list[str], cost: int):
    for item in limits:
        if not strategy.hit(item, *args, cost=cost):
            return item, strategy.get_window_stats(item, *args), True
    return limits[0], strategy.get_window_stats(limits[0], *args), False


def _add_headers(response: Response, item: RateLimitItem, window: WindowStats) -> Response:
    """Flask-Limiter's headers, on every answer; Retry-After the later of the limit's and one already set."""
    reset_at = int(window.reset_time + 1)
    response.headers.add("X-RateLimit-Limit", str(item.amount))
    response.headers.add("X-RateLimit-Remaining", str(window.remaining))
    response.headers.add("X-RateLimit-Reset", str(reset_at))
    earlier = response.headers.get("Retry-After")
    if earlier is not None and earlier.isdigit():
        reset_at = max(int(time.time() + int(earlier)), reset_at)
    response.headers.set("Retry-After", str(int(reset_at - time.time())))
    return response


def hot_limit(config_key: str, key_func: Callable[[], str], cost: Callable[[], int] | None = None):
    """Rate-limit a view by the limits in app.config[config_key], per key_func(), in one pass.

    Counted under @limiter.limit's keys (prefix, key, endpoint): a switch between the two keeps the
    counts. Flask-Limiter's own hooks leave the view alone (see init_app)."""
    def decorator(view):
        @functools.wraps(view)
        def limited(*args, **kwargs):
            if limiter.enabled:
                config = current_app.config
                prefix = config.get("RATELIMIT_KEY_PREFIX")
                key = [prefix, key_func(), request.endpoint] if prefix else [key_func(), request.endpoint]
                item, window, breached = _count(_parsed(config[config_key]), key, cost() if cost else 1)
                if config.get("RATELIMIT_HEADERS_ENABLED"):
                    after_this_request(lambda response: _add_headers(response, item, window))
                if breached:
                    log.info("ratelimit %s (%s) exceeded at endpoint: %s", item, key[-2], key[-1])
                    raise TooManyRequests(str(item))
            return view(*args, **kwargs)

        limited.hot_limited = True  # copied onto the registered view by the wrappers around it
        return limited

    return decorator


def init_app(app) -> None:
    """limiter.init_app(app), with Flask-Limiter's per-request hooks left out for views hot_limit counts:
    exempt views still cost its before-request pass (resolving and filtering their limits), its
    headers pass and its clean-up, about a twentieth of a scan."""
    registries = (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs)
    before = [list(registry.get(None, ())) for registry in registries]
    limiter.init_app(app)
    for registry, old in zip(registries, before):
        registry[None] = [hook if hook in old else _unless_hot(hook) for hook in registry.get(None, ())]


def _unless_hot(hook):
    def hook_unless_hot(*args):
        if getattr(current_app.view_functions.get(request.endpoint), "hot_limited", False):
            return args[0] if args else None  # an after-request hook hands the response on
        return hook(*args)

    return hook_unless_hot

"""gunicorn settings for production: `gunicorn -c deploy/gunicorn.conf.py wsgi:app` (docs/deploy.md).

Kept out of the project root on purpose: gunicorn reads ./gunicorn.conf.py on its own, and these
settings (worker recycling among them) must not reach `make run`, the browser tests or the benchmarks.

The app keeps no state in its processes (sessions are signed cookies, rate limits and the job
queue live in Redis, everything else in PostgreSQL), so workers and machines can be added freely.
"""
import multiprocessing
import os

# Behind the reverse proxy; in compose.yaml the proxy reaches the app at web:8000.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Threads keep a worker answering while another request waits on PostgreSQL or Redis.
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
# A forum's badge PDF or report can take a while; the proxy's read timeout is longer still (75 s).
timeout = 60
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so memory stays flat over a long forum day (with jitter, not all at once).
max_requests = 2000
max_requests_jitter = 200
# Each worker opens its own database connections after the fork (none are shared across processes).
preload_app = False
# No access log: it would write raw paths, and invitation and ticket links carry tokens in theirs. The app
# writes one line per request with the route pattern instead (forum/observability.py).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# X-Forwarded-* are believed by the app itself (PROXY_HOPS, werkzeug ProxyFix), not by gunicorn.
forwarded_allow_ips = ""

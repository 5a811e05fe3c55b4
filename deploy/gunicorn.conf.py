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
# The sync worker: one request at a time per process, a new connection for each. nginx reads whole
# requests and buffers whole answers (deploy/nginx.conf), so no slow client holds a process, and each
# connection goes to whichever process is free. Threaded workers kept each keep-alive connection in the
# process that accepted it, busy or not: at the door, p99 54-72 ms against 35-42 ms for the sync worker
# at the same rate (docs/benchmarks.md). `make run` has no proxy in front and stays threaded.
worker_class = "sync"
# One process more than cores covers the short waits on PostgreSQL and Redis: mail and PDFs are the job
# worker's, so requests wait little, and more processes only take turns on the cores (2 x cores + 1 did
# worse at the door and in the mixed load, docs/benchmarks.md). With the database on another machine,
# requests wait longer: raise GUNICORN_WORKERS.
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() + 1)
# A forum's badge PDF or report can take a while; the proxy's read timeout is longer still (75 s).
timeout = 60
graceful_timeout = 30
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

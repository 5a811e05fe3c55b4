"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app` (docs/deploy.md).

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
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# X-Forwarded-* are believed by the app itself (PROXY_HOPS, werkzeug ProxyFix), not by gunicorn.
forwarded_allow_ips = ""

"""compose.yaml, deploy/gunicorn.conf.py and the nginx file agree with each other and with what the app reads."""
from __future__ import annotations

import multiprocessing
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
import yaml

from forum.config import Config

ROOT = Path(__file__).resolve().parents[2]
OFFICIAL = re.compile(r"^(nginx|postgres|redis|python):[\w.-]+$")  # Docker Official Images: no namespace


def _compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def _read_by_app() -> set[str]:
    """Every environment variable forum/config.py reads (and the instance path create_app reads)."""
    source = (ROOT / "forum" / "config.py").read_text()
    names = set(re.findall(r"env\.get\(\s*\"([A-Z_]+)\"", source))
    assert {"DATABASE_URL", "SECRET_KEY", "REDIS_URL", "FORUM_ENV", "BASE_URL"} <= names
    return names | {"FORUM_INSTANCE_PATH"}


def _read_by_gunicorn() -> set[str]:
    return set(re.findall(r"environ\.get\(\"([A-Z_]+)\"", (ROOT / "deploy" / "gunicorn.conf.py").read_text()))


def _substituted(value: str) -> str:
    """Compose's ${NAME:?message} and ${NAME:-default}, with sample values for the .env secrets."""
    samples = {"SECRET_KEY": "s" * 64, "POSTGRES_PASSWORD": "pw", "BASE_URL": "https://forum.example.org.hk"}

    def repl(match):
        name, op, rest = match.group(1), match.group(2), match.group(3)
        return samples.get(name, rest if op == ":-" else "")

    return re.sub(r"\$\{([A-Z_]+)(:[?-])?([^}]*)\}", repl, str(value))


def test_the_layout_has_every_service_on_official_images():
    services = _compose()["services"]
    assert set(services) == {"proxy", "web", "worker", "db", "redis"}
    for name in ("proxy", "db", "redis"):
        assert OFFICIAL.match(services[name]["image"]), services[name]["image"]
    assert OFFICIAL.match(re.search(r"^FROM (\S+)", (ROOT / "Dockerfile").read_text(), re.M).group(1))
    assert services["web"]["image"] == services["worker"]["image"]  # the worker runs the same code
    assert services["worker"]["command"][-4:-2] == ["jobs", "worker"]
    assert services["proxy"]["ports"] == ["80:80"]  # only the proxy is published
    assert all("ports" not in services[n] for n in ("web", "worker", "db", "redis"))


def test_the_app_environment_is_what_the_app_reads_and_points_at_the_services():
    compose = _compose()
    services = compose["services"]
    known = _read_by_app()
    for name in ("web", "worker"):
        env = {k: _substituted(v) for k, v in services[name]["environment"].items()}
        assert set(env) - known - _read_by_gunicorn() == set(), name
        assert env["FORUM_ENV"] == "production" and env["PROXY_HOPS"] == "1"
        database = sa.engine.make_url(env["DATABASE_URL"])
        db_env = services["db"]["environment"]
        assert database.drivername == "postgresql+psycopg" and database.host == "db" and database.port == 5432
        assert database.username == db_env["POSTGRES_USER"] and database.database == db_env["POSTGRES_DB"]
        assert database.password == _substituted(db_env["POSTGRES_PASSWORD"])
        assert re.fullmatch(r"redis://redis:6379/\d+", env["REDIS_URL"])
        # The app starts with exactly this environment, in production mode.
        config = Config(str(ROOT / "instance"), env)
        assert config.SQLALCHEMY_DATABASE_URI == env["DATABASE_URL"] and config.REDIS_URL == env["REDIS_URL"]
        assert config.PROXY_HOPS == 1 and config.SESSION_COOKIE_SECURE
        assert services[name]["volumes"] == ["instance:/srv/forum/instance"] == [
            f"instance:{env['FORUM_INSTANCE_PATH']}"]


def test_the_proxy_gunicorn_and_compose_agree_on_the_port():
    web = _compose()["services"]["web"]
    bind = web["environment"]["GUNICORN_BIND"]
    port = bind.rsplit(":", 1)[1]
    assert web["expose"] == [port]
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert f"server web:{port};" in nginx
    assert "client_max_body_size 25m" in nginx  # MAX_CONTENT_LENGTH
    settings = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert settings["preload_app"] is False
    assert settings["bind"] == "127.0.0.1:8000"  # outside compose: only the local proxy reaches it
    assert settings["timeout"] < int(re.search(r"proxy_read_timeout (\d+)s", nginx).group(1))


def test_production_serves_with_sync_workers_behind_a_proxy_that_buffers_both_ways():
    """One request at a time per gunicorn process is safe only while nginx reads each whole request before
    passing it on and takes each whole answer: otherwise a slow client holds a process for as long as it likes."""
    settings = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert settings["worker_class"] == "sync" and "threads" not in settings
    assert settings["workers"] > multiprocessing.cpu_count()  # while one waits on the database, others answer
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    location = re.search(r"location / \{(.*?)\}", nginx, re.S).group(1)
    assert re.search(r"^\s*proxy_request_buffering on;", location, re.M)
    assert re.search(r"^\s*proxy_buffering on;", location, re.M)
    assert not re.search(r"^\s*[^#\s]*buffering\s+off", nginx, re.M)
    # The sync worker closes every connection: a pool of idle upstream connections would only ever be empty.
    assert not re.search(r"^\s*keepalive\b", nginx, re.M)


def test_the_deploy_guide_names_the_commands_it_relies_on():
    guide = (ROOT / "docs" / "deploy.md").read_text()
    for needed in ("gunicorn -c deploy/gunicorn.conf.py wsgi:app", "flask --app wsgi db upgrade", "flask --app wsgi jobs worker",
                   "forum backup", "forum restore", "pg_dump", "docker compose up", "PROXY_HOPS=1",
                   "forum purge-expired"):
        assert needed in guide, needed


def test_no_gunicorn_settings_are_picked_up_from_the_project_root():
    """gunicorn reads ./gunicorn.conf.py by itself: from the root, the production settings (worker recycling
    after 2,000 requests) reached `make run`, the browser tests and the check-in benchmark, which then
    stalled on recycled workers. And no access log: it writes raw paths, and links carry tokens."""
    assert not (ROOT / "gunicorn.conf.py").exists()
    settings = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert settings["accesslog"] is None


def test_a_served_process_keeps_what_importing_the_app_made_out_of_the_collectors_sight(tmp_path):
    """gunicorn's workers, the job worker and the CLI all start from wsgi.py. Unfrozen, each full pass of the
    garbage collector walked the ~200,000 objects the import made: over 100 ms in a worker under check-in
    load, and every request queued in that worker waited it out (docs/benchmarks.md)."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'forum.db'}", "FORUM_INSTANCE_PATH": str(tmp_path),
           "FORUM_ENV": "testing"}
    out = subprocess.run([sys.executable, "-c", "import gc, wsgi; print(gc.get_freeze_count(), len(gc.get_objects()))"],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout.split()
    frozen, still_watched = int(out[0]), int(out[1])
    assert frozen > 100_000
    assert still_watched < frozen / 100

"""For browser journeys: the live server's handle, Chromium's settings, sign-in and screenshots."""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from forum.demo import DEMO_PASSWORD
from tests.support.databases import drop_postgres, throwaway_postgres

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "browser" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    env: dict
    process: subprocess.Popen | None = None
    log: Path | None = None
    extra: dict = field(default_factory=dict)

    def flask(self, *args: str, input: str | None = None) -> str:
        """Run `flask --app wsgi ARGS` against the server's database; returns stdout."""
        return flask(self.env, *args, input=input)


def flask(env: dict, *args: str, input: str | None = None) -> str:
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                            input=input, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def _run_folder() -> Path:
    """A folder every process of this test run shares (the pytest-xdist workers and their controller)."""
    return Path(tempfile.gettempdir()) / f"forum-tests-{os.environ['FORUM_TEST_RUN']}"


def demo_template(env: dict) -> dict:
    """The migrated demo forum, built once per test run; each live server starts from a copy of it.

    Building it (migrations, then `flask forum demo`) is most of a server's start; the workers take turns
    under a file lock, and the first one builds. A copy needs the same SECRET_KEY (ticket codes are
    signed with keys derived from it), so the template carries its key."""
    folder = _run_folder()
    folder.mkdir(exist_ok=True)
    record = folder / "demo.json"
    with (folder / "demo.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if record.exists():
            return json.loads(record.read_text())
        instance = folder / "demo-instance"
        instance.mkdir()
        env = {**env, "FORUM_INSTANCE_PATH": str(instance), "SECRET_KEY": "browser-tests-" + os.urandom(8).hex()}
        env.pop("JOBS_IMMEDIATE", None)
        wanted = os.environ.get("TEST_DATABASE_URL", "")
        if wanted.startswith("postgresql"):
            # Dropped by the run's controller afterwards (drop_demo_template), not by this worker.
            env["DATABASE_URL"] = throwaway_postgres(wanted, prefix="forum_demo")[0]
        else:
            env["DATABASE_URL"] = f"sqlite:///{instance / 'live.db'}"
        flask(env, "db", "upgrade")
        flask(env, "forum", "demo")
        template = {"instance": str(instance), "database_url": env["DATABASE_URL"], "secret_key": env["SECRET_KEY"]}
        record.write_text(json.dumps(template))
        return template


def drop_demo_template() -> None:
    """After the run (its controller calls this): the template's PostgreSQL database and the shared folder."""
    folder = _run_folder()
    record = folder / "demo.json"
    if record.exists():
        url = json.loads(record.read_text())["database_url"]
        if url.startswith("postgresql"):
            drop_postgres(url)
    shutil.rmtree(folder, ignore_errors=True)


def shot(page, name: str) -> Path | None:
    """Keep a full-page picture of this step when SCREENSHOTS=1 (for reading a journey afterwards).

    Off by default: no test reads them, and the suite's 65 pictures cost about a second each in Chromium."""
    if os.environ.get("SCREENSHOTS") != "1":
        return None
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page, server: LiveServer, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(server.url + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]:not(.link)")
    page.wait_for_load_state()


def serve(tmp_path_factory, extra_env: dict | None = None, *, worker: bool = False):
    """Start a server with its own migrated demo database; a generator a fixture yields from.

    worker=True: jobs are queued, not run in the request, and a job worker runs beside the server
    (as `make run` starts them), so a page that queues work answers at once, as in production."""
    instance = tmp_path_factory.mktemp("live-instance")
    env = dict(os.environ)
    env.update({
        "FORUM_ENV": "testing",
        "FORUM_INSTANCE_PATH": str(instance),
        "SECRET_KEY": "browser-tests-" + os.urandom(8).hex(),
        "BASE_URL": "",
        "RATELIMIT_LOGIN": "1000 per minute",
    })
    template = demo_template(env)
    if worker:
        env["JOBS_IMMEDIATE"] = "false"
    env.update(extra_env or {})
    env["SECRET_KEY"] = template["secret_key"]
    shutil.copytree(template["instance"], instance, dirs_exist_ok=True)  # the demo's uploads come along
    dropper = None
    wanted = os.environ.get("TEST_DATABASE_URL", "")
    if wanted.startswith("postgresql"):
        env["DATABASE_URL"], dropper = throwaway_postgres(
            wanted, template=sa.engine.make_url(template["database_url"]).database)
    else:
        env["DATABASE_URL"] = f"sqlite:///{instance / 'live.db'}"
    port = free_port()
    env["BASE_URL"] = f"http://127.0.0.1:{port}"
    server = LiveServer(url=f"http://127.0.0.1:{port}", env=env)
    server.log = instance / "server.log"
    log_handle = server.log.open("w")
    server.process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "8",
         "wsgi:app"], cwd=ROOT, env=env, stdout=log_handle, stderr=subprocess.STDOUT)
    jobs = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker"], cwd=ROOT, env=env,
                            stdout=log_handle, stderr=subprocess.STDOUT) if worker else None
    deadline = time.time() + 30
    while True:
        try:
            with urllib.request.urlopen(server.url + "/healthz", timeout=1) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if time.time() > deadline or server.process.poll() is not None:
            for process in filter(None, (server.process, jobs)):
                process.kill()
            raise RuntimeError("the test server did not start:\n" + server.log.read_text())
        time.sleep(0.2)
    yield server
    for process in filter(None, (server.process, jobs)):
        process.terminate()
    for process in filter(None, (server.process, jobs)):
        process.wait(timeout=30)
    log_handle.close()
    if dropper:
        dropper()

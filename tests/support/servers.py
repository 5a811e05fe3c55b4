"""Real servers for fault and scale-out tests: gunicorn instances, a Redis server, and a TCP gate in
front of PostgreSQL that can be shut and opened again (the database "goes away" and comes back)."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_SETTINGS = ROOT / "deploy" / "gunicorn.conf.py"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, seconds: float = 20.0, what: str = "condition"):
    """Poll check() until it returns something truthy; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            value = check()
        except AssertionError:
            raise
        except Exception:  # noqa: BLE001  (not up yet: refused, reset, redis ConnectionError ...)
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


class Gunicorn:
    """One gunicorn instance (master and workers in their own process group, so kill -9 takes them all)."""

    def __init__(self, env: dict, log: Path, app: str = "wsgi:app", workers: int = 1, threads: int = 8,
                 production: bool = False):
        """Served with `threads` gthread threads a worker, or, with `production`, with production's settings
        (deploy/gunicorn.conf.py: its sync workers) but for the address, `workers` and a short graceful stop."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        self._log = log.open("a")
        settings = ["-c", str(PRODUCTION_SETTINGS)] if production else ["--worker-class", "gthread", "--threads", str(threads)]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", *settings, "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
             "--graceful-timeout", "2", app],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, seconds: float = 30.0) -> "Gunicorn":
        def ready():
            if self.process.poll() is not None:
                raise AssertionError("server exited:\n" + self.log_path.read_text()[-3000:])
            with urllib.request.urlopen(self.url + "/healthz", timeout=1) as response:
                return response.status == 200
        wait_until(ready, seconds, "gunicorn to answer /healthz")
        return self

    def kill(self) -> None:
        """kill -9 the master and every worker at once."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()


class Client:
    """A tiny HTTP client with its own cookies (a browser, or a tablet)."""

    def __init__(self):
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies),
                                                  _NoRedirect())

    def request(self, method: str, url: str, *, json_body=None, form=None, headers=None):
        data, sent = None, dict(headers or {})
        if json_body is not None:
            data, sent["Content-Type"] = json.dumps(json_body).encode(), "application/json"
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(url, data=data, method=method, headers=sent)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class RedisServer:
    """A throw-away redis-server on a free port, that a test can kill and start again on the same port."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no",
                                         "--bind", "127.0.0.1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        wait_until(lambda: redis.Redis(port=self.port, socket_timeout=0.5).ping(), 10, "redis-server")
        return self

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


class Gate:
    """A TCP forwarder to a database server. shut() drops every connection and refuses new ones, as a
    database that went away; open() lets connections through again on the same port."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = free_port()
        self._listener = None
        self._sockets: set = set()
        self._pumps: list[threading.Thread] = []
        self._lock = threading.Lock()

    def open(self) -> "Gate":
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def shut(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            try:
                listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() in progress (close alone does not)
            except OSError:
                pass
            listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for s in sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def _accept(self, listener) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets |= {client, upstream}
            for a, b in ((client, upstream), (upstream, client)):
                pump = threading.Thread(target=self._pump, args=(a, b), daemon=True)
                self._pumps.append(pump)
                pump.start()

    def wait_until_unused(self, timeout: float = 10) -> None:
        """Wait until every connection through the gate has ended on both sides (the server's
        goodbye passed on and the socket closed), as it would have on a direct connection."""
        deadline = time.monotonic() + timeout
        for pump in list(self._pumps):
            pump.join(max(0.0, deadline - time.monotonic()))
            assert not pump.is_alive(), "a connection through the gate is still open"

    @staticmethod
    def _pump(source, sink) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

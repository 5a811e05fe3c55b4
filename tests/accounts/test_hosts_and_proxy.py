"""Links in mail come from BASE_URL; production trusts only its own hosts and one proxy hop."""
import re

import pytest

from forum import create_app
from tests.factories import UserFactory


def test_reset_link_ignores_the_host_header(client, outbox):
    UserFactory(email="victim@ha.example")
    client.post("/password/forgot", data={"email": "victim@ha.example"},
                headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"})
    [message] = outbox()
    body = message.get_body(preferencelist=("plain",)).get_content()
    links = re.findall(r"https?://[^/\s]+", body)
    assert links and set(links) == {"http://forum.test"}
    assert "evil.example" not in body and "evil.example" not in message.get_body(("html",)).get_content()


def _production_app(tmp_path, monkeypatch, **extra):
    monkeypatch.setenv("FORUM_INSTANCE_PATH", str(tmp_path))
    # The environment is read before create_app's overrides: production checks it.
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    config = {"FORUM_ENV": "production", "SECRET_KEY": "k" * 40, "REDIS_URL": "redis://127.0.0.1:6379/0",
              "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}", "BASE_URL": "https://forum.hkstp.example"}
    config.update(extra)
    return create_app(config)


def test_production_answers_only_its_trusted_hosts(tmp_path, monkeypatch):
    app = _production_app(tmp_path, monkeypatch)
    assert app.config["TRUSTED_HOSTS"] == ["forum.hkstp.example"]
    client = app.test_client()
    assert client.get("/healthz", headers={"Host": "forum.hkstp.example"}).status_code != 400
    assert client.get("/login", headers={"Host": "evil.example"}).status_code == 400


def test_one_proxy_hop_sets_the_client_address_and_scheme(tmp_path, monkeypatch):
    app = _production_app(tmp_path, monkeypatch, PROXY_HOPS=1)
    seen = {}

    @app.get("/_probe")
    def _probe():  # a throwaway route on this test's own app
        from flask import request

        seen.update(addr=request.remote_addr, scheme=request.scheme)
        return ""

    app.test_client().get("/_probe", headers={"Host": "forum.hkstp.example",
                                              "X-Forwarded-For": "198.51.100.7, 203.0.113.9",
                                              "X-Forwarded-Proto": "https"})
    # Only the last hop (the proxy's own view of the client) is believed, not what the client claims.
    assert seen == {"addr": "203.0.113.9", "scheme": "https"}


def test_without_proxy_hops_forwarded_headers_are_ignored(tmp_path, monkeypatch):
    app = _production_app(tmp_path, monkeypatch, PROXY_HOPS=0)
    seen = {}

    @app.get("/_probe")
    def _probe():
        from flask import request

        seen.update(addr=request.remote_addr)
        return ""

    app.test_client().get("/_probe", headers={"Host": "forum.hkstp.example", "X-Forwarded-For": "198.51.100.7"})
    assert seen["addr"] != "198.51.100.7"


@pytest.mark.parametrize("missing", ["SECRET_KEY", "REDIS_URL"])
def test_production_refuses_to_start_without_a_secret_key_or_redis(tmp_path, monkeypatch, missing):
    from forum.config import Config

    env = {"FORUM_ENV": "production", "SECRET_KEY": "k" * 40, "REDIS_URL": "redis://127.0.0.1:6379/0"}
    del env[missing]
    with pytest.raises(RuntimeError, match=missing):
        Config(str(tmp_path), env)

"""With REDIS_URL set, sign-in limits are counted in Redis, so every worker process shares them."""
import os
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


# Its own Redis database: an app elsewhere that resets its limiter on Redis wipes every limit key of
# the database it uses, and would reset the count between the two processes.
def _attempts(n: int, prefix: str, database_url: str, instance: Path) -> str:
    script = textwrap.dedent(f"""
        from forum import create_app
        app = create_app({{"FORUM_ENV": "testing", "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False,
                          "SQLALCHEMY_DATABASE_URI": {database_url!r}, "REDIS_URL": "redis://127.0.0.1:6379/15",
                          "RATELIMIT_KEY_PREFIX": {prefix!r}, "RATELIMIT_LOGIN": "3 per hour"}})
        client = app.test_client()
        print([client.post("/login", data={{"email": "x@ha.example", "password": "wrong pw"}}).status_code
               for _ in range({n})])
    """)
    env = dict(os.environ, FORUM_INSTANCE_PATH=str(instance))
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip()


def test_login_limit_is_shared_by_separate_processes_through_redis(tmp_path, database_url):
    prefix = f"forum-test-{uuid.uuid4().hex[:8]}"
    # Limits count in fixed windows that restart on the clock (here each hour): start well inside one,
    # so that no restart falls between the two processes and wipes the first one's attempts.
    left = 3600 - time.time() % 3600
    if left < 120:
        time.sleep(left + 1)
    # Two processes stand for two gunicorn workers: the second sees the first one's attempts.
    assert _attempts(2, prefix, database_url, tmp_path) == "[200, 200]"
    assert _attempts(2, prefix, database_url, tmp_path) == "[200, 429]"

"""Two app servers (two gunicorn processes on two ports) share the API's failure counters
through Redis: wrong passwords sent to either count for both."""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from comptoir.orders.tests import factories as f

REDIS_URL = os.environ.get("COMPTOIR_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
ALL_APPS = list(settings.INSTALLED_APPS)
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


def _post(port: int, email: str, password: str) -> tuple[int, dict, str]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/auth/token", data=json.dumps({"email": email, "password": password}).encode(),
        headers={"Content-Type": "application/json"}, method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read()), response.headers.get("Retry-After", "")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()), error.headers.get("Retry-After", "")


@pytest.fixture
def two_servers(tmp_path):
    redis.Redis.from_url(REDIS_URL).flushdb()
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "comptoir.settings.test", "DATABASE_URL": _database_url(),
        "REDIS_URL": REDIS_URL, "COMPTOIR_VAR": str(tmp_path), "DEBUG": "false",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    ports = [_free_port(), _free_port()]
    servers = [
        subprocess.Popen([str(GUNICORN), "comptoir.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", "1", "--log-level", "warning"],
                         env=env, stdout=subprocess.DEVNULL, stderr=open(tmp_path / f"gunicorn-{port}.log", "w"))
        for port in ports
    ]
    try:
        for port in ports:
            for _ in range(300):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2)
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                raise AssertionError((tmp_path / f"gunicorn-{port}.log").read_text())
        yield ports
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        redis.Redis.from_url(REDIS_URL).flushdb()


@pytest.mark.django_db(transaction=True, available_apps=ALL_APPS)
def test_two_app_servers_share_the_failure_counters_through_redis(two_servers):
    first, second = two_servers
    f.user("ana@example.com")
    wrong = [_post(port, "ana@example.com", "wrong-password")[0] for port in (first, second, first, second, first)]
    assert wrong == [401] * 5
    status, body, retry_after = _post(second, "ana@example.com", "correct-horse-battery")
    assert (status, body["code"]) == (429, "rate_limited")
    assert int(retry_after) >= 1
    status, body, _ = _post(first, "ana@example.com", "correct-horse-battery")
    assert status == 429
    keys = redis.Redis.from_url(REDIS_URL).keys("comptoir:*rl:api-login-account:*")
    assert len(keys) == 1  # one counter, written by both servers

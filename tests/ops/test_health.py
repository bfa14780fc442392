"""The health endpoint: every service it covers answers ok, and each one failing turns the
answer into 503 with that service marked error."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.services import require_redis

ROOT = Path(__file__).resolve().parents[2]


def _health(client):
    response = client.get("/health/")
    return response.status_code, json.loads(response.content)


@pytest.mark.django_db
def test_liveness_answers_without_any_check(client):
    response = client.get("/health/live/", HTTP_HOST="10.0.0.11")  # a node asked by its address
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_every_service_is_reported(client, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    status, body = _health(client)
    assert set(body["checks"]) == {"database", "redis", "storage", "worker"}
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["storage"]["status"] == "ok"
    # The test settings use the in-memory broker and run tasks at once: no Redis, no worker.
    assert body["checks"]["redis"]["status"] == "skipped"
    assert body["checks"]["worker"]["status"] == "skipped"
    assert status == 200 and body["status"] == "ok"
    assert not list((tmp_path / "media" / "health").iterdir())  # the probe file is removed


@pytest.mark.django_db
def test_an_unwritable_object_store_is_an_error(client, tmp_path, settings):
    (tmp_path / "a-file").write_text("")
    settings.MEDIA_ROOT = str(tmp_path / "a-file" / "media")  # cannot be a folder
    status, body = _health(client)
    assert status == 503 and body["status"] == "error"
    assert body["checks"]["storage"]["status"] == "error"
    assert body["checks"]["database"]["status"] == "ok"


@pytest.mark.django_db
def test_redis_down_is_an_error(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    status, body = _health(client)
    assert status == 503
    assert body["checks"]["redis"] == {
        "status": "error",
        "error": "ConnectionError",
        "ms": body["checks"]["redis"]["ms"],
    }


@pytest.mark.django_db
def test_no_worker_answering_is_an_error(client, settings):
    from config.celery import app

    settings.HEALTH_WORKER_TIMEOUT = 0.3
    app.conf.task_always_eager = False
    try:
        # The in-memory broker carries the ping; no worker is there to answer it.
        status, body = _health(client)
    finally:
        app.conf.task_always_eager = True
    assert status == 503
    assert body["checks"]["worker"]["status"] == "error"


# Against real services, in other processes: the health endpoint of a node configured like
# production (Redis broker) with a real worker, then with the worker stopped, then with the
# database unreachable.
HEALTH_SCRIPT = """
import json, django
django.setup()
from django.test import Client
response = Client().get("/health/")
print(json.dumps({"code": response.status_code, **json.loads(response.content)}))
"""


def _node_env(tmp_path, **extra):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "CELERY_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "BUDGET_VAR_DIR": str(tmp_path / "var"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'node.sqlite3'}",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/14",
            "HEALTH_WORKER_TIMEOUT": "2",
            **extra,
        }
    )
    return env


def _node_health(env) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", HEALTH_SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def redis_up():
    require_redis()


@pytest.mark.services
def test_with_a_real_worker_then_without_it(redis_up, tmp_path):
    env = _node_env(tmp_path)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--hostname",
            f"health-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            answer = _node_health(env)
            if answer["checks"]["worker"]["status"] == "ok" or time.monotonic() > deadline:
                break
            time.sleep(1)
        assert answer["code"] == 200, answer
        assert answer["checks"]["redis"]["status"] == "ok"
        assert answer["checks"]["worker"]["workers"] >= 1
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    answer = _node_health(env)
    assert answer["code"] == 503
    assert answer["checks"]["worker"] == {**answer["checks"]["worker"], "status": "error"}
    assert answer["checks"]["redis"]["status"] == "ok"


def test_the_database_unreachable_is_an_error(tmp_path):
    env = _node_env(
        tmp_path, DATABASE_URL="postgres://budget:x@127.0.0.1:1/budget", CELERY_BROKER_URL="filesystem://"
    )
    answer = _node_health(env)
    assert answer["code"] == 503
    assert answer["checks"]["database"]["status"] == "error"
    assert answer["checks"]["database"]["error"] == "OperationalError"

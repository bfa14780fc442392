"""A real Celery worker process takes tasks (the outbox's ``core.send_batch`` among them) from
the broker: the embedded filesystem broker of `make run`, and Redis as in production (when a
Redis server answers on 127.0.0.1:6379)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from celery import Celery

from tests.support.services import require_redis

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(params=["filesystem", "redis"])
def broker(request, tmp_path):
    if request.param == "redis":
        require_redis()
        return {"CELERY_BROKER_URL": "redis://127.0.0.1:6379/15"}
    return {"CELERY_BROKER_URL": "filesystem://"}


def test_a_worker_takes_a_task_from_the_broker(broker, tmp_path):
    env = {
        **os.environ,
        **broker,
        "BUDGET_VAR_DIR": str(tmp_path / "var"),
        "CELERY_RESULT_BACKEND": f"file://{tmp_path / 'results'}",
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        # Its own database: the worker must not reach whatever DATABASE_URL the suite runs on.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
    }
    (tmp_path / "results").mkdir()
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--loglevel", "WARNING"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        # A client configured like the worker, from the same environment.
        client = Celery(broker=env["CELERY_BROKER_URL"], backend=env["CELERY_RESULT_BACKEND"])
        if env["CELERY_BROKER_URL"].startswith("filesystem"):
            queue = tmp_path / "var" / "broker" / "queue"
            queue.mkdir(parents=True, exist_ok=True)
            client.conf.broker_transport_options = {
                "data_folder_in": str(queue),
                "data_folder_out": str(queue),
                "control_folder": str(tmp_path / "var" / "broker" / "control"),
            }
        client.control.purge()  # nothing left over from another run on this broker
        # The outbox's task by its name (an empty batch touches no database); the solo worker takes
        # tasks in order, so once the ping answers the batch has been run.
        client.send_task("core.send_batch", args=[[]])
        result = client.send_task("budgetcycle.ping")
        assert result.get(timeout=60) == "pong"
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
    assert worker.returncode is not None, output
    text = output.decode(errors="replace")
    assert "unregistered task" not in text and "Traceback" not in text, text[-3000:]

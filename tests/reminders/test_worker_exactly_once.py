"""Real components: Redis as the broker, a real Celery worker process, email delivered over SMTP
to aiosmtpd on localhost. The worker is SIGKILLed in the middle of a reminder batch and started
again; every reminder due must reach the SMTP server exactly once.

The worker and the commands setting up its data run in subprocesses on their own SQLite file
(the test database lives in this process's memory). Skipped without Redis, unless CI is set.
"""

import asyncio
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.support.services import require_redis

ROOT = Path(__file__).resolve().parents[2]
BROKER = "redis://127.0.0.1:6379/5"

pytestmark = pytest.mark.services

SETUP = """
import datetime
from django.contrib.auth import get_user_model
from django.utils import timezone
from core.models import Membership
from budgets.models import BudgetCycle, CycleDeadline
from core.models import Unit
from core.models import OutboxMessage
from reminders.models import ReminderLog
cycle = BudgetCycle.objects.get(year=2021)  # in preparation: every unit owes it
# loaddemo dates the demo from today and queues what is due: start from a quiet calendar.
ReminderLog.objects.all().delete()
OutboxMessage.objects.all().delete()
CycleDeadline.objects.update(due_date=datetime.date(2000, 1, 1))
CycleDeadline.objects.filter(cycle=cycle, kind="preparation").update(
    due_date=timezone.localdate() + datetime.timedelta(days=1))
User = get_user_model()
for unit in Unit.objects.all():
    for i in range(3):
        user = User.objects.create(username=f"{unit.code}_p{i}", email=f"{unit.code}.p{i}@example.invalid")
        Membership.objects.create(user=user, unit=unit, role="branch_preparer")
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SlowRecordingHandler:
    """Records each message when its final '.' arrives, then takes a while to answer 250."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.received: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.extend(envelope.rcpt_tos)
        await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    handler = SlowRecordingHandler(delay=0.15)
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, handler
    controller.stop()


@pytest.fixture
def worker_env(tmp_path, smtp_server):
    require_redis()
    import redis

    redis.Redis.from_url(BROKER).flushdb()
    controller, _handler = smtp_server
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "BUDGET_VAR_DIR": str(tmp_path / "var"),
            "CELERY_BROKER_URL": BROKER,
            "CELERY_VISIBILITY_TIMEOUT": "3",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(controller.port),
        }
    )
    for command in (["migrate", "--noinput", "-v0"], ["loaddemo"], ["shell", "-c", SETUP]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True
        )
    redis.Redis.from_url(BROKER).flushdb()  # the sends loaddemo queued for what SETUP deleted
    yield env
    redis.Redis.from_url(BROKER).flushdb()


def _start_worker(env, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: SIGKILL reaches the pool child too
    )


def _wait(condition, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _db(env) -> sqlite3.Connection:
    return sqlite3.connect(Path(env["BUDGET_VAR_DIR"]) / "db.sqlite3")


def test_sigkill_mid_batch_then_restart_delivers_every_reminder_exactly_once(
    worker_env, smtp_server, tmp_path
):
    from celery import Celery

    _controller, handler = smtp_server
    log = tmp_path / "worker.log"
    worker = _start_worker(worker_env, log)
    try:
        Celery(broker=BROKER).send_task("reminders.scan")
        assert _wait(lambda: len(handler.received) >= 10, 90), log.read_text(errors="replace")[-3000:]
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        received_at_kill = len(handler.received)
        with _db(worker_env) as db:
            expected = db.execute("select count(*) from reminders_reminderlog").fetchone()[0]
            (unsent,) = db.execute(
                "select count(*) from core_outboxmessage where status != 'sent'"
            ).fetchone()
        assert expected == 45  # 13 units x 3 preparers + 6 demo users; before:1 for each
        assert unsent > 0, "the kill came after the batch had finished"

        time.sleep(4)  # past the visibility timeout: Redis hands the unacknowledged batch out again
        worker = _start_worker(worker_env, log)
        assert _wait(lambda: len(handler.received) >= expected, 120), log.read_text(errors="replace")[-3000:]
        time.sleep(3)  # anything sent twice would arrive now
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)

    counts = Counter(handler.received)
    assert len(handler.received) == expected, (received_at_kill, counts.most_common(3))
    assert max(counts.values()) == 1
    with _db(worker_env) as db:
        statuses = dict(
            db.execute("select status, count(*) from core_outboxmessage group by status").fetchall()
        )
    assert statuses == {"sent": expected}

"""A transition's email travels the real way: written to the outbox with the transition, queued
on commit to Redis as ``core.send_batch``, taken by a real Celery worker process, delivered over
SMTP to a server on localhost (aiosmtpd).

The worker reads the outbox from the database, so the transition runs in a subprocess on the
worker's own SQLite file (the test database lives in this process's memory)."""

import os
import socket
import subprocess
import sys
import time
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests.support.services import require_redis

pytestmark = pytest.mark.services
ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/14"

TRANSITIONS = """
from decimal import Decimal
from budgets.models import UnitBudget
from budgets.services import item_transition, project_create
from performance.services import project_targets_save
from tests.approvals.conftest import VALID_TARGETS, complete_project_data, user
budget = UnitBudget.objects.get(cycle__year=2021, unit__code="baoan")
project = project_create(budget=budget, actor=user("baoan_preparer"), data=complete_project_data(),
                         sub_items=[{"name": "宣传册印刷", "amount": Decimal("600000.00")}])
project_targets_save(project=project, rows=VALID_TARGETS, actor=user("baoan_preparer"))
item_transition(item=project, action="submit", actor=user("baoan_preparer"))
item_transition(item=project, action="sign_off", actor=user("baoan_head"))
print(project.pk)
"""


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.original_content)))
        return "250 OK"


@pytest.fixture
def smtp_server():
    handler = Inbox()
    with socket.socket() as probe:  # a free port: aiosmtpd needs to know its own
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, handler
    controller.stop()


@pytest.fixture
def redis_worker(smtp_server, tmp_path):
    require_redis()
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    controller, _ = smtp_server
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "BUDGET_VAR_DIR": str(tmp_path),
            "CELERY_BROKER_URL": REDIS_URL,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(controller.port),
        }
    )
    for command in (["migrate", "--noinput", "-v0"], ["loaddemo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True
        )
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--loglevel", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    yield env
    worker.terminate()
    worker.communicate(timeout=30)
    redis.Redis.from_url(REDIS_URL).flushdb()


def test_sign_off_mails_the_hq_reviewer_through_a_real_worker(redis_worker, smtp_server):
    _, inbox = smtp_server
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", TRANSITIONS],
        cwd=ROOT, env=redis_worker, check=True, capture_output=True, text=True,
    )  # fmt: skip
    project_pk = int(done.stdout.strip().splitlines()[-1])

    def to_reviewer():
        return [m for rcpts, m in inbox.messages if rcpts == ["hq_reviewer@demo.invalid"]]

    deadline = time.monotonic() + 60
    while not to_reviewer() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)  # anything sent twice would arrive now
    (message,) = to_reviewer()
    assert "社保政策宣传（2021）" in str(make_header(decode_header(message["Subject"])))
    body = message.get_payload(decode=True).decode()
    assert f"/budgets/2021/baoan/projects/{project_pk}/" in body
    # The submission reached the head the same way; each email exactly once. (loaddemo's reminder
    # scan queues the day's deadline reminders too: those are not about this project.)
    about_project = [
        address
        for rcpts, sent in inbox.messages
        if "社保政策宣传（2021）" in str(make_header(decode_header(sent["Subject"])))
        for address in rcpts
    ]
    assert sorted(about_project) == ["baoan_head@demo.invalid", "hq_reviewer@demo.invalid"]

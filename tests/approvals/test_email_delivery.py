"""A transition's email travels the real way: queued on commit to Redis, taken by a real Celery
worker process, delivered over SMTP to a server on localhost (aiosmtpd)."""

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

from approvals.services import item_transition
from config.celery import app as celery_app

from .conftest import user

pytestmark = [pytest.mark.services, pytest.mark.django_db]
ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/14"


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


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
    if not _redis_up():
        if os.environ.get("CI"):
            pytest.fail("Redis is expected on 127.0.0.1:6379 in CI")
        pytest.skip("no Redis on 127.0.0.1:6379")
    controller, _ = smtp_server
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "BUDGET_VAR_DIR": str(tmp_path),
        "CELERY_BROKER_URL": REDIS_URL,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(controller.port),
    }
    subprocess.run(
        [sys.executable, "-m", "celery", "-A", "config", "purge", "-f"],
        cwd=ROOT,
        env=env,
        capture_output=True,
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--loglevel", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    saved = {k: celery_app.conf[k] for k in ("task_always_eager", "broker_url", "broker_transport_options")}
    celery_app.conf.update(task_always_eager=False, broker_url=REDIS_URL, broker_transport_options={})
    celery_app._pool = None
    yield worker
    celery_app.conf.update(**saved)
    celery_app._pool = None
    worker.terminate()
    worker.communicate(timeout=30)


def test_sign_off_mails_the_hq_reviewer_through_a_real_worker(draft_project, redis_worker, smtp_server,
                                                             django_capture_on_commit_callbacks):  # fmt: skip
    _, inbox = smtp_server
    item_transition(item=draft_project, action="submit", actor=user("baoan_preparer"))
    with django_capture_on_commit_callbacks(execute=True):
        item_transition(item=draft_project, action="sign_off", actor=user("baoan_head"))
    deadline = time.monotonic() + 60
    while not inbox.messages and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(inbox.messages) == 1
    recipients, message = inbox.messages[0]
    assert recipients == ["hq_reviewer@demo.invalid"]
    assert "社保政策宣传（2021）" in str(make_header(decode_header(message["Subject"])))
    body = message.get_payload(decode=True).decode()
    assert f"/budgets/2021/baoan/projects/{draft_project.pk}/" in body

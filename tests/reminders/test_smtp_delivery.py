"""The at-most-once protocol over a real SMTP server (aiosmtpd on localhost), in one process."""

import socket

import pytest
from django.core.mail import get_connection

from core.delivery import claim, send_one
from core.models import MessageKind, MessageStatus, OutboxMessage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class Recorder:
    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp(settings):
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    yield recorder
    controller.stop()


@pytest.fixture
def message(db):
    user = UserFactory(email="zhang@example.invalid")
    return OutboxMessage.objects.create(
        recipient=user,
        email=user.email,
        kind=MessageKind.REMINDER,
        subject="预算编制截止提醒 / reminder",
        body="还有 3 天。\n.\n3 days left.",
    )


def test_a_message_goes_out_once_with_its_chinese_subject(smtp, message):
    backend = get_connection()
    attempt = claim(message.pk, "task-1")
    assert send_one(message, attempt, backend)
    backend.close()
    assert len(smtp.messages) == 1
    assert b"\r\n.\r\n3 days left" in smtp.messages[0].original_content  # a lone dot survives
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert claim(message.pk, "task-1") is None  # sent: nobody may claim it again


def test_when_another_worker_takes_over_only_one_delivers(smtp, message, settings):
    settings.MAIL_SEND_LEASE_SECONDS = 0
    first = claim(message.pk, "worker-a")
    second = claim(message.pk, "worker-b")  # the lease ran out: worker b takes the message over
    assert (first, second) == (1, 2)
    a, b = get_connection(), get_connection()
    assert send_one(message, first, a) is False  # its commit fails: it drops the connection before the "."
    assert send_one(message, second, b) is True
    a.close()
    b.close()
    assert len(smtp.messages) == 1


def test_a_redelivered_task_takes_back_its_own_claim(message):
    assert claim(message.pk, "task-9") == 1
    assert claim(message.pk, "task-other") is None  # within the lease, someone else's
    assert claim(message.pk, "task-9") == 2


def test_the_final_dot_is_not_held_back_by_nagle(smtp, message):
    """The '.' is a separate small write after the commit: the socket sends it at once
    (TCP_NODELAY), not after the server's delayed ACK of the message (about 40 ms each)."""
    backend = get_connection()
    attempt = claim(message.pk, "task-1")
    assert send_one(message, attempt, backend)
    assert backend.connection.sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    backend.close()
    assert len(smtp.messages) == 1


def test_a_batch_is_claimed_at_once_and_sent_once_over_one_connection(smtp, db):
    from core import mail

    user = UserFactory(email="li@example.invalid")
    ids = [
        OutboxMessage.objects.create(recipient=user, email=user.email, kind=MessageKind.REMINDER,
                                     subject=f"提醒 {i}", body="正文").pk
        for i in range(5)
    ]  # fmt: skip
    assert mail.send(message_ids=ids, token="task-7") == 5
    assert mail.send(message_ids=ids, token="task-7") == 0  # the same task again: all sent already
    assert len(smtp.messages) == 5
    assert set(OutboxMessage.objects.filter(pk__in=ids).values_list("status", "attempts")) == {("sent", 1)}

"""Sending one outbox message at most once, even when two workers try or one dies mid-way.

1. *Claim*: an atomic conditional UPDATE moves the row from pending (or failed, or a claim that
   is stale or our own — a redelivered task keeps its id) to ``sending`` and bumps ``attempts``;
   a batch is claimed in one UPDATE (:func:`claim_batch`).
2. Over SMTP: MAIL, RCPT, DATA and the whole message, *but not* the final ``.``.
3. *Commit*: an UPDATE that succeeds only if the row is still ours (``sending`` with our
   attempt number) marks it ``sent``; it commits on its own (autocommit).
4. Only then the final ``.`` goes to the server, which accepts the message.

A worker killed before step 3 never sent the ``.``: the server drops the half transaction and
the message is sent again later. Killed after it, the message is marked sent and the ``.`` is
the next bytes written (TCP_NODELAY: at once, not after the server's delayed ACK). A second worker that took the message over makes step 3 fail for the
first, which then drops its connection without the ``.``. The one window left is between the
commit and writing five bytes to a local socket.

For other email backends (console, locmem in tests) the commit comes first, then the send.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address
from django.db.models import F, Q
from django.utils import timezone

from .models import MessageStatus, OutboxMessage

MAX_ATTEMPTS = 5


def lease_seconds() -> int:
    return int(settings.MAIL_SEND_LEASE_SECONDS)


class Abandoned(Exception):
    """Another worker owns the message now; this attempt stops without sending."""


def claim(message_id: int, token: str) -> int | None:
    """Take the message for sending; returns the attempt number, or None if it is not ours."""
    now = timezone.now()
    stale = now - timedelta(seconds=lease_seconds())
    claimable = (
        Q(status=MessageStatus.PENDING)
        | Q(status=MessageStatus.FAILED, attempts__lt=MAX_ATTEMPTS)
        | Q(status=MessageStatus.SENDING, claim_token=token)
        | Q(status=MessageStatus.SENDING, claimed_at__lt=stale)
    )
    updated = OutboxMessage.objects.filter(claimable, pk=message_id).update(
        status=MessageStatus.SENDING, claim_token=token, claimed_at=now, attempts=F("attempts") + 1
    )
    if not updated:
        return None
    return OutboxMessage.objects.values_list("attempts", flat=True).get(pk=message_id)


def claim_batch(message_ids: list[int], token: str) -> dict[int, tuple[OutboxMessage, int]]:
    """:func:`claim` for a whole batch in two queries (one UPDATE, one SELECT): the messages now
    ours, with their attempt numbers. A worker that dies mid-batch leaves the rest claimed with
    its token: the redelivered task (same id) takes them back, and anyone else after the lease."""
    now = timezone.now()
    stale = now - timedelta(seconds=lease_seconds())
    claimable = (
        Q(status=MessageStatus.PENDING)
        | Q(status=MessageStatus.FAILED, attempts__lt=MAX_ATTEMPTS)
        | Q(status=MessageStatus.SENDING, claim_token=token)
        | Q(status=MessageStatus.SENDING, claimed_at__lt=stale)
    )
    OutboxMessage.objects.filter(claimable, pk__in=message_ids).update(
        status=MessageStatus.SENDING, claim_token=token, claimed_at=now, attempts=F("attempts") + 1
    )
    ours = OutboxMessage.objects.filter(
        pk__in=message_ids, status=MessageStatus.SENDING, claim_token=token, claimed_at=now
    ).only("id", "email", "subject", "body", "attempts")
    return {message.pk: (message, message.attempts) for message in ours}


def mark_sent(message_id: int, attempt: int) -> bool:
    return bool(
        OutboxMessage.objects.filter(pk=message_id, status=MessageStatus.SENDING, attempts=attempt).update(
            status=MessageStatus.SENT, sent_at=timezone.now(), error=""
        )
    )


def mark_failed(message_id: int, attempt: int, error: str, *, undo_sent: bool = False) -> None:
    """A failed attempt is retried by the sweep until MAX_ATTEMPTS; then the message stays
    ``gave_up``, listed for the administrators in the admin's outbox. ``undo_sent``: the row was
    committed as sent but the backend then refused it (non-SMTP backends commit first)."""
    status = MessageStatus.GAVE_UP if attempt >= MAX_ATTEMPTS else MessageStatus.FAILED
    rows = OutboxMessage.objects.filter(pk=message_id, attempts=attempt)
    if not undo_sent:
        rows = rows.exclude(status=MessageStatus.SENT)
    rows.update(status=status, error=error[:2000], sent_at=None)


def _dot_stuffed(data: bytes) -> bytes:
    data = re.sub(rb"(?m)^\.", b"..", data)
    return data if data.endswith(b"\r\n") else data + b"\r\n"


def smtp_send_after_commit(backend: SMTPBackend, email: EmailMessage, commit: Callable[[], bool]) -> None:
    """Steps 2-4 over an open SMTP connection."""
    if backend.connection is None:
        backend.open()
    connection = backend.connection
    if getattr(connection, "sock", None) is not None:
        # The final "." is a separate 3-byte write after the commit: without TCP_NODELAY, Nagle
        # holds it until the server ACKs the message, which a delayed ACK puts off for ~40 ms.
        connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    encoding = email.encoding or settings.DEFAULT_CHARSET
    sender = sanitize_address(email.from_email, encoding)
    recipients = [sanitize_address(address, encoding) for address in email.recipients()]
    data = email.message().as_bytes(linesep="\r\n")
    connection.ehlo_or_helo_if_needed()
    code, reply = connection.mail(sender)
    if code != 250:
        connection.rset()
        raise RuntimeError(f"MAIL FROM refused: {code} {reply!r}")
    for recipient in recipients:
        code, reply = connection.rcpt(recipient)
        if code not in (250, 251):
            connection.rset()
            raise RuntimeError(f"RCPT TO {recipient} refused: {code} {reply!r}")
    code, reply = connection.docmd("data")
    if code != 354:
        connection.rset()
        raise RuntimeError(f"DATA refused: {code} {reply!r}")
    connection.send(_dot_stuffed(data))
    if not commit():
        # Dropping the connection in the middle of DATA makes the server discard the message.
        connection.close()
        backend.connection = None
        raise Abandoned
    connection.send(b".\r\n")
    code, reply = connection.getreply()
    if code != 250:
        raise RuntimeError(f"message refused after DATA: {code} {reply!r}")


def send_one(message: OutboxMessage, attempt: int, backend) -> bool:
    """Send a claimed message; True when it went out in this attempt."""
    email = EmailMessage(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.email])
    committed = False

    def commit() -> bool:
        nonlocal committed
        committed = mark_sent(message.pk, attempt)
        return committed

    if not isinstance(backend, SMTPBackend):
        if not commit():
            return False
        try:
            backend.send_messages([email])
        except Exception as exc:  # nothing went out: the message is not sent after all
            mark_failed(message.pk, attempt, str(exc), undo_sent=True)
            return False
        return True
    try:
        smtp_send_after_commit(backend, email, commit)
    except Abandoned:
        return False
    except Exception as exc:
        if committed and "refused after DATA" not in str(exc):
            # The final "." was written: the server most likely has the message. Keep it sent.
            OutboxMessage.objects.filter(pk=message.pk).update(error=str(exc)[:2000])
            return True
        # Failed before the commit, or refused after DATA (committed, but the server has no message).
        mark_failed(message.pk, attempt, str(exc), undo_sent=committed)
        backend.close()
        return False
    return committed

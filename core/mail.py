"""One way to send mail. Every message of the application — workflow transitions, performance
reviews, deadline reminders, exports, the daily digest — is:

1. addressed through :func:`recipients` (roles, the unit, active users with an address);
2. rendered by :func:`render` (Chinese first, then English, in one message);
3. written by :func:`queue` as an :class:`~core.models.OutboxMessage` row in the same
   transaction as the change it reports (nothing is sent inside a web request);
4. sent by a worker (``core.tasks.send_batch``), at most once, retried on failure; what is still
   unsent — the broker was down, a worker died — is picked up by the periodic sweep
   (``core.tasks.sweep``), and what failed for good is listed for administrators in the admin.

A person whose membership asks for the daily digest gets the messages collected into one email
a day (:func:`digest_compose`).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import delivery, jobs
from .models import Event, MessageKind, MessageStatus, Notification, OutboxMessage
from .roles import UNIT_STAFF_ROLES, Role

logger = logging.getLogger(__name__)

BATCH_SIZE = 20


def site_url() -> str:
    return settings.SITE_URL.rstrip("/")


# --- Who -------------------------------------------------------------------------------------


def recipients(*, roles: Iterable[Role], unit_id: int | None = None) -> QuerySet:
    """Active users holding one of ``roles``: a unit's staff roles only at ``unit_id``, HQ roles
    wherever they sit. The one query that decides who hears about anything."""
    roles = set(roles)
    staff, hq = roles & UNIT_STAFF_ROLES, roles - UNIT_STAFF_ROLES
    q = Q(membership__role__in=hq)
    if staff and unit_id is not None:
        q |= Q(membership__role__in=staff, membership__unit_id=unit_id)
    return (
        get_user_model()
        .objects.filter(q, is_active=True)
        .select_related("membership")
        .order_by("username")
        .distinct()
    )


# --- What ------------------------------------------------------------------------------------


def render(template: str, context: dict) -> tuple[str, str]:
    """``<template>_subject.txt`` and ``<template>.txt`` in Chinese, then in English."""
    parts, subjects = [], []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            subjects.append(render_to_string(f"email/{template}_subject.txt", context).strip())
            parts.append(render_to_string(f"email/{template}.txt", context).strip())
    subject = subjects[0] if subjects[0] == subjects[1] else f"{subjects[0]} / {subjects[1]}"
    return subject[:300], "\n\n----------------\n\n".join(parts) + "\n"


# --- Writing to the outbox ----------------------------------------------------------------------


def queue(
    *, recipient, kind: MessageKind, subject: str, body: str, digest_ok: bool = True
) -> OutboxMessage | None:
    """Record one email for ``recipient``; it goes out after the commit (or with the digest).
    A user without an address gets nothing (their inbox still has the notification)."""
    if not recipient.email:
        return None
    try:
        for_digest = digest_ok and recipient.membership.daily_digest
    except ObjectDoesNotExist:
        for_digest = False
    message = OutboxMessage.objects.create(
        recipient=recipient,
        email=recipient.email,
        kind=kind,
        subject=subject,
        body=body,
        for_digest=for_digest,
    )
    if not for_digest:
        transaction.on_commit(lambda: dispatch([message.pk]))
    return message


def notify(*, event: Event, roles: Iterable[Role], unit_roles: Iterable[Role] = (), unit_id: int | None,
           link: str, about: str, state_label: str) -> list:  # fmt: skip
    """An event's inbox entries and emails: the next actors (``roles``) and, for decisions on a
    unit's request, the unit's own staff (``unit_roles``), never the actor."""
    users = {u.pk: u for u in recipients(roles=roles, unit_id=unit_id)}
    users.update({u.pk: u for u in recipients(roles=unit_roles, unit_id=unit_id)})
    users.pop(event.actor_id, None)
    people = list(users.values())
    Notification.objects.bulk_create(
        [Notification(recipient=u, event=event, link=link) for u in people], ignore_conflicts=True
    )
    if people:
        context = {
            "event": event,
            "about": about,
            "action": event.get_type_display(),
            "state": state_label,
            "url": site_url() + link if link else site_url(),
        }
        subject, body = render("event", context)
        for user in people:
            queue(recipient=user, kind=MessageKind.WORKFLOW, subject=subject, body=body)
    return people


# --- Sending ------------------------------------------------------------------------------------


def dispatch(message_ids: list[int]) -> None:
    """Hand messages to the workers (``core.jobs.enqueue``: with the broker down they stay
    pending and the sweep sends them once it is back; the change that wrote them stands)."""
    for start in range(0, len(message_ids), BATCH_SIZE):
        jobs.enqueue(send_batch, message_ids[start : start + BATCH_SIZE])


def unsent() -> list[int]:
    """Messages that still have to go out: pending, failed with attempts left, or claimed by a
    worker that has not finished within the lease (it died)."""
    stale = timezone.now() - timedelta(seconds=delivery.lease_seconds())
    return list(
        OutboxMessage.objects.filter(for_digest=False)
        .filter(
            Q(status=MessageStatus.PENDING)
            | Q(status=MessageStatus.FAILED, attempts__lt=delivery.MAX_ATTEMPTS)
            | Q(status=MessageStatus.SENDING, claimed_at__lt=stale)
        )
        .order_by("id")
        .values_list("id", flat=True)
    )


def sweep() -> int:
    """The periodic sweep: queue every message still unsent."""
    ids = unsent()
    if ids:
        dispatch(ids)
    return len(ids)


def send(*, message_ids: list[int], token: str | None = None) -> int:
    """Send the given messages, each at most once (``core.delivery``); returns how many went out
    in this call. ``token`` is the task id: a redelivered task may take back its own claims."""
    token = token or uuid.uuid4().hex
    backend = get_connection(fail_silently=False)
    sent = 0
    try:
        # Claimed together (two queries); then one UPDATE per message, the commit of its send.
        claimed = delivery.claim_batch(message_ids, token)
        for message_id in message_ids:
            if message_id not in claimed:
                continue
            message, attempt = claimed[message_id]
            if delivery.send_one(message, attempt, backend):
                sent += 1
    finally:
        try:
            backend.close()
        except OSError:  # closing a connection the server already dropped
            logger.debug("closing the mail connection failed", exc_info=True)
    return sent


@transaction.atomic
def digest_compose() -> list[int]:
    """One email per person who chose the digest, collecting every message waiting for it."""
    waiting = (
        OutboxMessage.objects.select_for_update()
        .filter(for_digest=True, status=MessageStatus.PENDING)
        .select_related("recipient")
        .order_by("recipient_id", "created_at", "id")
    )
    groups: dict[int, list[OutboxMessage]] = {}
    for message in waiting:
        groups.setdefault(message.recipient_id, []).append(message)
    created = []
    for messages in groups.values():
        user = messages[0].recipient
        subject, body = render("digest", {"user": user, "messages": messages, "site": site_url()})
        digest = OutboxMessage.objects.create(
            recipient=user, email=user.email, kind=MessageKind.DIGEST, subject=subject, body=body
        )
        OutboxMessage.objects.filter(pk__in=[m.pk for m in messages]).update(
            status=MessageStatus.IN_DIGEST, digest=digest
        )
        created.append(digest.pk)
    transaction.on_commit(lambda: dispatch(created))
    return created


# --- The workers' side (Celery tasks: thin, each calls one function above) -----------------------
# Late acknowledgement (settings): a batch whose worker dies is delivered again; claiming each
# message before sending makes that harmless.


@shared_task(bind=True, name="core.send_batch")
def send_batch(self, message_ids: list[int]) -> int:
    return send(message_ids=message_ids, token=self.request.id)


@shared_task(name="core.sweep_outbox")
def sweep_outbox() -> int:
    return sweep()


@shared_task(name="core.send_digests")
def send_digests() -> int:
    return len(digest_compose())

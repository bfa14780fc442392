"""Writes of the reminders app: the scan, the digest, sending, and a user's preference."""

from __future__ import annotations

import logging
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from budgets.models import CycleDeadline, CycleState

from .delivery import MAX_ATTEMPTS, claim, lease_seconds, send_one
from .models import DigestPreference, MessageStatus, ReminderLog, ReminderMessage, ReminderPolicy
from .owing import escalation_recipients, owing

logger = logging.getLogger(__name__)

BATCH_SIZE = 20


def policy_for(kind: str) -> ReminderPolicy:
    return ReminderPolicy.objects.filter(kind=kind).first() or ReminderPolicy(kind=kind)


def steps_due(policy: ReminderPolicy, days_left: int) -> list[tuple[str, str]]:
    """The steps due today as (step, audience): the latest 'days before' step reached (a missed
    one is caught up once), each day overdue, and each escalation once its day has come."""
    if not policy.enabled:
        return []
    if days_left >= 0:
        reached = [d for d in policy.offsets if d >= days_left]
        return [(f"before:{min(reached)}", "owing")] if reached else []
    overdue = -days_left
    if overdue > policy.stop_after_days:
        return []
    steps = []
    if policy.overdue_daily:
        steps.append((f"overdue:{overdue}", "owing"))
    if policy.escalate_to_head_after is not None and overdue >= policy.escalate_to_head_after:
        steps.append(("escalation:head", "head"))
    if policy.escalate_to_hq_after is not None and overdue >= policy.escalate_to_hq_after:
        steps.append(("escalation:hq", "hq"))
    return steps


def reminders_record(*, today: date) -> int:
    """Record every reminder due today (idempotent: the log's unique key); returns how many new."""
    entries = []
    deadlines = CycleDeadline.objects.select_related("cycle").exclude(cycle__state=CycleState.CLOSED)
    for deadline in deadlines:
        days_left = (deadline.due_date - today).days
        steps = steps_due(policy_for(deadline.kind), days_left)
        if not steps:
            continue
        for unit, users in owing(deadline).items():
            for step, audience in steps:
                recipients = users if audience == "owing" else escalation_recipients(audience, unit)
                entries += [
                    ReminderLog(
                        deadline=deadline,
                        unit=unit,
                        recipient=user,
                        step=step,
                        due_date=deadline.due_date,
                        days_left=days_left,
                    )
                    for user in recipients
                ]
    before = ReminderLog.objects.count()
    ReminderLog.objects.bulk_create(entries, ignore_conflicts=True, batch_size=500)
    return ReminderLog.objects.count() - before


def _render(template: str, context: dict) -> tuple[str, str]:
    """Chinese first, then English, in one email."""
    with translation.override("zh-hans"):
        subject = render_to_string(f"reminders/email/{template}_subject.txt", context).strip()
        chinese = render_to_string(f"reminders/email/{template}.txt", context).strip()
    with translation.override("en"):
        english = render_to_string(f"reminders/email/{template}.txt", context).strip()
        subject_en = render_to_string(f"reminders/email/{template}_subject.txt", context).strip()
    return f"{subject} / {subject_en}"[:300], f"{chinese}\n\n----------------\n\n{english}\n"


def _site_url() -> str:
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")


def _link(entry: ReminderLog) -> str:
    year = entry.deadline.cycle.year
    return _site_url() + reverse("budgets:unit", args=[year, entry.unit.code])


def _digest_users() -> set[int]:
    return set(DigestPreference.objects.filter(daily_digest=True).values_list("user_id", flat=True))


@transaction.atomic
def messages_compose(*, digest: bool = False) -> list[int]:
    """Turn recorded reminders into outbox messages: one per reminder, or (``digest``) one per
    user collecting all of theirs. Rows are locked so that two runs cannot both compose one."""
    digest_users = _digest_users()
    entries = (
        ReminderLog.objects.select_for_update(of=("self",))
        .filter(message__isnull=True)
        .select_related("deadline__cycle", "unit", "recipient")
        .order_by("recipient_id", "deadline__due_date", "id")
    )
    entries = (
        entries.filter(recipient_id__in=digest_users)
        if digest
        else entries.exclude(recipient_id__in=digest_users)
    )
    created: list[int] = []
    groups: dict[int, list[ReminderLog]] = {}
    for entry in entries:
        groups.setdefault(entry.recipient_id if digest else entry.pk, []).append(entry)
    for group in groups.values():
        first = group[0]
        if digest:
            context = {
                "user": first.recipient,
                "entries": [(e, _link(e)) for e in group],
                "site": _site_url(),
            }
            subject, body = _render("digest", context)
        else:
            context = {"user": first.recipient, "entry": first, "link": _link(first), "site": _site_url()}
            subject, body = _render("reminder", context)
        message = ReminderMessage.objects.create(
            recipient=first.recipient,
            email=first.recipient.email,
            subject=subject,
            body=body,
            is_digest=digest,
        )
        ReminderLog.objects.filter(pk__in=[e.pk for e in group]).update(message=message)
        created.append(message.pk)
    return created


def messages_unsent() -> list[int]:
    """Messages that still have to go out: pending, failed (with attempts left), or claimed by a
    worker that has not finished within the lease (it died)."""
    stale = timezone.now() - timedelta(seconds=lease_seconds())
    return list(
        ReminderMessage.objects.filter(
            Q(status=MessageStatus.PENDING)
            | Q(status=MessageStatus.FAILED, attempts__lt=MAX_ATTEMPTS)
            | Q(status=MessageStatus.SENDING, claimed_at__lt=stale)
        )
        .order_by("id")
        .values_list("id", flat=True)
    )


def _dispatch(message_ids: list[int]) -> None:
    from .tasks import send_batch

    for start in range(0, len(message_ids), BATCH_SIZE):
        send_batch.delay(message_ids[start : start + BATCH_SIZE])


def reminders_scan(*, today: date | None = None) -> dict[str, int]:
    """The scheduled scan: record what is due, compose the messages, queue their sending (and
    re-queue any message an earlier run left unsent)."""
    today = today or timezone.localdate()
    recorded = reminders_record(today=today)
    composed = messages_compose(digest=False)
    unsent = messages_unsent()
    transaction.on_commit(lambda: _dispatch(unsent))
    return {"recorded": recorded, "composed": len(composed), "queued": len(unsent)}


def digest_send(*, today: date | None = None) -> dict[str, int]:
    composed = messages_compose(digest=True)
    transaction.on_commit(lambda: _dispatch(composed))
    return {"composed": len(composed)}


def messages_send(*, message_ids: list[int], token: str | None = None) -> int:
    """Send the given messages, each at most once (see ``delivery.py``); returns how many went
    out in this call. ``token`` is the task id: a redelivered task may take back its own claims."""
    token = token or uuid.uuid4().hex
    backend = get_connection(fail_silently=False)
    sent = 0
    try:
        for message_id in message_ids:
            attempt = claim(message_id, token)
            if attempt is None:
                continue
            message = ReminderMessage.objects.get(pk=message_id)
            if send_one(message, attempt, backend):
                sent += 1
    finally:
        try:
            backend.close()
        except Exception:  # closing a dropped connection
            logger.debug("closing the mail connection failed", exc_info=True)
    return sent


@transaction.atomic
def preference_set(*, user: AbstractBaseUser, daily_digest: bool) -> DigestPreference:
    preference, _created = DigestPreference.objects.select_for_update().get_or_create(user=user)
    preference.daily_digest = daily_digest
    preference.save(update_fields=["daily_digest"])
    return preference

"""Writes of the reminders app: the daily scan records who is due which reminder and puts the
emails in the one outbox (``core.mail``), which sends them."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from budgets.models import CycleDeadline, CycleState
from core.mail import queue, recipients, render, site_url
from core.models import MessageKind
from core.policy import can_manage_reminders
from core.roles import HQ_DECIDER_ROLES, UNIT_STAFF_ROLES

from .models import ReminderLog, ReminderPolicy, WarningLog
from .owing import escalation_recipients, owing
from .registry import warning_sources


@transaction.atomic
def reminder_policies_save(*, actor, formset) -> list[ReminderPolicy]:
    """Save the reminder settings an HQ user edited (a valid formset of ``ReminderPolicyForm``)."""
    if not can_manage_reminders(actor):
        raise PermissionDenied
    return formset.save()


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


def _link(entry: ReminderLog) -> str:
    return site_url() + reverse("budgets:unit", args=[entry.deadline.cycle.year, entry.unit.code])


@transaction.atomic
def messages_compose() -> list[int]:
    """Turn recorded reminders into outbox messages, one per reminder (``core.mail.queue``: a
    person who chose the digest gets them collected into one email a day). Rows are locked so
    that two runs cannot both compose one."""
    entries = (
        ReminderLog.objects.select_for_update(of=("self",))
        .filter(message__isnull=True)
        .select_related("deadline__cycle", "unit", "recipient__membership")
        .order_by("recipient_id", "deadline__due_date", "id")
    )
    created: list[int] = []
    for entry in entries:
        context = {"user": entry.recipient, "entry": entry, "link": _link(entry), "site": site_url()}
        subject, body = render("reminder", context)
        message = queue(recipient=entry.recipient, kind=MessageKind.REMINDER, subject=subject, body=body)
        if message is None:
            continue
        ReminderLog.objects.filter(pk=entry.pk).update(message=message)
        created.append(message.pk)
    return created


# --- Warnings raised by other apps (reminders.registry) -----------------------------------------


def _with_address(users) -> list:
    return [user for user in users if user.email]


def warnings_record(*, today: date) -> int:
    """Record every warning the registered sources raise today: once to the unit's preparers and
    heads, and once to HQ when it has held for its ``escalate_to_hq_after`` days (idempotent: the
    log's unique key). Returns how many new."""
    entries = []
    for name, source in warning_sources().items():
        for warning in source(today):
            first = (
                WarningLog.objects.filter(key=warning.key)
                .order_by("raised_on")
                .values_list("raised_on", flat=True)
                .first()
            )
            raised_on = first or today
            steps = [("warning", _with_address(recipients(roles=UNIT_STAFF_ROLES, unit_id=warning.unit.pk)))]
            after = warning.escalate_to_hq_after
            if after is not None and (today - raised_on).days >= after:
                steps.append(("escalation:hq", _with_address(recipients(roles=HQ_DECIDER_ROLES))))
            for step, users in steps:
                entries += [
                    WarningLog(source=name, key=warning.key, unit=warning.unit, recipient=user, step=step,
                               text_zh=warning.text_zh, text_en=warning.text_en, link=warning.link,
                               raised_on=raised_on)
                    for user in users
                ]  # fmt: skip
    before = WarningLog.objects.count()
    WarningLog.objects.bulk_create(entries, ignore_conflicts=True, batch_size=500)
    return WarningLog.objects.count() - before


@transaction.atomic
def warnings_compose() -> list[int]:
    """Recorded warnings become outbox messages, one each, as the reminders do."""
    entries = (
        WarningLog.objects.select_for_update(of=("self",))
        .filter(message__isnull=True)
        .select_related("unit", "recipient__membership")
        .order_by("recipient_id", "id")
    )
    created: list[int] = []
    for entry in entries:
        link = site_url() + entry.link if entry.link else site_url()
        subject, body = render(
            "warning", {"user": entry.recipient, "entry": entry, "link": link, "site": site_url()}
        )
        message = queue(recipient=entry.recipient, kind=MessageKind.WARNING, subject=subject, body=body)
        if message is None:
            continue
        WarningLog.objects.filter(pk=entry.pk).update(message=message)
        created.append(message.pk)
    return created


def reminders_scan(*, today: date | None = None) -> dict[str, int]:
    """The scheduled scan: record what is due and compose the messages; the outbox sends them
    after the commit (and its sweep re-sends whatever an earlier run left unsent). Warnings of
    the registered sources go the same way."""
    today = today or timezone.localdate()
    recorded = reminders_record(today=today)
    composed = messages_compose()
    warned = warnings_record(today=today)
    warnings_composed = warnings_compose()
    return {"recorded": recorded, "composed": len(composed), "warnings": warned,
            "warnings_composed": len(warnings_composed)}  # fmt: skip

"""Deadline reminders in one process: what is due when, exactly once per person, deadline and
step, the digest, escalation, and who may read the log."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from budgets.models import CycleDeadline, DeadlineKind
from core.mail import digest_compose, send, unsent
from core.models import MessageKind, MessageStatus, OutboxMessage
from core.services import digest_preference_set
from reminders.models import ReminderLog, ReminderPolicy
from reminders.owing import OWING, units_of_cycle
from reminders.services import reminders_scan, steps_due

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 10, 20)


@pytest.fixture
def preparation(demo):
    """The preparation deadline of the demo's 2021 cycle (every unit's budget still a draft),
    moved so that tests can say how far it is."""

    def at(days_left: int) -> CycleDeadline:
        deadline = CycleDeadline.objects.get(cycle__year=2021, kind=DeadlineKind.PREPARATION)
        deadline.due_date = TODAY + datetime.timedelta(days=days_left)
        deadline.save()
        CycleDeadline.objects.filter(cycle=deadline.cycle).exclude(pk=deadline.pk).update(
            due_date=datetime.date(2000, 1, 1)
        )
        return deadline

    return at


def send_all():
    return send(message_ids=unsent())


def test_steps_follow_the_policy():
    policy = ReminderPolicy(kind=DeadlineKind.PREPARATION)
    assert steps_due(policy, 20) == []
    assert steps_due(policy, 14) == [("before:14", "owing")]
    assert steps_due(policy, 6) == [("before:7", "owing")]  # a missed step is caught up once
    assert steps_due(policy, 0) == [("before:1", "owing")]
    assert steps_due(policy, -2) == [("overdue:2", "owing")]
    assert steps_due(policy, -3) == [("overdue:3", "owing"), ("escalation:head", "head")]
    assert steps_due(policy, -8)[-1] == ("escalation:hq", "hq")
    assert steps_due(policy, -31) == []  # stop_after_days


def test_seven_days_before_every_preparer_and_head_is_reminded_once(
    preparation, django_capture_on_commit_callbacks
):
    preparation(7)
    result = reminders_scan(today=TODAY)
    # 局本级, 宝安 and 罗湖 each have a demo preparer and a head.
    assert result["recorded"] == 6
    assert send_all() == 6
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(
        f"{u}@demo.invalid"
        for u in ("hq_preparer", "hq_head", "baoan_preparer", "baoan_head", "luohu_preparer", "luohu_head")
    )
    assert "7" in mail.outbox[0].subject
    assert "Branch submissions due" in mail.outbox[0].body  # English follows the Chinese


def test_a_second_scan_and_a_retried_batch_send_nothing_more(preparation):
    preparation(3)
    reminders_scan(today=TODAY)
    ids = unsent()
    assert send(message_ids=ids) == 6
    assert reminders_scan(today=TODAY)["recorded"] == 0
    assert send(message_ids=ids) == 0  # a task delivered twice
    assert len(mail.outbox) == 6
    assert ReminderLog.objects.count() == 6


def test_the_next_step_is_a_new_reminder(preparation):
    preparation(7)
    reminders_scan(today=TODAY)
    preparation(3)
    reminders_scan(today=TODAY)
    send_all()
    assert ReminderLog.objects.filter(step="before:7").count() == 6
    assert ReminderLog.objects.filter(step="before:3").count() == 6
    assert len(mail.outbox) == 12


def test_overdue_escalates_to_the_head_then_hq(preparation):
    preparation(-8)
    reminders_scan(today=TODAY)
    steps = set(ReminderLog.objects.values_list("step", "recipient__username"))
    assert ("overdue:8", "baoan_preparer") in steps
    assert ("escalation:head", "baoan_head") in steps
    assert ("escalation:head", "baoan_preparer") not in steps
    # HQ hears once per unit that is late.
    assert ReminderLog.objects.filter(step="escalation:hq", recipient__username="hq_approver").count() == 3


def test_a_unit_that_no_longer_owes_is_not_reminded(preparation, monkeypatch):
    preparation(1)
    monkeypatch.setitem(
        OWING,
        DeadlineKind.PREPARATION,
        lambda d: {u: users for u, users in units_of_cycle(d).items() if u.code == "baoan"},
    )
    reminders_scan(today=TODAY)
    assert set(ReminderLog.objects.values_list("unit__code", flat=True)) == {"baoan"}


def test_a_digest_user_gets_one_email_for_all_their_reminders(preparation, demo):
    from django.contrib.auth import get_user_model

    head = get_user_model().objects.get(username="baoan_head")
    digest_preference_set(user=head, daily_digest=True)
    preparation(-8)
    reminders_scan(today=TODAY)
    send_all()
    assert not [m for m in mail.outbox if m.to == [head.email]]
    digest_compose()
    send_all()
    digests = [m for m in mail.outbox if m.to == [head.email]]
    assert len(digests) == 1
    assert ReminderLog.objects.filter(recipient=head).count() == 2  # overdue + escalation
    assert OutboxMessage.objects.get(recipient=head, kind=MessageKind.DIGEST).status == MessageStatus.SENT
    collected = OutboxMessage.objects.filter(recipient=head, kind=MessageKind.REMINDER)
    assert set(collected.values_list("status", flat=True)) == {MessageStatus.IN_DIGEST}


def test_a_failed_send_is_retried_by_the_next_scan(preparation, settings):
    preparation(1)
    settings.EMAIL_BACKEND = "tests.reminders.failing_backend.EmailBackend"
    reminders_scan(today=TODAY)
    assert send_all() == 0
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {MessageStatus.FAILED}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    reminders_scan(today=TODAY)
    assert send_all() == 6
    assert len(mail.outbox) == 6


def test_a_closed_cycle_sends_nothing(preparation):
    deadline = preparation(1)
    deadline.cycle.state = "closed"
    deadline.cycle.save()
    assert reminders_scan(today=TODAY)["recorded"] == 0


def login(client, username):
    assert client.login(username=username, password="demo-2020")
    return client


def test_hq_reads_the_whole_log_a_branch_only_its_unit(preparation, client):
    preparation(-8)
    reminders_scan(today=TODAY)
    hq = login(client, "hq_reviewer").get(reverse("reminders:log"))
    assert {"hq", "baoan", "luohu"} <= {e.unit.code for e in hq.context["page"].object_list}
    client.logout()
    branch = login(client, "baoan_preparer").get(reverse("reminders:log"))
    assert {e.unit.code for e in branch.context["page"].object_list} == {"baoan"}
    assert b'data-unit="luohu"' not in branch.content


def test_a_user_chooses_the_digest_on_my_reminders(demo, client):
    login(client, "luohu_head")
    response = client.post(reverse("reminders:mine"), {"daily_digest": "on"})
    assert response.status_code == 302
    assert client.get(reverse("reminders:mine")).context["daily_digest"] is True

"""The one outbox (core.mail): the digest preference holds for every kind of email, a broker
outage loses nothing and fails no request, a message that keeps failing is shown to the
administrators, and every email of the application is an outbox row."""

import subprocess
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core import mail as django_mail
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from budgets.models import Project
from budgets.services import item_transition
from config.celery import app as celery_app
from core import delivery, mail
from core.models import MessageKind, MessageStatus, OutboxMessage, Role, Unit
from core.services import digest_preference_set
from disclosure.models import ExportJob, ImportJob, ImportStatus, JobStatus
from performance import services as performance
from performance.models import ProjectMonitoring, ReportState
from tests.approvals.conftest import new_project, user
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
DEAD_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture
def draft_project(demo):
    """A complete 2021 project request of 宝安分局, ready to submit."""
    from budgets.models import UnitBudget

    return new_project(UnitBudget.objects.get(cycle__year=2021, unit__code="baoan"))


def to(address):
    return [m for m in django_mail.outbox if m.to == [address]]


# --- a. The digest preference holds for workflow emails -----------------------------------------


def test_a_head_who_chose_the_digest_gets_the_workflow_email_in_it_a_colleague_at_once(
    draft_project, django_capture_on_commit_callbacks
):
    head = user("baoan_head")
    digest_preference_set(user=head, daily_digest=True)
    colleague = user_with_role(
        Role.BRANCH_HEAD,
        Unit.objects.get(code="baoan"),
        username="baoan_head2",
        email="baoan_head2@demo.invalid",
    )
    with django_capture_on_commit_callbacks(execute=True):
        item_transition(item=draft_project, action="submit", actor=user("baoan_preparer"))
    assert len(to(colleague.email)) == 1 and draft_project.name in to(colleague.email)[0].subject
    assert to(head.email) == []
    waiting = OutboxMessage.objects.get(recipient=head)
    assert waiting.kind == MessageKind.WORKFLOW and waiting.for_digest
    assert waiting.status == MessageStatus.PENDING and waiting.pk not in mail.unsent()

    with django_capture_on_commit_callbacks(execute=True):
        (digest_id,) = mail.digest_compose()
    (digest,) = to(head.email)
    assert draft_project.name in digest.body
    assert OutboxMessage.objects.get(pk=digest_id).status == MessageStatus.SENT
    waiting.refresh_from_db()
    assert (waiting.status, waiting.digest_id) == (MessageStatus.IN_DIGEST, digest_id)
    with django_capture_on_commit_callbacks(execute=True):
        assert mail.digest_compose() == []  # collected once
    assert len(to(head.email)) == 1 and len(to(colleague.email)) == 1


# --- b. A broker outage fails no request and loses no email ---------------------------------------


@contextmanager
def broker_down():
    """Tasks go to a broker nobody answers on (as in production, not eagerly)."""
    keys = ("task_always_eager", "broker_url", "broker_transport_options", "broker_connection_retry",
            "broker_connection_max_retries", "broker_connection_timeout", "task_publish_retry")  # fmt: skip
    saved = {key: celery_app.conf[key] for key in keys}
    celery_app.conf.update(
        task_always_eager=False,
        broker_url=DEAD_BROKER,
        broker_transport_options={"max_retries": 0, "socket_connect_timeout": 0.2},
        broker_connection_retry=False,
        broker_connection_max_retries=0,
        broker_connection_timeout=0.2,
        task_publish_retry=False,
    )
    celery_app._pool = None
    try:
        yield
    finally:
        celery_app.conf.update(**saved)
        celery_app._pool = None


def _to_branch_head(project):
    return {}


def _to_hq(project):
    item_transition(item=project, action="submit", actor=user("baoan_preparer"))
    return {}


def _returned(project):
    _to_hq(project)
    item_transition(item=project, action="sign_off", actor=user("baoan_head"))
    return {"reason": "请补充测算依据"}


@pytest.mark.parametrize(
    "action, actor, before, state, recipients",
    [
        ("submit", "baoan_preparer", _to_branch_head, "with_branch_head", {"baoan_head@demo.invalid"}),
        ("sign_off", "baoan_head", _to_hq, "submitted", {"hq_reviewer@demo.invalid"}),
        ("return", "hq_reviewer", _returned, "returned", {"baoan_preparer@demo.invalid", "baoan_head@demo.invalid"}),
    ],
)  # fmt: skip
def test_with_the_broker_down_a_transition_answers_and_its_emails_go_out_once_it_is_back(
    draft_project, client, django_capture_on_commit_callbacks, action, actor, before, state, recipients
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        extra = before(draft_project)  # the earlier steps' emails went out with the broker up
    django_mail.outbox.clear()
    already = set(OutboxMessage.objects.values_list("pk", flat=True))
    assert client.login(username=actor, password="demo-2020")
    url = reverse("approvals:project-transition", args=[draft_project.pk])
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": action, **extra})
    assert response.status_code == 302
    assert Project.objects.get(pk=draft_project.pk).state == state
    written = OutboxMessage.objects.exclude(pk__in=already)
    assert {m.email for m in written} == recipients
    assert {m.status for m in written} == {MessageStatus.PENDING}
    assert django_mail.outbox == []

    # The broker is back (tasks run eagerly again, as everywhere in these tests).
    with django_capture_on_commit_callbacks(execute=True):
        assert mail.sweep() >= len(recipients)
    assert sorted(a for m in django_mail.outbox for a in m.to) == sorted(recipients)
    assert {m.status for m in written.all()} == {MessageStatus.SENT}
    with django_capture_on_commit_callbacks(execute=True):
        mail.sweep()  # a second sweep (or a late worker) sends nothing more
    assert len(django_mail.outbox) == len(recipients)


# --- c. A job whose task was lost is queued again ------------------------------------------------


def test_jobs_left_waiting_by_a_broker_outage_are_queued_again_by_the_sweep(demo, monkeypatch):
    from disclosure import tasks

    hq = user("hq_reviewer")
    old = timezone.now() - timedelta(minutes=5)
    stale = ExportJob.objects.create(cycle=demo, requested_by=hq)
    fresh = ExportJob.objects.create(cycle=demo, requested_by=hq)
    done = ExportJob.objects.create(cycle=demo, requested_by=hq, status=JobStatus.DONE)
    waiting = ImportJob.objects.create(cycle=demo, requested_by=hq, file="x.xlsx", original_name="x.xlsx")
    checked = ImportJob.objects.create(cycle=demo, requested_by=hq, file="y.xlsx", original_name="y.xlsx",
                                       status=ImportStatus.READY)  # fmt: skip
    ExportJob.objects.filter(pk__in=[stale.pk, done.pk]).update(created_at=old)
    ImportJob.objects.filter(pk__in=[waiting.pk, checked.pk]).update(created_at=old)
    queued = []
    monkeypatch.setattr(tasks.export_workbook, "delay", lambda *args: queued.append(("export", *args)))
    monkeypatch.setattr(tasks.import_run, "delay", lambda *args: queued.append(("import", *args)))

    assert tasks.sweep_jobs() == 2
    assert queued == [("export", stale.pk), ("import", waiting.pk, True)]
    assert fresh.pk not in [q[1] for q in queued]

    def down(*args):
        from kombu.exceptions import OperationalError

        raise OperationalError("broker down")

    monkeypatch.setattr(tasks.export_workbook, "delay", down)
    monkeypatch.setattr(tasks.import_run, "delay", down)
    assert tasks.sweep_jobs() == 0  # still down: the jobs stay queued for the next minute


def test_the_job_sweep_runs_every_minute():
    task = PeriodicTask.objects.get(task="disclosure.sweep_jobs")
    assert task.enabled and (task.interval.every, task.interval.period) == (1, "minutes")
    assert "disclosure.sweep_jobs" in celery_app.tasks


# --- d. A message that keeps failing is shown to the administrators -----------------------------


def test_a_message_that_keeps_failing_gives_up_and_is_listed_in_the_admin(demo, client, settings):
    settings.EMAIL_BACKEND = "tests.reminders.failing_backend.EmailBackend"
    recipient = user("baoan_head")
    message = mail.queue(recipient=recipient, kind=MessageKind.REMINDER, subject="截止提醒 / due", body="x")
    for attempt in range(1, delivery.MAX_ATTEMPTS + 1):
        assert message.pk in mail.unsent()
        assert mail.send(message_ids=[message.pk]) == 0
        message.refresh_from_db()
        assert message.attempts == attempt
    assert message.status == MessageStatus.GAVE_UP and "down" in message.error
    assert message.pk not in mail.unsent()  # the sweep stops trying
    assert mail.send(message_ids=[message.pk]) == 0 and message.attempts == delivery.MAX_ATTEMPTS

    assert client.login(username="admin", password="demo-2020")
    page = client.get(reverse("admin:core_outboxmessage_changelist"), {"status__exact": "gave_up"})
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [message]
    assert "截止提醒" in page.content.decode()


# --- e. Every email is an outbox row -----------------------------------------------------------


def test_review_reminder_export_and_workflow_emails_all_go_through_the_outbox(
    demo, draft_project, monkeypatch
):
    def kinds_since(start):
        return list(OutboxMessage.objects.filter(pk__gt=start).values_list("kind", flat=True))

    def last():
        return OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    # A workflow transition.
    start = last()
    item_transition(item=draft_project, action="submit", actor=user("baoan_preparer"))
    assert kinds_since(start) == [MessageKind.WORKFLOW]

    # A performance review: HQ returns, then approves, a monitoring report.
    round_ = performance.monitoring_round_open(cycle=demo, actor=user("hq_reviewer"))
    project = Project.objects.get(budget__cycle=demo, budget__unit__code="baoan", name="社保政策法规研究")
    monitoring = performance.project_monitoring_start(round=round_, project=project, actor=user("baoan_head"))
    for decide in (performance.project_monitoring_return, performance.project_monitoring_approve):
        ProjectMonitoring.objects.filter(pk=monitoring.pk).update(state=ReportState.SUBMITTED)
        monitoring.refresh_from_db()
        start = last()
        decide(monitoring=monitoring, actor=user("hq_reviewer"), comment="请补充纠偏措施")
        emails = set(OutboxMessage.objects.filter(pk__gt=start).values_list("kind", "email"))
        assert emails == {(MessageKind.WORKFLOW, "baoan_preparer@demo.invalid"),
                          (MessageKind.WORKFLOW, "baoan_head@demo.invalid")}  # fmt: skip

    # A deadline reminder.
    from budgets.models import CycleDeadline, DeadlineKind
    from reminders.services import reminders_scan

    deadline = CycleDeadline.objects.get(cycle__year=2021, kind=DeadlineKind.PREPARATION)
    CycleDeadline.objects.filter(pk=deadline.pk).update(due_date=timezone.localdate() + timedelta(days=1))
    start = last()
    assert reminders_scan()["composed"] > 0
    assert set(kinds_since(start)) == {MessageKind.REMINDER}

    # An export ready for download.
    from disclosure import services as disclosure

    built = SimpleNamespace(to_bytes=lambda: b"PK", findings=[])
    monkeypatch.setattr(disclosure, "build_workbook", lambda **kwargs: built)
    job = ExportJob.objects.create(cycle=demo, requested_by=user("hq_reviewer"), download_url="http://x/d/1/")
    start = last()
    assert disclosure.export_job_run(job_id=job.pk).status == JobStatus.DONE
    assert kinds_since(start) == [MessageKind.EXPORT]
    assert django_mail.outbox == []  # nothing was sent past the outbox (no commit in this test)


def test_nothing_sends_mail_past_the_outbox():
    """Only core.delivery talks to the mail backend: no send_mail anywhere in the application."""
    found = subprocess.run(
        ["grep", "-rn", "send_mail", "--include=*.py", "--exclude-dir=.venv", "--exclude-dir=tests", "."],
        cwd=ROOT, capture_output=True, text=True,
    ).stdout  # fmt: skip
    assert found == ""

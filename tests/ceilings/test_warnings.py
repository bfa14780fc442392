"""The warning rules raise warnings through the reminders engine: once per person and step, to
the unit's preparers and heads, escalated to HQ after the rule's days, emailed through the outbox."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail

from budgets.models import Project
from ceilings.models import WarningRule
from ceilings.warnings import spending_warnings
from core.mail import send, unsent
from performance.models import SpendingImport, SpendingRecord
from reminders.models import WarningLog
from reminders.registry import warning_sources
from reminders.services import reminders_scan

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = datetime.date(2020, 7, 10)


@pytest.fixture
def late_project(demo, users):
    """A 2020 project of 宝安 (published, being executed) that spent 5 % of its budget by June."""
    project = Project.objects.filter(
        budget__cycle=demo, budget__unit__code="baoan", fiscal_amount__gt=0
    ).first()
    source = SpendingImport.objects.create(
        cycle=demo, filename="finance.xlsx", rows=6, imported_by=users["hq_reviewer"]
    )
    share = (project.amount * D("0.05") / 6).quantize(D("0.01"))
    for month in range(1, 7):
        SpendingRecord.objects.create(cycle=demo, unit=project.budget.unit, project=project, month=month,
                                      amount=share, source=source)  # fmt: skip
    return project


def keys_for(project):
    return {w.key for w in spending_warnings(TODAY) if w.key.endswith(f":project:{project.pk}")}


def test_ceilings_registers_its_warning_source_with_the_reminders():
    assert "ceilings" in warning_sources()


def test_a_late_project_raises_the_q2_warning_and_only_that(late_project):
    q2 = WarningRule.objects.get(name="二季度末执行低于20%")
    assert keys_for(late_project) == {f"ceilings:{q2.pk}:project:{late_project.pk}"}


def test_disabled_rules_raise_nothing(late_project):
    WarningRule.objects.update(enabled=False)
    assert keys_for(late_project) == set()


def test_the_warning_reaches_the_branch_head_by_email_once(
    late_project, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        reminders_scan(today=TODAY)
        reminders_scan(today=TODAY)  # a second scan the same day adds nothing
    mine = WarningLog.objects.filter(key__endswith=f":project:{late_project.pk}")
    assert {(w.recipient.username, w.step) for w in mine} == {
        ("baoan_preparer", "warning"),
        ("baoan_head", "warning"),
    }
    send(message_ids=unsent())
    to_head = [m for m in mail.outbox if users["baoan_head"].email in m.to and late_project.name in m.body]
    assert len(to_head) == 1
    assert "低于20%" in to_head[0].body and "below 20%" in to_head[0].body


def test_a_warning_that_still_holds_is_escalated_to_hq_after_the_rules_days(late_project, users):
    reminders_scan(today=TODAY)
    reminders_scan(today=TODAY + datetime.timedelta(days=6))
    mine = WarningLog.objects.filter(key__endswith=f":project:{late_project.pk}")
    assert not mine.filter(step="escalation:hq").exists()
    reminders_scan(today=TODAY + datetime.timedelta(days=7))
    escalated = {w.recipient.username for w in mine.filter(step="escalation:hq")}
    assert {"hq_reviewer", "hq_approver"} <= escalated
    assert mine.filter(step="warning", recipient=users["baoan_head"]).count() == 1


def test_spending_above_the_budget_is_a_warning(demo, users):
    project = Project.objects.filter(
        budget__cycle=demo, budget__unit__code="luohu", fiscal_amount__gt=0
    ).first()
    source = SpendingImport.objects.create(
        cycle=demo, filename="f.xlsx", rows=1, imported_by=users["hq_reviewer"]
    )
    SpendingRecord.objects.create(cycle=demo, unit=project.budget.unit, project=project, month=6,
                                  amount=project.amount + D("0.01"), source=source)  # fmt: skip
    over = WarningRule.objects.get(name="支出超预算")
    assert f"ceilings:{over.pk}:project:{project.pk}" in keys_for(project)


def test_the_monitoring_page_shows_execution_and_the_warnings_to_the_unit_only(client, late_project, users):
    client.force_login(users["baoan_head"])
    html = client.get("/ceilings/2020/baoan/monitoring/").content.decode()
    assert late_project.name in html and 'data-testid="warnings"' in html and "低于20%" in html
    assert 'id="execution-data"' in html
    client.force_login(users["luohu_head"])
    assert client.get("/ceilings/2020/baoan/monitoring/").status_code == 404


def test_the_budget_reserve_raises_no_project_warning(demo, late_project):
    reserve = Project.objects.filter(
        budget__cycle=demo, category__is_reserve=True, fiscal_amount__gt=0
    ).first()
    assert not [w for w in spending_warnings(TODAY) if w.key.endswith(f":project:{reserve.pk}")]

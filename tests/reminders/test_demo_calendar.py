"""Issue #10, point 11: out of the box the demo reminds people this week, the unit's page shows
its deadlines by the reminders' own rule, and HQ sets the reminders on a page of its own."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from budgets.deadlines import unit_deadlines
from budgets.models import BudgetCycle, CycleDeadline, DeadlineKind, default_deadlines
from core.models import Unit
from demo.loader import demo_load
from reminders.models import ReminderLog, ReminderPolicy
from reminders.services import reminders_record

pytestmark = pytest.mark.django_db

FROZEN_TODAY = datetime.date(2031, 5, 6)


def login(client, username):
    assert client.login(username=username, password="demo-2020")
    return client


def test_after_loading_the_demo_reminders_are_due_within_a_week(demo):
    demo_load(today=FROZEN_TODAY)
    assert reminders_record(today=FROZEN_TODAY) > 0
    entries = ReminderLog.objects.filter(due_date__gte=FROZEN_TODAY - datetime.timedelta(days=30))
    due_this_week = entries.filter(days_left__gte=0, days_left__lte=7)
    assert due_this_week.filter(deadline__kind=DeadlineKind.PREPARATION, unit__code="baoan").exists()
    assert entries.filter(days_left__lt=0).exists()  # and something is already overdue
    # Loading again on the same day changes nothing and records nothing new.
    demo_load(today=FROZEN_TODAY)
    assert reminders_record(today=FROZEN_TODAY) == 0


def test_only_the_live_dates_move(demo):
    demo_load(today=FROZEN_TODAY)
    published = {d.kind: d.due_date for d in CycleDeadline.objects.filter(cycle__year=2020)}
    printed = default_deadlines(2020)
    for kind in (DeadlineKind.PREPARATION, DeadlineKind.REVIEW, DeadlineKind.PUBLICATION,
                 DeadlineKind.MONITORING_DATA_AS_OF):  # fmt: skip
        assert published[kind] == printed[kind], kind
    live = {d.kind: d.due_date for d in CycleDeadline.objects.filter(cycle__year=2021)}
    assert live[DeadlineKind.PREPARATION] == FROZEN_TODAY + datetime.timedelta(days=3)
    assert sorted(live, key=live.get) == [
        DeadlineKind.PREPARATION, DeadlineKind.REVIEW, DeadlineKind.PUBLICATION,
        DeadlineKind.MONITORING_DATA_AS_OF, DeadlineKind.MONITORING_OPEN, DeadlineKind.MONITORING_DUE,
        DeadlineKind.SELF_EVALUATION_DUE,
    ]  # fmt: skip


def _move(year, kind, days):
    CycleDeadline.objects.filter(cycle__year=year, kind=kind).update(
        due_date=timezone.localdate() + datetime.timedelta(days=days)
    )


def test_the_unit_page_shows_its_deadlines_in_chinese(demo, client):
    _move(2021, DeadlineKind.PREPARATION, 3)
    _move(2020, DeadlineKind.MONITORING_DUE, -2)
    login(client, "baoan_preparer")
    html = client.get(reverse("budgets:unit", args=[2021, "baoan"])).content.decode()
    panel = html[html.index('data-testid="deadlines"') :]
    assert "本单位截止日期" in panel
    assert "分局预算报送截止" in panel
    assert 'data-kind="preparation"' in panel and "还剩 3 天" in panel
    assert 'data-kind="review"' not in panel  # HQ's review is owed by HQ, not by the branch
    html = client.get(reverse("budgets:unit", args=[2020, "baoan"])).content.decode()
    panel = html[html.index('data-testid="deadlines"') :]
    assert "已逾期 2 天" in panel
    assert 'data-kind="preparation"' not in panel  # 2020 is published: nothing left to prepare


def test_the_page_and_the_reminders_read_the_same_rule(demo):
    """A unit that no longer owes a deadline is neither reminded nor shown it."""
    cycle = BudgetCycle.objects.get(year=2021)
    baoan = Unit.objects.get(code="baoan")
    _move(2021, DeadlineKind.PREPARATION, 1)
    today = timezone.localdate()
    assert DeadlineKind.PREPARATION in [
        d.deadline.kind for d in unit_deadlines(unit=baoan, cycle=cycle, today=today)
    ]
    cycle.budgets.filter(unit=baoan).update(state="submitted")
    shown = [d.deadline.kind for d in unit_deadlines(unit=baoan, cycle=cycle, today=today)]
    assert DeadlineKind.PREPARATION not in shown
    reminders_record(today=today)
    assert not ReminderLog.objects.filter(unit=baoan, deadline__kind=DeadlineKind.PREPARATION).exists()
    assert ReminderLog.objects.filter(unit__code="luohu", deadline__kind=DeadlineKind.PREPARATION).exists()


# --- The HQ settings page -------------------------------------------------------------------


def _form_data(client, **changes):
    response = client.get(reverse("reminders:settings"))
    formset = response.context["formset"]
    data = {f"policy-{k}": v for k, v in formset.management_form.initial.items()}
    for form in formset:
        for name in form.fields:
            value = form.initial.get(name)
            if name == "id":
                value = form.instance.pk
            if isinstance(value, bool):
                if value:
                    data[form.add_prefix(name)] = "on"
                continue
            data[form.add_prefix(name)] = "" if value is None else value
        for name, value in changes.get(form.instance.kind, {}).items():
            data[form.add_prefix(name)] = value
    return data


def test_the_hq_approver_edits_the_reminders_on_their_own_page(demo, client):
    login(client, "hq_approver")
    home = client.get(reverse("budgets:unit", args=[2021, "hq"])).content.decode()
    assert reverse("reminders:settings") in home  # linked from the HQ navigation
    page = client.get(reverse("reminders:settings")).content.decode()
    assert "提醒设置" in page and "分局预算报送截止" in page
    data = _form_data(client, preparation={"days_before": "10, 5, 2", "escalate_to_hq_after": "5"})
    response = client.post(reverse("reminders:settings"), data)
    assert response.status_code == 302
    policy = ReminderPolicy.objects.get(kind=DeadlineKind.PREPARATION)
    assert policy.offsets == [10, 5, 2] and policy.escalate_to_hq_after == 5


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"days_before": "7;3"}, "逗号"),
        ({"days_before": "120"}, "90"),
        ({"escalate_to_head_after": "5", "escalate_to_hq_after": "2"}, "单位负责人"),
        ({"stop_after_days": "10", "escalate_to_hq_after": "12"}, "10"),
    ],
)
def test_a_bad_setting_is_refused_in_chinese_and_nothing_is_saved(demo, client, changes, message):
    login(client, "hq_approver")
    before = list(ReminderPolicy.objects.values())
    response = client.post(reverse("reminders:settings"), _form_data(client, preparation=changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(ReminderPolicy.objects.values()) == before


@pytest.mark.parametrize("username", ["baoan_preparer", "baoan_head", "hq_reviewer", "auditor"])
def test_others_may_not_change_the_reminders(demo, client, username):
    login(client, username)
    assert client.get(reverse("reminders:settings")).status_code == 403
    assert client.post(reverse("reminders:settings"), {}).status_code == 403
    home = client.get(reverse("reminders:mine")).content.decode()
    assert reverse("reminders:settings") not in home

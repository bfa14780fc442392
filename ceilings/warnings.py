"""The warning source ceilings registers into the reminders engine (``reminders.registry``):
every enabled warning rule, on every project and unit of the cycles being executed, on the
monthly spending imported from the finance system (``performance.SpendingRecord``)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Max, Sum
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from budgets.models import BudgetCycle, CycleState, Project
from budgets.money import format_money
from budgets.selectors import budgets_with_totals
from performance.models import SpendingRecord
from reminders.registry import RaisedWarning

from .fill import ZERO
from .models import WarningKind, WarningRule, WarningScope
from .monitoring import Finding, evaluate


def _text(rule: WarningRule, subject: str, finding: Finding) -> str:
    values = {
        "subject": subject,
        "spent": format_money(finding.spent),
        "budget": format_money(finding.budget),
        "share": "—" if finding.share is None else f"{finding.share:.1%}",
        "month": finding.month,
    }
    if rule.kind == WarningKind.BELOW_PROGRESS:
        values["threshold"] = f"{rule.threshold:.0%}"
        return (
            _("%(subject)s: by the end of month %(month)s, %(spent)s 万元 of %(budget)s 万元 spent (%(share)s), "
              "below %(threshold)s.") % values
        )  # fmt: skip
    if rule.kind == WarningKind.NO_SPENDING:
        values["months"] = rule.months
        return _("%(subject)s: no spending in the %(months)s months to the end of month %(month)s.") % values
    return _("%(subject)s: %(spent)s 万元 spent, above the budget of %(budget)s 万元.") % values


def _both(rule, subject_zh, subject_en, finding) -> tuple[str, str]:
    with translation.override("zh-hans"):
        zh = _text(rule, subject_zh, finding)
    with translation.override("en"):
        en = _text(rule, subject_en, finding)
    return zh, en


def cycle_warnings(cycle: BudgetCycle, rules: list[WarningRule]) -> list[RaisedWarning]:
    records = SpendingRecord.objects.filter(cycle=cycle)
    as_of = records.aggregate(m=Max("month"))["m"]
    if as_of is None:
        return []
    by_project: dict[int, dict[int, Decimal]] = defaultdict(dict)
    by_unit: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for row in records.values("unit", "project", "month").annotate(s=Sum("amount")).order_by():
        if row["project"] is not None:
            by_project[row["project"]][row["month"]] = row["s"]
        by_unit[row["unit"]][row["month"]] += row["s"]
    raised = []
    projects = Project.objects.filter(budget__cycle=cycle).select_related("budget__unit", "category")
    budgets = budgets_with_totals().filter(cycle=cycle)
    for rule in rules:
        if rule.scope in (WarningScope.PROJECT, WarningScope.BOTH):
            for project in projects:
                if project.category and project.category.is_reserve:
                    continue  # the reserve is spent only if something unforeseen happens
                finding = evaluate(
                    rule, budget=project.amount, monthly=by_project.get(project.pk, {}), as_of=as_of
                )
                if finding is None:
                    continue
                unit = project.budget.unit
                zh, en = _both(
                    rule, f"{unit.short_name}·{project.name}", f"{unit.short_name} · {project.name}", finding
                )
                raised.append(RaisedWarning(
                    key=f"ceilings:{rule.pk}:project:{project.pk}", unit=unit, text_zh=zh, text_en=en,
                    link=reverse("budgets:project", args=[cycle.year, unit.code, project.pk]),
                    escalate_to_hq_after=rule.escalate_to_hq_after,
                ))  # fmt: skip
        if rule.scope in (WarningScope.UNIT, WarningScope.BOTH):
            for budget in budgets:
                unit = budget.unit
                finding = evaluate(
                    rule, budget=budget.total, monthly=dict(by_unit.get(unit.pk, {})), as_of=as_of
                )
                if finding is None:
                    continue
                zh, en = _both(rule, unit.name, unit.name, finding)
                raised.append(RaisedWarning(
                    key=f"ceilings:{rule.pk}:unit:{cycle.year}:{unit.pk}", unit=unit, text_zh=zh, text_en=en,
                    link=reverse("budgets:unit", args=[cycle.year, unit.code]),
                    escalate_to_hq_after=rule.escalate_to_hq_after,
                ))  # fmt: skip
    return raised


def spending_warnings(today: date) -> list[RaisedWarning]:
    """Cycles being executed (approved or published, not closed) are watched."""
    rules = list(WarningRule.objects.filter(enabled=True))
    if not rules:
        return []
    raised = []
    for cycle in BudgetCycle.objects.exclude(
        state__in=[CycleState.PREPARATION, CycleState.REVIEW, CycleState.CLOSED]
    ):
        raised += cycle_warnings(cycle, rules)
    return raised

"""The rule performance adds to every budget adjustment (issue #14): an adjustment cannot bring
an item below what is already spent on it. Registered into ``budgets.adjustments`` from
``PerformanceConfig.ready``, so that the adjustment machine (``approvals``) keeps it without
knowing the spending.

Spending is recorded per project, and for the basic expenditure per unit (not per line): a
basic line's adjustment is refused when it would bring the unit's basic expenditure as a whole
below the basic spending recorded for the year. Only a cut is judged: a raise is never refused,
even one that leaves the item below what is spent (it comes closer)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from budgets.checks import Problem
from budgets.models import ZERO, BasicExpenditureLine, Project
from budgets.money import format_money

from .models import SpendingRecord
from .selectors import project_spending


def basic_spending(*, budget) -> Decimal:
    """What the unit has spent on its basic expenditure in the budget's year, to date."""
    total = SpendingRecord.objects.filter(
        cycle_id=budget.cycle_id, unit_id=budget.unit_id, project__isnull=True
    ).aggregate(s=Sum("amount"))["s"]
    return total or ZERO


def not_below_spent(item: Project | BasicExpenditureLine, adjusted: Decimal) -> list[Problem]:
    if adjusted >= item.amount:
        return []  # a raise brings nothing below: it may even cover spending above the budget
    if isinstance(item, Project):
        spent = project_spending(project=item)
        if adjusted >= spent:
            return []
        message = _(
            "The adjusted amount (%(adjusted)s) cannot be below what is already spent on this project "
            "(%(spent)s, from the spending imported so far)."
        ) % {"adjusted": format_money(adjusted, unit=True), "spent": format_money(spent, unit=True)}
        return [Problem("below_spent", message, "fiscal_amount")]
    spent = basic_spending(budget=item.budget)
    if not spent:
        return []
    others = (
        BasicExpenditureLine.objects.filter(budget_id=item.budget_id)
        .exclude(pk=item.pk)
        .aggregate(s=Sum("amount"))["s"]
        or ZERO
    )
    basic_after = others + adjusted
    if basic_after >= spent:
        return []
    message = _(
        "After this adjustment the unit's basic expenditure (%(after)s) would be below what it has already "
        "spent on it (%(spent)s, from the spending imported so far)."
    ) % {"after": format_money(basic_after, unit=True), "spent": format_money(spent, unit=True)}
    return [Problem("below_spent", message, "fiscal_amount")]

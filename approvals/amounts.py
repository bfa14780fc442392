"""What an approved adjustment changes: the one place that writes an adjusted amount."""

from __future__ import annotations

from decimal import Decimal

from budgets.models import ZERO, BasicExpenditureLine, Project


def adjustable_amounts(item: Project | BasicExpenditureLine) -> tuple[Decimal, Decimal]:
    """Fiscal and other amounts of an adjustable item (a basic line has one amount)."""
    if isinstance(item, Project):
        return item.fiscal_amount, item.other_amount
    return item.amount, ZERO


def apply_adjustment(*, item: Project | BasicExpenditureLine, adjustment, actor) -> None:
    if isinstance(item, Project):
        item.fiscal_amount = adjustment.adjusted_fiscal_amount
        item.other_amount = adjustment.adjusted_other_amount
        item.total_amount = max(item.total_amount, item.amount)
        item.version += 1
    else:
        item.amount = adjustment.adjusted_fiscal_amount
    item._history_user = actor
    item.save()

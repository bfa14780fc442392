"""What an approved adjustment changes: the one place that writes an adjusted amount."""

from __future__ import annotations

from decimal import Decimal

from budgets.models import ZERO, BasicExpenditureLine, Project, ProjectSubItem
from core.errors import BusinessRuleError


def adjustable_amounts(item: Project | BasicExpenditureLine) -> tuple[Decimal, Decimal]:
    """Fiscal and other amounts of an adjustable item (a basic line has one amount)."""
    if isinstance(item, Project):
        return item.fiscal_amount, item.other_amount
    return item.amount, ZERO


def adjusted_total_amount(project: Project, *, delta: Decimal) -> Decimal:
    """The project's whole amount after this year's amount changed by ``delta``: a project of
    one year (or without dates) is this year's amount; a multi-year one changes by the delta."""
    if project.is_multi_year:
        return max(project.total_amount + delta, project.amount)
    return project.amount


def apply_adjustment(*, item: Project | BasicExpenditureLine, adjustment, actor) -> None:
    """Write the adjusted amounts: the project's two parts, its total amount and, of an
    itemised project, each sub-item, so that every figure agrees with the new amount."""
    if isinstance(item, Project):
        delta = adjustment.adjusted_amount - item.amount
        item.fiscal_amount = adjustment.adjusted_fiscal_amount
        item.other_amount = adjustment.adjusted_other_amount
        item.total_amount = adjusted_total_amount(item, delta=delta)
        item.version += 1
        _apply_sub_items(item, adjustment.sub_item_amounts(), actor)
    else:
        item.amount = adjustment.adjusted_fiscal_amount
    item._history_user = actor
    item.save()


def _apply_sub_items(project: Project, amounts: dict[int, Decimal], actor) -> None:
    subs = list(ProjectSubItem.objects.select_for_update().filter(project=project))
    if not subs:
        return
    if set(amounts) != {s.pk for s in subs} or sum(amounts.values(), ZERO) != project.amount:
        raise BusinessRuleError(
            "conflict", "项目明细在申请调整后已变更，调整后的明细金额与项目不一致，请重新申请调整。"
        )
    for sub in subs:
        if sub.amount != amounts[sub.pk]:
            sub.amount = amounts[sub.pk]
            sub._history_user = actor
            sub.save()

"""What an approved adjustment changes: the one place that writes an adjusted amount."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from budgets.amounts import adjusted_total_amount
from budgets.models import ZERO, BasicExpenditureLine, Project, ProjectSubItem
from core.errors import BusinessRuleError


def adjustable_amounts(item: Project | BasicExpenditureLine) -> tuple[Decimal, Decimal]:
    """Fiscal and other amounts of an adjustable item (a basic line has one amount)."""
    if isinstance(item, Project):
        return item.fiscal_amount, item.other_amount
    return item.amount, ZERO


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
            "conflict",
            _("The sub-items changed after the adjustment was asked for: ask again with their new amounts."),
        )
    for sub in subs:
        if sub.amount != amounts[sub.pk]:
            sub.amount = amounts[sub.pk]
            sub._history_user = actor
            sub.save()

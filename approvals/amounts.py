"""What an adjustment asks for and what an approved one changes: the one place that checks an
adjustment's amounts and the one place that writes an adjusted amount."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from budgets.adjustments import check_adjustment
from budgets.amounts import adjusted_total_amount, amount_or_error, sub_item_amounts
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


@dataclass(frozen=True)
class Proposal:
    """An adjustment as asked: the item's amounts now and after, each sub-item's new amount;
    checked, not yet written. The confirmation page shows it, the request and a revision write it."""

    item: Project | BasicExpenditureLine
    original_fiscal: Decimal
    original_other: Decimal
    fiscal: Decimal
    other: Decimal
    sub_items: dict[str, str]
    reason: str

    @property
    def original(self) -> Decimal:
        return self.original_fiscal + self.original_other

    @property
    def adjusted(self) -> Decimal:
        return self.fiscal + self.other

    @property
    def delta(self) -> Decimal:
        return self.adjusted - self.original

    def rows(self) -> list[SummaryRow]:
        """The confirmation's lines (调整前 → 调整后, 差额): a project's two parts and each
        sub-item; the total is :attr:`original`, :attr:`adjusted` and :attr:`delta`."""
        if not isinstance(self.item, Project):
            return []
        rows = [
            SummaryRow(_("Fiscal funds"), self.original_fiscal, self.fiscal),
            SummaryRow(_("Other funds"), self.original_other, self.other),
        ]
        if self.sub_items:
            rows += [
                SummaryRow(sub.name, sub.amount, Decimal(self.sub_items[str(sub.pk)]), sub_item=True)
                for sub in self.item.sub_items.order_by("sort_order", "id")
            ]
        return rows


@dataclass(frozen=True)
class SummaryRow:
    label: str
    before: Decimal
    after: Decimal
    sub_item: bool = False

    @property
    def delta(self) -> Decimal:
        return self.after - self.before


def proposal(*, item: Project | BasicExpenditureLine, fiscal_amount, other_amount, sub_items,
             reason: str) -> Proposal:  # fmt: skip
    """Check an adjustment of ``item`` as asked (amounts in yuan): a reason, a change, and of an
    itemised project the new amount of each sub-item adding up to the new amount, and every rule
    other apps registered (``budgets.adjustments.check_adjustment``: not below what is already
    spent). A basic line has one amount (``fiscal_amount``)."""
    fiscal = amount_or_error(fiscal_amount or ZERO)
    other = amount_or_error(other_amount or ZERO) if isinstance(item, Project) else ZERO
    if not (reason or "").strip():
        raise BusinessRuleError("reason_required", _("Give a reason."))
    original_fiscal, original_other = adjustable_amounts(item)
    if fiscal + other == original_fiscal + original_other:
        raise BusinessRuleError("no_change", _("The adjusted amount is the same as the current one."))
    if isinstance(item, Project):
        adjusted_sub_items = sub_item_amounts(item, sub_items, fiscal + other)
    elif sub_items:
        raise BusinessRuleError("sub_items", _("A basic-expenditure line has no sub-items to adjust."))
    else:
        adjusted_sub_items = {}
    check_adjustment(item, fiscal + other)
    return Proposal(item, original_fiscal, original_other, fiscal, other, adjusted_sub_items, reason.strip())


def write_proposal(adjustment, proposal: Proposal) -> None:
    """Put a checked proposal's amounts on the adjustment (not saved)."""
    adjustment.original_fiscal_amount = proposal.original_fiscal
    adjustment.original_other_amount = proposal.original_other
    adjustment.adjusted_fiscal_amount = proposal.fiscal
    adjustment.adjusted_other_amount = proposal.other
    adjustment.adjusted_sub_items = proposal.sub_items
    adjustment.reason = proposal.reason

"""A new amount of an itemised project (a cut, an adjustment): the sub-items itemise the
project's amount before and after, so the new amount of each is given and they add up."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.errors import BusinessRuleError

from .models import ZERO, Project
from .money import MAX_AMOUNT, parse_amount


def amount_or_error(value) -> Decimal:
    try:
        return parse_amount(value)
    except (InvalidOperation, ValueError) as exc:
        raise BusinessRuleError(
            "bad_amount", _("Enter an amount in yuan between 0 and %(max)s.") % {"max": f"{MAX_AMOUNT:,.2f}"}
        ) from exc


def sub_item_amounts(project: Project, sub_items, adjusted: Decimal) -> dict[str, str]:
    """An itemised project's adjustment says the new amount of every sub-item, and they add up
    to the new amount: the sub-items itemise the project's amount, before and after."""
    existing = {s.pk: s for s in project.sub_items.all()}
    if not existing:
        if sub_items:
            raise BusinessRuleError("sub_items", "该项目没有明细，不能调整明细金额。")
        return {}
    if not sub_items:
        raise BusinessRuleError(
            "sub_items_required",
            "该项目有明细：申请调整时请逐项填写调整后的明细金额，明细合计须等于调整后金额。",
        )
    amounts = {}
    for key, value in dict(sub_items).items():
        try:
            pk = int(key)
        except (TypeError, ValueError):
            pk = None
        if pk not in existing:
            raise BusinessRuleError("sub_items", f"明细 {key} 不属于该项目。")
        amounts[pk] = amount_or_error(value)
    missing = [existing[pk].name for pk in existing if pk not in amounts]
    if missing:
        raise BusinessRuleError("sub_items", f"请填写以下明细调整后的金额：{'、'.join(missing)}。")
    total = sum(amounts.values(), ZERO)
    if total != adjusted:
        raise BusinessRuleError(
            "sub_items_sum",
            f"调整后的明细合计 {total:,.2f} 元，与调整后金额 {adjusted:,.2f} 元不一致。",
        )
    return {str(pk): str(amount) for pk, amount in sorted(amounts.items())}

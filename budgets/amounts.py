"""A new amount of an itemised project (a cut, an adjustment): the sub-items itemise the
project's amount before and after, so the new amount of each is given and they add up."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.errors import BusinessRuleError

from .models import ZERO, Project
from .money import MAX_AMOUNT, format_money, parse_amount


def amount_or_error(value) -> Decimal:
    try:
        return parse_amount(value)
    except (InvalidOperation, ValueError) as exc:
        raise BusinessRuleError(
            "bad_amount",
            _("Enter an amount in yuan between 0 and %(max)s.") % {"max": format_money(MAX_AMOUNT, "yuan")},
        ) from exc


def sub_item_amounts(project: Project, sub_items, adjusted: Decimal) -> dict[str, str]:
    """An itemised project's adjustment says the new amount of every sub-item, and they add up
    to the new amount: the sub-items itemise the project's amount, before and after."""
    existing = {s.pk: s for s in project.sub_items.all()}
    if not existing:
        if sub_items:
            raise BusinessRuleError("sub_items", _("This project has no sub-items to adjust."))
        return {}
    if not sub_items:
        raise BusinessRuleError(
            "sub_items_required",
            _(
                "This project is itemised: give the new amount of each sub-item; together they make the new amount."
            ),
        )
    amounts = {}
    for key, value in dict(sub_items).items():
        try:
            pk = int(key)
        except (TypeError, ValueError):
            pk = None
        if pk not in existing:
            raise BusinessRuleError("sub_items", _("A sub-item of another project was sent."))
        amounts[pk] = amount_or_error(value)
    missing = [existing[pk].name for pk in existing if pk not in amounts]
    if missing:
        raise BusinessRuleError(
            "sub_items",
            _("Give the new amount of these sub-items: %(names)s.") % {"names": "、".join(missing)},
        )
    total = sum(amounts.values(), ZERO)
    if total != adjusted:
        raise BusinessRuleError(
            "sub_items_sum",
            _("The sub-items add up to %(sub)s yuan, the new amount is %(amount)s yuan.")
            % {"sub": format_money(total, "yuan"), "amount": format_money(adjusted, "yuan")},
        )
    return {str(pk): str(amount) for pk, amount in sorted(amounts.items())}


def adjusted_total_amount(project: Project, *, delta: Decimal) -> Decimal:
    """The project's whole amount after this year's amount changed by ``delta``: a project of
    one year (or without dates) is this year's amount; a multi-year one changes by the delta."""
    if project.is_multi_year:
        return max(project.total_amount + delta, project.amount)
    return project.amount

"""Input of the ceilings pages and API: amounts through ``budgets.amounts.amount_or_error``
(``budgets.money.parse_amount``), rates as a signed percentage."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from budgets.amounts import amount_or_error
from core.errors import BusinessRuleError


def amount(value) -> Decimal:
    return amount_or_error(value)


def optional_amount(value) -> Decimal | None:
    return None if value is None or str(value).strip() == "" else amount_or_error(value)


def percent(value) -> Decimal:
    """−4 (or −4 %, or -4.5) → Decimal("-4"): a change between −100 % and +100 %."""
    text = str(value or "").strip().rstrip("%").strip().replace("−", "-")
    try:
        rate = Decimal(text)
    except InvalidOperation:
        rate = None
    if (
        rate is None
        or not rate.is_finite()
        or not Decimal(-100) <= rate <= Decimal(100)
        or rate != rate.quantize(Decimal("0.01"))
    ):
        raise BusinessRuleError(
            "bad_percent", _("Enter a rate between −100 and 100 (e.g. −4 to cut by 4 per cent).")
        )
    return rate.quantize(Decimal("0.01"))


def percents(text: str, default: tuple[str, ...] = ("-4", "-6", "-8")) -> list[Decimal]:
    parts = [p for p in (text or "").replace("，", ",").split(",") if p.strip()] or list(default)
    return [percent(p) for p in parts[:6]]

"""The warning rules of the all-year monitoring, evaluated on the monthly spending: pure
functions of a rule, a budget figure and the spending per month (tests/ceilings/test_monitoring.py).

``as_of`` is the last month the finance system's spending has been imported for (序时进度: the
data are as of that month's end). A rule about the end of month m is judged once the data reach m.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .fill import ZERO
from .models import WarningKind


@dataclass(frozen=True)
class Finding:
    spent: Decimal
    budget: Decimal
    month: int
    share: Decimal | None  # spent / budget, None when the budget is zero


def spent_through(monthly: Mapping[int, Decimal], month: int) -> Decimal:
    return sum((amount for m, amount in monthly.items() if m <= month), ZERO)


def _share(spent: Decimal, budget: Decimal) -> Decimal | None:
    return None if budget <= 0 else (spent / budget).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def evaluate(rule, *, budget: Decimal, monthly: Mapping[int, Decimal], as_of: int) -> Finding | None:
    """A finding when ``rule`` holds for this budget and spending, else None."""
    if rule.kind == WarningKind.BELOW_PROGRESS:
        if as_of < rule.by_month or budget <= 0:
            return None
        spent = spent_through(monthly, rule.by_month)
        share = _share(spent, budget)
        return Finding(spent, budget, rule.by_month, share) if share < rule.threshold else None
    if rule.kind == WarningKind.NO_SPENDING:
        if as_of < rule.months or budget <= 0:
            return None
        window = range(as_of - rule.months + 1, as_of + 1)
        if any(monthly.get(m, ZERO) > 0 for m in window):
            return None
        spent = spent_through(monthly, as_of)
        return Finding(spent, budget, as_of, _share(spent, budget))
    if rule.kind == WarningKind.ABOVE_BUDGET:
        spent = spent_through(monthly, as_of)
        return Finding(spent, budget, as_of, _share(spent, budget)) if spent > budget else None
    raise ValueError(f"unknown warning kind {rule.kind!r}")

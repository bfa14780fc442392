"""Each warning rule of the all-year monitoring (ceilings/monitoring.py) on its own."""

from decimal import Decimal

import pytest

from ceilings.models import WarningKind, WarningRule
from ceilings.monitoring import evaluate

D = Decimal
Q2 = WarningRule(name="q2", kind=WarningKind.BELOW_PROGRESS, by_month=6, threshold_percent=D(20))
Q3 = WarningRule(name="q3", kind=WarningKind.BELOW_PROGRESS, by_month=9, threshold_percent=D(60))
IDLE = WarningRule(name="idle", kind=WarningKind.NO_SPENDING, months=3)
OVER = WarningRule(name="over", kind=WarningKind.ABOVE_BUDGET)


def months(**amounts):
    return {int(k[1:]): D(v) for k, v in amounts.items()}


def test_below_20_percent_at_the_end_of_q2_is_a_warning():
    finding = evaluate(Q2, budget=D(1000), monthly=months(m1=50, m5=100), as_of=6)
    assert finding is not None and finding.share == D("0.15") and finding.month == 6


def test_20_percent_at_the_end_of_q2_is_not():
    assert evaluate(Q2, budget=D(1000), monthly=months(m2=200), as_of=7) is None


def test_q2_is_not_judged_before_the_data_reach_june():
    assert evaluate(Q2, budget=D(1000), monthly={}, as_of=5) is None


def test_q2_counts_only_spending_to_the_end_of_june():
    assert evaluate(Q2, budget=D(1000), monthly=months(m1=10, m8=900), as_of=8) is not None


def test_below_60_percent_at_the_end_of_q3():
    assert evaluate(Q3, budget=D(1000), monthly=months(m3=300, m9=299), as_of=9) is not None
    assert evaluate(Q3, budget=D(1000), monthly=months(m3=300, m9=300), as_of=9) is None


def test_no_spending_in_the_last_three_months():
    assert evaluate(IDLE, budget=D(1000), monthly=months(m1=100, m2=100), as_of=5) is not None
    assert evaluate(IDLE, budget=D(1000), monthly=months(m1=100, m3=100), as_of=5) is None
    assert evaluate(IDLE, budget=D(1000), monthly={}, as_of=2) is None


def test_spending_above_the_budget():
    assert evaluate(OVER, budget=D(1000), monthly=months(m1=600, m2="400.01"), as_of=2) is not None
    assert evaluate(OVER, budget=D(1000), monthly=months(m1=600, m2=400), as_of=2) is None


@pytest.mark.parametrize("rule", [Q2, Q3, IDLE])
def test_a_zero_budget_raises_no_progress_warning(rule):
    assert evaluate(rule, budget=D(0), monthly={}, as_of=12) is None

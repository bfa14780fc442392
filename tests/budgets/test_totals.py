from decimal import Decimal

import pytest

from budgets.models import BasicExpenditureLine, FunctionalCode, ProcurementItem, ProcurementLine, UnitBudget
from budgets.selectors import budgets_with_totals, bureau_totals
from tests.factories import BudgetFactory, CycleFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _line(budget, code, amount):
    return BasicExpenditureLine.objects.create(
        budget=budget, functional_code=FunctionalCode.objects.get(code=code), amount=Decimal(amount)
    )


def test_totals_are_computed_from_the_lines():
    budget = BudgetFactory(cycle=CycleFactory(year=2040))
    _line(budget, "2080109", "1000.10")
    _line(budget, "2210201", "200.20")
    ProjectFactory(budget=budget, fiscal_amount=Decimal("300.00"), other_amount=Decimal("5.00"))
    ProjectFactory(budget=budget, fiscal_amount=Decimal("0.45"), other_amount=Decimal("0"))
    a03 = ProcurementItem.objects.get(catalogue__code="2020", code="A03")
    ProcurementLine.objects.create(
        budget=budget,
        item=a03,
        amount=Decimal("80"),
        sme_amount=Decimal("70"),
        small_micro_amount=Decimal("40"),
    )
    ProcurementLine.objects.create(budget=budget, amount=Decimal("9"), carried_over=True)

    row = budgets_with_totals(UnitBudget.objects.filter(pk=budget.pk)).get()

    assert row.basic_total == Decimal("1200.30")
    assert row.project_total == Decimal("305.45")
    assert row.total == Decimal("1505.75")
    assert row.procurement_total == Decimal("80.00")  # carried-over payments are a column of their own
    assert (row.sme_total, row.small_micro_total, row.carried_over_total) == (
        Decimal("70.00"),
        Decimal("40.00"),
        Decimal("9.00"),
    )


def test_a_budget_without_lines_totals_zero():
    budget = BudgetFactory(cycle=CycleFactory(year=2041))
    row = budgets_with_totals(UnitBudget.objects.filter(pk=budget.pk)).get()
    assert row.total == Decimal("0") and row.procurement_total == Decimal("0")


def test_bureau_row_is_the_sum_of_the_unit_rows(demo):
    budgets = list(budgets_with_totals(UnitBudget.objects.filter(cycle=demo)))
    bureau = bureau_totals(budgets)
    assert bureau.total == sum(b.total for b in budgets)
    assert bureau.total == bureau.basic_total + bureau.project_total


def test_totals_take_a_fixed_number_of_queries(demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        rows = list(budgets_with_totals(UnitBudget.objects.filter(cycle=demo)))
    assert len(rows) == 13


def test_initial_budget_is_the_current_one_minus_approved_adjustments(demo):
    """年初预算 = today's total minus the approved adjustments' deltas (a rejected one does not
    count); 调整后预算 = today's total; the dashboard's rate is abs(delta) / adjusted."""
    from django.contrib.auth import get_user_model

    from approvals.selectors import adjustment_rates
    from approvals.services import adjustment_request, adjustment_transition
    from budgets.adjustments import budget_amounts, initial_amount
    from core.models import Unit
    from tests.approvals.conftest import adjustment_through_the_chain

    users = get_user_model().objects
    budget = UnitBudget.objects.get(cycle=demo, unit__code="luohu")
    before = budgets_with_totals(UnitBudget.objects.filter(pk=budget.pk)).get().total
    line = BasicExpenditureLine.objects.filter(budget=budget).order_by("pk").first()
    old_line = line.amount
    approved = adjustment_request(basic_line=line, actor=users.get(username="luohu_head"),
                                  fiscal_amount=old_line + Decimal("1000"), reason="增人增资")  # fmt: skip
    adjustment_through_the_chain(approved)
    project = budget.projects.order_by("pk").first()
    rejected = adjustment_request(project=project, actor=users.get(username="luohu_head"),
                                  fiscal_amount=project.amount + Decimal("5000"), reason="x")  # fmt: skip
    adjustment_through_the_chain(rejected, to="recommended")
    adjustment_transition(
        adjustment=rejected, action="reject", actor=users.get(username="hq_approver"), reason="不予调整"
    )

    line.refresh_from_db()
    assert (line.amount, initial_amount(line)) == (old_line + Decimal("1000"), old_line)
    assert initial_amount(project) == project.amount
    (amounts,) = budget_amounts(UnitBudget.objects.filter(pk=budget.pk))
    assert (amounts.initial, amounts.adjusted) == (before, before + Decimal("1000"))
    rates, _bureau = adjustment_rates(cycle=demo, units=Unit.objects.filter(code="luohu"))
    assert rates[budget.unit_id] == Decimal("1000") / (before + Decimal("1000"))

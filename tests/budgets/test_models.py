from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from budgets.models import (
    BasicExpenditureLine,
    FunctionalCode,
    ProcurementItem,
    ProcurementLine,
    Project,
    ThreePublicExpense,
    default_deadlines,
)
from budgets.services import cycle_deadlines_ensure
from tests.factories import BudgetFactory, CycleFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_project_amount_is_the_sum_of_fiscal_and_other_funds():
    project = ProjectFactory.build(fiscal_amount=Decimal("100.10"), other_amount=Decimal("0.90"))
    assert project.amount == Decimal("101.00")


def test_project_total_must_cover_this_years_amount():
    budget = BudgetFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.create(
            budget=budget, name="超额项目", total_amount=Decimal("10"), fiscal_amount=Decimal("11")
        )


def test_project_end_date_cannot_precede_start_date():
    budget = BudgetFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectFactory(budget=budget, start_date=date(2031, 12, 31), end_date=date(2031, 1, 1))


def test_project_names_are_unique_within_a_budget():
    project = ProjectFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectFactory(budget=project.budget, name=project.name)


def test_money_cannot_be_negative():
    project = ProjectFactory.build(
        budget=BudgetFactory(), fiscal_amount=Decimal("-1"), total_amount=Decimal("0")
    )
    with pytest.raises(ValidationError) as excinfo:
        project.full_clean()
    assert "fiscal_amount" in excinfo.value.message_dict


def test_basic_line_needs_at_least_one_code():
    budget = BudgetFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        BasicExpenditureLine.objects.create(budget=budget, amount=Decimal("1"))
    # A line known only by its functional code is allowed (how 表7 publishes basic expenditure).
    BasicExpenditureLine.objects.create(
        budget=budget, functional_code=FunctionalCode.objects.get(code="2080109"), amount=Decimal("1")
    )


def test_procurement_reservations_cannot_exceed_the_line():
    budget = BudgetFactory()
    item = ProcurementItem.objects.get(catalogue__code="2020", code="A03")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcurementLine.objects.create(
            budget=budget,
            item=item,
            amount=Decimal("100"),
            sme_amount=Decimal("60"),
            small_micro_amount=Decimal("41"),
        )


def test_current_year_procurement_needs_a_catalogue_item():
    budget = BudgetFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcurementLine.objects.create(budget=budget, amount=Decimal("100"))
    ProcurementLine.objects.create(budget=budget, amount=Decimal("100"), carried_over=True)


def test_three_public_totals_come_from_their_parts():
    row = ThreePublicExpense(
        abroad=Decimal("0"),
        reception=Decimal("3500"),
        vehicle_purchase=Decimal("200000"),
        vehicle_operation=Decimal("105000"),
    )
    assert row.vehicle_subtotal == Decimal("305000")
    assert row.total == Decimal("308500")


def test_functional_code_levels_follow_the_code_length():
    levels = {c.code: c.level for c in FunctionalCode.objects.filter(code__in=["208", "20801", "2080109"])}
    assert levels == {"208": 1, "20801": 2, "2080109": 3}
    assert FunctionalCode.objects.get(code="2080109").parent.code == "20801"


def test_a_new_cycle_gets_the_default_calendar():
    cycle = CycleFactory(year=2032)
    deadlines = {d.kind: d.due_date for d in cycle_deadlines_ensure(cycle=cycle)}
    assert deadlines == default_deadlines(2032)
    assert deadlines["monitoring_due"] == date(2032, 8, 31)
    assert deadlines["self_evaluation_due"] == date(2033, 3, 31)


def test_calendar_edits_survive_ensuring_defaults_again():
    cycle = CycleFactory(year=2033)
    cycle_deadlines_ensure(cycle=cycle)
    cycle.deadlines.filter(kind="monitoring_due").update(due_date=date(2033, 9, 5))
    cycle_deadlines_ensure(cycle=cycle)
    assert cycle.deadlines.get(kind="monitoring_due").due_date == date(2033, 9, 5)

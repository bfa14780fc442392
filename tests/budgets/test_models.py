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


@pytest.mark.parametrize(
    "sme, small_micro, ok",
    [("100", "100", True), ("60", "41", True), ("101", "0", False), ("60", "61", False)],
)
def test_small_micro_is_part_of_the_sme_reservation_which_is_part_of_the_line(sme, small_micro, ok):
    budget = BudgetFactory()
    item = ProcurementItem.objects.get(catalogue__code="2020", code="A03")
    line = ProcurementLine(
        budget=budget,
        item=item,
        amount=Decimal("100"),
        sme_amount=Decimal(sme),
        small_micro_amount=Decimal(small_micro),
    )
    if ok:
        line.save()
        return
    with pytest.raises(IntegrityError), transaction.atomic():
        line.save()


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


# --- Money is never negative, in the database too ----------------------------------------


def _negative_update_cases():
    from budgets.models import AdjustmentRequest, AssetLine, ProjectFunctionalPart, ProjectSubItem
    from performance.models import DepartmentTask

    return [
        (Project, "fiscal_amount"),
        (Project, "total_amount"),
        (ProjectSubItem, "amount"),
        (BasicExpenditureLine, "amount"),
        (ProcurementLine, "amount"),
        (ThreePublicExpense, "reception"),
        (AssetLine, "planned_amount"),
        (ProjectFunctionalPart, "amount"),
        (AdjustmentRequest, "adjusted_fiscal_amount"),
        (DepartmentTask, "fiscal_amount"),
    ]


@pytest.mark.parametrize("index", range(10))
def test_a_negative_amount_written_past_the_validators_is_refused_by_the_database(index):
    model, name = _negative_update_cases()[index]
    row = model.objects.order_by("pk").first()
    if row is None:  # the demo may hold none: make one
        row = _make(model)
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{name: Decimal("-0.01")})


def _make(model):
    from budgets.models import AdjustmentRequest, AssetLine, ProjectFunctionalPart, ProjectSubItem
    from performance.models import DepartmentTarget, DepartmentTask

    budget = BudgetFactory()
    if model is ProjectSubItem:
        return ProjectSubItem.objects.create(
            project=ProjectFactory(budget=budget), name="x", amount=Decimal("1")
        )
    if model is AssetLine:
        return AssetLine.objects.create(budget=budget, category="vehicle")
    if model is ProjectFunctionalPart:
        code = FunctionalCode.objects.get(code="2080109")
        return ProjectFunctionalPart.objects.create(budget=budget, functional_code=code, amount=Decimal("1"))
    if model is DepartmentTask:
        target = DepartmentTarget.objects.create(cycle=budget.cycle, unit=budget.unit)
        return DepartmentTask.objects.create(department_target=target, name="x")
    if model is AdjustmentRequest:
        from django.contrib.auth import get_user_model

        project = ProjectFactory(budget=budget)
        return AdjustmentRequest.objects.create(
            budget=budget,
            project=project,
            original_fiscal_amount=Decimal("1"),
            original_other_amount=Decimal("0"),
            adjusted_fiscal_amount=Decimal("2"),
            adjusted_other_amount=Decimal("0"),
            reason="x",
            requested_by=get_user_model().objects.order_by("pk").first(),
        )
    raise AssertionError(model)


def test_nullable_amounts_may_stay_empty_but_not_go_negative():
    project = ProjectFactory(last_year_amount=None)
    Project.objects.filter(pk=project.pk).update(last_year_amount=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(last_year_amount=Decimal("-1"))


# --- Sub-items add up to the project's amount on every save ------------------------------


def _sub_items_case():
    from budgets.models import UnitBudget
    from tests.approvals.conftest import complete_project_data, user

    return UnitBudget.objects.get(cycle__year=2021, unit__code="baoan"), complete_project_data, user


def test_a_project_saved_with_sub_items_that_do_not_add_up_is_refused(demo):
    from budgets.services import project_create, project_update
    from core.errors import BusinessRuleError

    budget, data, user = _sub_items_case()
    with pytest.raises(BusinessRuleError) as refused:
        project_create(budget=budget, actor=user("baoan_preparer"), data=data(name="明细不符"),
                       sub_items=[{"name": "甲", "amount": Decimal("400000")}, {"name": "乙", "amount": Decimal("1")}])  # fmt: skip
    assert refused.value.code == "sub_items_sum"
    assert not Project.objects.filter(budget=budget, name="明细不符").exists()

    project = project_create(budget=budget, actor=user("baoan_preparer"), data=data(name="明细相符"),
                             sub_items=[{"name": "甲", "amount": Decimal("400000")},
                                        {"name": "乙", "amount": Decimal("200000")}])  # fmt: skip
    first = project.sub_items.get(name="甲")
    with pytest.raises(BusinessRuleError) as refused:
        project_update(project=project, actor=user("baoan_preparer"), version=project.version,
                       data={"fiscal_amount": Decimal("650000"), "total_amount": Decimal("650000")},
                       sub_items=[{"id": first.pk, "name": "甲", "amount": Decimal("420000")}])  # fmt: skip
    assert refused.value.code == "sub_items_sum"
    project.refresh_from_db()
    assert project.amount == Decimal("600000.00") and first.amount == Decimal("400000.00")
    assert project.sub_items.get(pk=first.pk).amount == Decimal("400000.00")

    project_update(project=project, actor=user("baoan_preparer"), version=project.version,
                   data={"fiscal_amount": Decimal("650000"), "total_amount": Decimal("650000")},
                   sub_items=[{"id": first.pk, "name": "甲", "amount": Decimal("450000")}])  # fmt: skip
    assert sum(s.amount for s in project.sub_items.all()) == Decimal("650000.00")

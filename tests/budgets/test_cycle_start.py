"""Starting a budget cycle (issue #9): the calendar from the template, a draft per unit, last
year's 三公 carried, last year's totals read from last year's lines; HQ approver and
administrator only; all or nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from budgets import cycles
from budgets.models import (
    BasicExpenditureLine,
    BudgetCycle,
    CatalogueVersion,
    DeadlineKind,
    FunctionalCode,
    Project,
    ThreePublicExpense,
    UnitBudget,
    default_deadlines,
)
from budgets.selectors import budgets_with_totals
from budgets.services import cycle_start
from core import policy
from core.errors import BusinessRuleError
from core.events import events_of
from core.models import Event, EventType, Unit
from disclosure.text import draft_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ALLOWED = ["hq_approver", "admin"]
REFUSED = ["hq_reviewer", "auditor", "hq_preparer", "hq_head", "baoan_preparer", "baoan_head", "luohu_preparer",
           "luohu_head"]  # fmt: skip


def user(username: str):
    return get_user_model().objects.get(username=username)


def start(year=2022, actor="hq_approver", **overrides):
    kwargs = {
        "actor": user(actor) if isinstance(actor, str) else actor,
        "year": year,
        "disclosure_format": "2022",
        "procurement_catalogue": CatalogueVersion.objects.get(code="2020"),
        **overrides,
    }
    return cycle_start(**kwargs)


def written() -> tuple[int, int, int, int]:
    return (
        BudgetCycle.objects.count(),
        UnitBudget.objects.count(),
        ThreePublicExpense.objects.count(),
        Event.objects.filter(type=EventType.CYCLE_START).count(),
    )


@pytest.fixture
def three_public_2021(demo):
    """Last year's 三公 as 2021's budgets hold them: the 2021 row (to carry) and the 2020 row
    (2021's own comparison, not to carry)."""
    rows = {}
    for code, amount in [("baoan", "120000.00"), ("luohu", "30000.00")]:
        budget = UnitBudget.objects.get(cycle__year=2021, unit__code=code)
        rows[code] = ThreePublicExpense.objects.create(
            budget=budget, year=2021, abroad=Decimal("0"), reception=Decimal(amount),
            vehicle_purchase=Decimal("200000.00"), vehicle_operation=Decimal("880000.00"),
        )  # fmt: skip
        ThreePublicExpense.objects.create(budget=budget, year=2020, reception=Decimal("999.00"))
    return rows


def test_hq_approver_starts_the_next_year_with_the_template_calendar(demo):
    cycle = start(2022)
    assert (cycle.year, cycle.state, cycle.disclosure_format) == (2022, "preparation", "2022")
    assert cycle.procurement_catalogue.code == "2020"
    calendar = {d.kind: d.due_date for d in cycle.deadlines.all()}
    assert calendar == default_deadlines(2022)
    assert set(calendar) == set(DeadlineKind.values)
    assert calendar[DeadlineKind.PREPARATION] == date(2021, 10, 31)  # autumn of Y-1
    assert calendar[DeadlineKind.MONITORING_DATA_AS_OF] == date(2022, 7, 31)
    assert calendar[DeadlineKind.MONITORING_DUE] == date(2022, 8, 31)
    assert calendar[DeadlineKind.SELF_EVALUATION_DUE] == date(2023, 3, 31)


def test_dates_given_replace_the_template_and_the_rest_come_from_it(demo):
    cycle = start(2022, deadlines={DeadlineKind.PREPARATION: date(2021, 11, 15)})
    calendar = {d.kind: d.due_date for d in cycle.deadlines.all()}
    assert calendar == {**default_deadlines(2022), DeadlineKind.PREPARATION: date(2021, 11, 15)}


def test_every_unit_with_a_budget_last_year_gets_a_draft_and_no_projects(demo):
    Unit.objects.filter(code="dapeng").update(is_active=False)
    cycle = start(2022)
    units_2021 = set(UnitBudget.objects.filter(cycle__year=2021).values_list("unit__code", flat=True))
    budgets = UnitBudget.objects.filter(cycle=cycle)
    assert set(budgets.values_list("unit__code", flat=True)) == units_2021 - {"dapeng"}
    assert set(budgets.values_list("state", flat=True)) == {"draft"}
    assert not Project.objects.filter(budget__cycle=cycle).exists()
    assert not BasicExpenditureLine.objects.filter(budget__cycle=cycle).exists()
    assert budgets.get(unit__code="baoan").history.first().history_user == user("hq_approver")


def test_last_years_three_public_are_carried_as_the_last_year_row(three_public_2021):
    cycle = start(2022)
    carried = {t.budget.unit.code: t for t in ThreePublicExpense.objects.filter(budget__cycle=cycle)}
    assert set(carried) == {"baoan", "luohu"}
    for code, source in three_public_2021.items():
        row = carried[code]
        assert row.year == 2021
        assert (row.abroad, row.reception, row.vehicle_purchase, row.vehicle_operation) == (
            source.abroad, source.reception, source.vehicle_purchase, source.vehicle_operation)  # fmt: skip
    assert carried["baoan"].total == Decimal("1200000.00")
    assert carried["baoan"].history.first().history_user == user("hq_approver")
    # The source rows stay as they were, and 2021's own comparison row is not carried.
    assert ThreePublicExpense.objects.filter(budget__cycle__year=2021).count() == 4


def test_the_year_over_year_text_reads_the_carried_three_public_and_last_years_totals(three_public_2021):
    baoan_2021 = UnitBudget.objects.get(cycle__year=2021, unit__code="baoan")
    BasicExpenditureLine.objects.create(
        budget=baoan_2021,
        functional_code=FunctionalCode.objects.get(code="2080109"),
        amount=Decimal("3600000.00"),
    )
    cycle = start(2022)

    overview = cycles.cycle_overview(cycle=cycle)
    rows = {r.budget.unit.code: r for r in overview.rows}
    expected = {b.unit.code: b for b in budgets_with_totals(UnitBudget.objects.filter(cycle__year=2021))}
    assert overview.previous.year == 2021
    assert rows["baoan"].last_year.total == expected["baoan"].total == Decimal("3600000.00")
    assert rows["baoan"].last_year.basic_total == Decimal("3600000.00")
    assert rows["baoan"].three_public_last_year.total == Decimal("1200000.00")
    assert rows["hq"].three_public_last_year is None

    text = {key: body for key, _title, body in draft_for(cycle)}
    assert "比上年减少360万元" in text["units"]  # 宝安: 0 this year against 360万 last year
    assert "上年数据未录入" not in text["three_public"]
    assert "比上年减少" in text["three_public"]  # nothing budgeted yet for 2022 against 123万 carried


def test_a_year_that_exists_is_refused_and_nothing_is_written(demo):
    before = written()
    with pytest.raises(BusinessRuleError) as error:
        start(2021)
    assert error.value.code == "cycle_exists"
    assert error.value.params["field"] == "year"
    assert "2021" in str(error.value.message)
    assert written() == before


def test_the_start_is_recorded_as_one_event_on_the_cycle(three_public_2021):
    cycle = start(2022)
    (event,) = events_of(cycle)
    assert (event.type, event.actor, event.to_state) == (
        EventType.CYCLE_START,
        user("hq_approver"),
        "preparation",
    )
    assert event.data["previous_cycle"] == 2021
    assert event.data["three_public_carried"] == 2
    assert event.data["unit_budgets"] == UnitBudget.objects.filter(cycle=cycle).count()
    assert event.data["deadlines"]["self_evaluation_due"] == "2023-03-31"


def test_without_last_years_cycle_every_active_unit_gets_a_draft(demo):
    cycle = start(2030)
    assert UnitBudget.objects.filter(cycle=cycle).count() == Unit.objects.filter(is_active=True).count()
    assert not ThreePublicExpense.objects.filter(budget__cycle=cycle).exists()
    assert events_of(cycle).get().data["previous_cycle"] is None


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"disclosure_format": "2021"}, "disclosure_format"),
        ({"deadlines": {DeadlineKind.MONITORING_DUE: date(2025, 8, 31)}}, "deadline"),
        ({"deadlines": {"budget_party": date(2022, 1, 1)}}, "deadline"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(demo, overrides, code):
    before = written()
    with pytest.raises(BusinessRuleError) as error:
        start(2022, **overrides)
    assert error.value.code == code
    assert written() == before


def test_a_failure_half_way_writes_nothing(three_public_2021, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the event log is down")

    monkeypatch.setattr(cycles.events, "record", broken)
    before = written()
    with pytest.raises(RuntimeError):
        start(2022)
    assert written() == before


@pytest.mark.parametrize("username", ALLOWED)
def test_hq_approver_and_administrator_may_start_a_cycle(demo, username):
    assert policy.can_start_cycle(user(username))
    assert start(2022, actor=username).year == 2022


@pytest.mark.parametrize("username", REFUSED)
def test_every_other_role_may_not_start_a_cycle(demo, username):
    assert not policy.can_start_cycle(user(username))
    before = written()
    with pytest.raises(BusinessRuleError) as error:
        start(2022, actor=username)
    assert error.value.code == "forbidden"
    assert written() == before


def test_a_superuser_without_membership_counts_as_administrator_and_a_bare_user_as_nobody(demo):
    assert policy.can_start_cycle(UserFactory(username="root2", is_superuser=True))
    nobody = UserFactory(username="nobody2")
    assert not policy.can_start_cycle(nobody)
    with pytest.raises(BusinessRuleError):
        start(2022, actor=nobody)


def test_the_form_defaults_follow_the_latest_cycle(demo):
    defaults = cycles.cycle_start_defaults()
    latest = BudgetCycle.objects.get(year=2021)
    assert defaults.year == 2022
    assert defaults.disclosure_format == latest.disclosure_format
    assert defaults.procurement_catalogue == latest.procurement_catalogue
    assert defaults.deadlines == default_deadlines(2022)
    assert cycles.cycle_start_defaults(year=2025).deadlines == default_deadlines(2025)

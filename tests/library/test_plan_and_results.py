"""The three-year plan (rolling it forward, a request departing from it) and results feeding
the next cycle (facts from last year, the suggestion beside HQ's decision)."""

from decimal import Decimal

import pytest

from budgets import checks
from budgets.models import BudgetCycle, Project
from budgets.services import item_transition
from budgets.states import State
from core.errors import BusinessRuleError
from core.events import events_of
from core.models import EventType
from demo.library import library_demo_2021, poor_project
from demo.loader import DemoLoadResult
from library import selectors, services
from library.models import LibraryState, LibraryYear, PlanRow, ProjectKind, SuggestionDecision

pytestmark = pytest.mark.django_db


def plan(entry, made_in):
    return [(r.year, r.amount) for r in PlanRow.objects.filter(library_project=entry, made_in=made_in)]


@pytest.fixture
def cycle2022(cycle2021):
    return BudgetCycle.objects.create(year=2022, procurement_catalogue=cycle2021.procurement_catalogue)


# --- Rolling forward ------------------------------------------------------------------------------


def test_the_demo_rolled_the_2020_plans_into_2021(continuing_2020):
    amount = plan(continuing_2020, 2020)[1][1]
    assert plan(continuing_2020, 2021) == [(2021, amount), (2022, amount), (2023, amount)]
    assert events_of(continuing_2020).filter(type=EventType.PLAN_ROLL).count() == 1


@pytest.mark.parametrize(
    ("kind", "third"), [(ProjectKind.RECURRING, "400000.00"), (ProjectKind.CONTINUING, "0.00")]
)
def test_rolling_keeps_two_years_and_opens_a_third(kind, third, propose, users, cycle2022):
    entry = propose(kind=kind, plan=("800000", "600000", "400000"))
    assert services.plan_roll_forward(actor=users["hq_approver"], cycle=cycle2022) >= 1
    assert plan(entry, 2022) == [
        (2022, Decimal("600000.00")),
        (2023, Decimal("400000.00")),
        (2024, Decimal(third)),
    ]
    assert plan(entry, 2021)[0] == (2021, Decimal("800000.00"))  # last year's plan stays on record


def test_rolling_twice_changes_nothing_and_keeps_the_units_revision(propose, users, cycle2022):
    entry = propose()
    services.plan_roll_forward(actor=users["hq_approver"], cycle=cycle2022)
    services.plan_save(actor=users["luohu_preparer"], library_project=entry, made_in=2022,
                       amounts=["650000", "400000", "100000"])  # fmt: skip
    assert services.plan_roll_forward(actor=users["hq_approver"], cycle=cycle2022) == 0
    assert plan(entry, 2022)[0] == (2022, Decimal("650000.00"))


def test_closed_projects_are_not_rolled(propose, users, cycle2022):
    entry = propose()
    services.library_transition(
        library_project=entry, action="withdraw", actor=users["luohu_head"], reason="不再需要"
    )
    services.plan_roll_forward(actor=users["hq_approver"], cycle=cycle2022)
    assert plan(entry, 2022) == []


@pytest.mark.parametrize("who", ["luohu_head", "auditor"])
def test_only_hq_rolls_the_plan(who, users, cycle2022):
    with pytest.raises(BusinessRuleError) as error:
        services.plan_roll_forward(actor=users[who], cycle=cycle2022)
    assert error.value.code == "forbidden"


@pytest.mark.parametrize("who", ["baoan_preparer", "hq_reviewer", "auditor"])
def test_only_the_units_staff_revise_its_plan(who, propose, users):
    entry = propose()
    with pytest.raises(BusinessRuleError):
        services.plan_save(actor=users[who], library_project=entry, made_in=2021, amounts=["1", "1", "1"])
    assert plan(entry, 2021)[0] == (2021, Decimal("800000.00"))


# --- A request departing from last year's plan ----------------------------------------------------


@pytest.fixture
def request_2021(continuing_2020, users, cycle2021):
    services.library_transition(library_project=continuing_2020, action="take_into_budget",
                                actor=users["luohu_preparer"], cycle=cycle2021)  # fmt: skip
    return LibraryYear.objects.get(library_project=continuing_2020, cycle=cycle2021)


def departure(project):
    return [
        p
        for p in checks.problems_for(Project.objects.get(pk=project.pk))
        if p.code == "library:plan_departure"
    ]


def test_a_request_as_planned_needs_no_reason(request_2021):
    assert departure(request_2021.project) == []


def test_a_request_departing_from_last_years_plan_must_say_why(request_2021, users):
    project = request_2021.project
    Project.objects.filter(pk=project.pk).update(fiscal_amount=project.fiscal_amount + 10000,
                                                  total_amount=project.total_amount + 10000)  # fmt: skip
    [problem] = departure(project)
    assert problem.blocking and "2021" in problem.message
    services.plan_departure_reason_save(
        actor=users["luohu_preparer"], link=request_2021, reason="新增两个服务网点。"
    )
    assert departure(project) == []


def test_the_departure_reason_is_the_units_to_write_while_the_request_is_a_draft(request_2021, users):
    with pytest.raises(BusinessRuleError):
        services.plan_departure_reason_save(actor=users["hq_reviewer"], link=request_2021, reason="x")
    Project.objects.filter(pk=request_2021.project_id).update(state=State.SUBMITTED)
    with pytest.raises(BusinessRuleError):
        services.plan_departure_reason_save(actor=users["luohu_preparer"], link=request_2021, reason="x")


# --- Results feed the next cycle ---------------------------------------------------------------


@pytest.fixture
def demo_2021(demo):
    library_demo_2021(result=DemoLoadResult())
    poor = poor_project()
    return LibraryYear.objects.get(project=poor).library_project


def test_the_demos_poor_2020_project_gets_a_suggested_cut_with_its_reasons(demo_2021):
    facts = selectors.facts_for(demo_2021, year=2021)
    assert facts.grade == "poor" and facts.execution_rate == Decimal("55.00")
    request = LibraryYear.objects.get(library_project=demo_2021, cycle__year=2021).project
    suggestion = selectors.suggestion_for(request)
    assert suggestion.amount < request.amount
    assert [a.rule for a in suggestion.applied] == [
        "上年自评等级为差：核减20%",
        "执行率低于80%：核减上年未支出金额",
    ]
    expected = request.amount * Decimal("0.8") - request.amount * Decimal("0.45")
    assert suggestion.amount == expected.quantize(Decimal("0.01"))


def test_every_2021_request_of_the_demo_unit_comes_from_the_library_with_a_suggestion(demo_2021):
    requests = Project.objects.filter(budget__cycle__year=2021, budget__unit__code="luohu")
    assert requests.exists()
    for request in requests:
        assert selectors.library_year_of(request) is not None
        assert selectors.suggestion_for(request) is not None


def test_the_reviewers_decision_and_its_distance_from_the_suggestion_are_recorded(demo_2021, users):
    request = LibraryYear.objects.get(library_project=demo_2021, cycle__year=2021).project
    suggested = selectors.suggestion_for(request).amount
    Project.objects.filter(pk=request.pk).update(state=State.SUBMITTED)
    request.refresh_from_db()
    item_transition(item=request, action="cut", actor=users["hq_reviewer"], reason="按绩效结果核减",
                    fiscal_amount=str(suggested + 1000), other_amount="0")  # fmt: skip
    decision = SuggestionDecision.objects.get(project=request)
    assert (decision.suggested, decision.decided, decision.distance) == (
        suggested,
        suggested + 1000,
        Decimal(1000),
    )
    assert decision.event.type == EventType.CUT and decision.reasons
    item_transition(item=request, action="recommend", actor=users["hq_reviewer"])
    item_transition(item=request, action="approve", actor=users["hq_approver"])
    assert SuggestionDecision.objects.filter(project=request).count() == 3
    demo_2021.refresh_from_db()
    assert demo_2021.state == LibraryState.EXECUTING


def test_a_request_new_to_the_budget_has_no_suggestion(admitted, users, cycle2021):
    services.library_transition(library_project=admitted, action="take_into_budget", actor=users["luohu_preparer"],
                                cycle=cycle2021)  # fmt: skip
    request = LibraryYear.objects.get(library_project=admitted).project
    assert selectors.suggestion_for(request) is None


def test_starting_a_new_budget_year_rolls_the_plans_forward(continuing_2020, users):
    from budgets.cycles import cycle_start
    from budgets.models import CatalogueVersion

    cycle_start(actor=users["hq_approver"], year=2022, disclosure_format="2022",
                procurement_catalogue=CatalogueVersion.objects.get(code="2020"))  # fmt: skip
    amount = plan(continuing_2020, 2021)[1][1]
    assert plan(continuing_2020, 2022)[:2] == [(2022, amount), (2023, amount)]

"""Every rule of the library's lifecycle (library/workflow.py): who may move a project, what is
refused and why."""

from datetime import date
from decimal import Decimal

import pytest

from budgets.models import CycleState, Project
from budgets.services import item_transition
from budgets.states import State
from core.errors import BusinessRuleError
from core.events import events_of
from core.models import EventType, Notification
from library import services
from library.models import Assessment, LibrarySettings, LibraryState, LibraryYear, PlanRow, ProjectKind
from library.workflow import LIBRARY

pytestmark = pytest.mark.django_db


def refused(code, **kwargs):
    with pytest.raises(BusinessRuleError) as error:
        services.library_transition(**kwargs)
    assert error.value.code == code, error.value.message
    return error.value


# --- Proposing ---------------------------------------------------------------------------------


def test_a_preparer_proposes_a_project_with_its_three_year_plan(propose, users):
    project = propose()
    assert project.state == LibraryState.PROPOSED
    assert project.code == "luohu-2021-001"
    assert [(r.year, r.amount) for r in PlanRow.objects.filter(library_project=project)] == [
        (2021, Decimal("800000.00")),
        (2022, Decimal("600000.00")),
        (2023, Decimal("400000.00")),
    ]
    event = events_of(project).get()
    assert event.type == EventType.LIBRARY_PROPOSE and event.actor == users["luohu_preparer"]
    # The HQ reviewer, next to act, hears of it through the one outbox.
    assert Notification.objects.filter(event=event, recipient=users["hq_reviewer"]).exists()


@pytest.mark.parametrize("who", ["hq_reviewer", "hq_approver", "auditor", "baoan_preparer"])
def test_only_the_units_own_staff_propose_its_projects(who, users, cycle2021, luohu):
    with pytest.raises(BusinessRuleError) as error:
        services.library_propose(actor=users[who], unit=luohu, cycle=cycle2021, name="x", kind="recurring",
                                 plan=["1", "1", "1"])  # fmt: skip
    assert error.value.code == "forbidden"


@pytest.mark.parametrize("plan", [["1", "2"], ["-1", "0", "0"], ["NaN", "0", "0"], ["1.234", "0", "0"]])
def test_a_plan_is_three_amounts_in_yuan(plan, propose):
    with pytest.raises(BusinessRuleError):
        propose(plan=plan)


# --- The ex-ante assessment, the gate into the library -----------------------------------------


def test_a_project_is_not_admitted_before_hq_assesses_it(propose, users):
    project = propose()
    refused("not_assessed", library_project=project, action="admit", actor=users["hq_reviewer"])
    assert project.state == LibraryState.PROPOSED


def test_a_project_the_assessment_does_not_support_is_not_admitted(propose, assess, users, cycle2021):
    project = propose()
    assess(project, cycle2021, conclusion="reject", reasons="绩效目标不明确。")
    error = refused("not_supported", library_project=project, action="admit", actor=users["hq_approver"])
    assert "绩效目标不明确" in str(error.message)


@pytest.mark.parametrize("conclusion", ["support", "partial"])
def test_a_supported_project_is_admitted_by_hq(conclusion, propose, assess, users, cycle2021):
    project = propose()
    assessment = assess(project, cycle2021, conclusion=conclusion)
    assert assessment.total == Decimal("82.00")
    services.library_transition(library_project=project, action="admit", actor=users["hq_reviewer"])
    project.refresh_from_db()
    assert project.state == LibraryState.ADMITTED
    assert [e.type for e in events_of(project)] == [
        EventType.LIBRARY_ADMIT, EventType.LIBRARY_ASSESS, EventType.LIBRARY_PROPOSE,
    ]  # fmt: skip


@pytest.mark.parametrize("who", ["luohu_preparer", "luohu_head", "auditor"])
def test_a_unit_or_the_auditor_cannot_admit(who, propose, assess, users, cycle2021):
    project = propose()
    assess(project, cycle2021)
    refused("forbidden", library_project=project, action="admit", actor=users[who])


@pytest.mark.parametrize("who", ["luohu_head", "auditor", "admin"])
def test_only_hq_deciders_assess(who, propose, assess, cycle2021):
    with pytest.raises(BusinessRuleError) as error:
        assess(propose(), cycle2021, actor=who)
    assert error.value.code == "forbidden"
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(("scores", "code"), [
    ({"necessity": "21"}, "bad_score"), ({"necessity": "-1"}, "bad_score"), ({"necessity": "abc"}, "bad_score"),
    ({"necessity": "NaN"}, "bad_score"), ({"necessity": "1.234"}, "bad_score"),
])  # fmt: skip
def test_each_score_is_between_0_and_20(scores, code, propose, users, cycle2021):
    values = {
        "necessity": "10",
        "feasibility": "10",
        "target_quality": "10",
        "cost": "10",
        "funding": "10",
        **scores,
    }
    with pytest.raises(BusinessRuleError) as error:
        services.assessment_record(actor=users["hq_reviewer"], library_project=propose(), cycle=cycle2021,
                                   scores=values, conclusion="support", reasons="理由")  # fmt: skip
    assert error.value.code == code


def test_an_assessment_needs_its_reasons(propose, users, cycle2021):
    from tests.library.conftest import SCORES

    with pytest.raises(BusinessRuleError) as error:
        services.assessment_record(actor=users["hq_reviewer"], library_project=propose(), cycle=cycle2021,
                                   scores=SCORES, conclusion="support", reasons="  ")  # fmt: skip
    assert error.value.code == "reason_required"


# --- Into a year's budget ---------------------------------------------------------------------


def test_the_unit_takes_an_admitted_project_into_its_budget_as_a_draft_request(admitted, users, cycle2021):
    services.library_transition(library_project=admitted, action="take_into_budget", actor=users["luohu_preparer"],
                                cycle=cycle2021)  # fmt: skip
    admitted.refresh_from_db()
    assert admitted.state == LibraryState.BUDGETED
    link = LibraryYear.objects.get(library_project=admitted)
    request = link.project
    assert (request.budget.cycle, request.budget.unit.code) == (cycle2021, "luohu")
    assert request.state == State.DRAFT
    assert request.name == admitted.name and request.amount == Decimal("800000.00")
    assert request.total_amount == Decimal("1800000.00")  # the three planned years
    assert (request.start_date, request.end_date) == (date(2021, 1, 1), date(2021, 12, 31))
    assert events_of(admitted).first().data["project"] == request.pk


@pytest.mark.parametrize("who", ["hq_reviewer", "hq_approver", "auditor", "baoan_preparer"])
def test_only_the_units_staff_take_it_into_the_budget(who, admitted, users, cycle2021):
    refused(
        "forbidden", library_project=admitted, action="take_into_budget", actor=users[who], cycle=cycle2021
    )
    assert not LibraryYear.objects.filter(library_project=admitted).exists()


def test_a_proposed_project_cannot_be_taken_into_a_budget(propose, users, cycle2021):
    project = propose()
    refused("wrong_state", library_project=project, action="take_into_budget", actor=users["luohu_head"],
            cycle=cycle2021)  # fmt: skip


def test_a_project_whose_latest_assessment_says_no_cannot_be_taken_into_a_budget(
    continuing_2020, assess, users, cycle2021
):
    assess(continuing_2020, cycle2021, conclusion="reject", reasons="已无必要。")
    refused("not_supported", library_project=continuing_2020, action="take_into_budget",
            actor=users["luohu_preparer"], cycle=cycle2021)  # fmt: skip
    assert not Project.objects.filter(budget__cycle=cycle2021, name=continuing_2020.name).exists()


def test_a_project_never_assessed_nor_approved_cannot_be_taken_into_a_budget(propose, users, cycle2021):
    """The guard holds even for a row put in the admitted state by other means."""
    project = propose()
    type(project).objects.filter(pk=project.pk).update(state=LibraryState.ADMITTED)
    project.refresh_from_db()
    refused("not_supported", library_project=project, action="take_into_budget", actor=users["luohu_preparer"],
            cycle=cycle2021)  # fmt: skip


def test_a_continuing_project_approved_last_year_needs_no_new_assessment_under_the_threshold(
    continuing_2020, users, cycle2021
):
    services.library_transition(library_project=continuing_2020, action="take_into_budget",
                                actor=users["luohu_preparer"], cycle=cycle2021)  # fmt: skip
    request = LibraryYear.objects.get(library_project=continuing_2020, cycle=cycle2021).project
    previous = LibraryYear.objects.get(library_project=continuing_2020, cycle__year=2020).project
    assert request.amount == previous.amount  # the plan rolled from 2020 says so
    assert request.last_year_amount == previous.amount
    assert (
        request.category_id == previous.category_id
        and request.functional_code_id == previous.functional_code_id
    )


def test_above_the_cycles_threshold_a_project_needs_an_assessment_for_that_cycle(
    continuing_2020, assess, users, cycle2021
):
    LibrarySettings.objects.create(cycle=cycle2021, assessment_threshold=Decimal("1.00"))
    error = refused("needs_assessment", library_project=continuing_2020, action="take_into_budget",
                    actor=users["luohu_preparer"], cycle=cycle2021)  # fmt: skip
    assert "2021" in str(error.message)
    assess(continuing_2020, cycle2021)
    services.library_transition(library_project=continuing_2020, action="take_into_budget",
                                actor=users["luohu_preparer"], cycle=cycle2021)  # fmt: skip
    continuing_2020.refresh_from_db()
    assert continuing_2020.state == LibraryState.BUDGETED


def test_a_one_off_project_is_taken_into_one_years_budget_only(continuing_2020, users, cycle2021):
    type(continuing_2020).objects.filter(pk=continuing_2020.pk).update(kind=ProjectKind.ONE_OFF)
    continuing_2020.refresh_from_db()
    refused("one_off", library_project=continuing_2020, action="take_into_budget", actor=users["luohu_preparer"],
            cycle=cycle2021)  # fmt: skip


def test_a_project_is_taken_into_a_years_budget_once(continuing_2020, users, cycle2021):
    kwargs = {"library_project": continuing_2020, "action": "take_into_budget", "cycle": cycle2021}
    services.library_transition(actor=users["luohu_preparer"], **kwargs)
    type(continuing_2020).objects.filter(pk=continuing_2020.pk).update(state=LibraryState.EXECUTING)
    continuing_2020.refresh_from_db()
    refused("already_in_budget", actor=users["luohu_head"], **kwargs)


def test_a_budget_no_longer_prepared_takes_no_project(continuing_2020, users, cycle2021):
    type(cycle2021).objects.filter(pk=cycle2021.pk).update(state=CycleState.REVIEW)
    cycle2021.refresh_from_db()
    refused("cycle_closed", library_project=continuing_2020, action="take_into_budget",
            actor=users["luohu_preparer"], cycle=cycle2021)  # fmt: skip


# --- Execution, completion, withdrawal ---------------------------------------------------------


def test_approving_the_years_request_puts_the_project_in_execution(continuing_2020, users, cycle2021):
    services.library_transition(library_project=continuing_2020, action="take_into_budget",
                                actor=users["luohu_preparer"], cycle=cycle2021)  # fmt: skip
    request = LibraryYear.objects.get(library_project=continuing_2020, cycle=cycle2021).project
    Project.objects.filter(pk=request.pk).update(state=State.RECOMMENDED)
    request.refresh_from_db()
    item_transition(item=request, action="approve", actor=users["hq_approver"])
    continuing_2020.refresh_from_db()
    assert continuing_2020.state == LibraryState.EXECUTING
    event = events_of(continuing_2020).first()
    assert (event.type, event.actor) == (EventType.LIBRARY_EXECUTE, users["hq_approver"])


def test_execution_is_not_started_by_hand_by_the_unit(continuing_2020, users, cycle2021):
    services.library_transition(library_project=continuing_2020, action="take_into_budget",
                                actor=users["luohu_preparer"], cycle=cycle2021)  # fmt: skip
    refused("forbidden", library_project=continuing_2020, action="execute", actor=users["luohu_head"])


@pytest.mark.parametrize(("who", "allowed"), [
    ("luohu_head", True), ("hq_approver", True), ("luohu_preparer", False), ("hq_reviewer", False),
    ("auditor", False), ("baoan_head", False),
])  # fmt: skip
def test_who_completes_a_project(who, allowed, continuing_2020, users):
    if allowed:
        services.library_transition(library_project=continuing_2020, action="complete", actor=users[who])
        continuing_2020.refresh_from_db()
        assert continuing_2020.state == LibraryState.COMPLETED
    else:
        refused("forbidden", library_project=continuing_2020, action="complete", actor=users[who])


def test_withdrawing_needs_a_reason_and_keeps_it(propose, users):
    project = propose()
    refused("reason_required", library_project=project, action="withdraw", actor=users["luohu_head"])
    services.library_transition(library_project=project, action="withdraw", actor=users["luohu_head"],
                                reason="并入智慧社保平台建设。")  # fmt: skip
    project.refresh_from_db()
    assert project.state == LibraryState.WITHDRAWN and project.withdrawal_reason == "并入智慧社保平台建设。"
    refused("wrong_state", library_project=project, action="admit", actor=users["hq_reviewer"])


@pytest.mark.parametrize("who", ["luohu_preparer", "auditor", "baoan_head"])
def test_who_may_not_withdraw(who, propose, users):
    refused("forbidden", library_project=propose(), action="withdraw", actor=users[who], reason="理由")


def test_a_second_actor_on_the_same_step_is_told_someone_acted_before(propose, assess, users, cycle2021):
    project = propose()
    assess(project, cycle2021)
    stale = type(project).objects.get(pk=project.pk)
    services.library_transition(library_project=project, action="admit", actor=users["hq_reviewer"])
    refused("conflict", library_project=stale, action="admit", actor=users["hq_approver"])


def test_the_table_offers_each_role_only_its_own_steps(admitted, users):
    assert [t.action for t in LIBRARY.allowed(users["luohu_preparer"], admitted)] == ["take_into_budget"]
    assert [t.action for t in LIBRARY.allowed(users["hq_reviewer"], admitted)] == ["withdraw"]
    assert LIBRARY.allowed(users["auditor"], admitted) == []
    assert LIBRARY.allowed(users["baoan_head"], admitted) == []

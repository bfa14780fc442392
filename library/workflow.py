"""The lifecycle of a library project (issue #13), a table of the one engine (``core.workflow``).

| action            | from                 | to         | who                              | reason | guards                                   |
|-------------------|----------------------|------------|----------------------------------|--------|------------------------------------------|
| (propose)         | —                    | proposed   | preparer, branch head            |        | (``services.library_propose``)           |
| admit             | proposed             | admitted   | HQ reviewer, HQ approver         |        | a supporting ex-ante assessment          |
| take_into_budget  | admitted, executing  | budgeted   | preparer, branch head            |        | supported for the cycle; one-off once;   |
|                   |                      |            |                                  |        | one request a year; the cycle prepared   |
| execute           | budgeted             | executing  | HQ approver                      |        | the year's request approved              |
| complete          | executing            | completed  | branch head, HQ approver         |        |                                          |
| withdraw          | proposed, admitted,  | withdrawn  | branch head, HQ reviewer,        | yes    |                                          |
|                   | executing            |            | HQ approver                      |        |                                          |

``take_into_budget`` creates the year's request (a draft ``budgets.Project``, through the budgets
service that creates any request) and links it; ``execute`` is taken when HQ's approver approves
that request (``library.apps``: a hook of the request machine), by the approver.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budgets import services as budget_services
from budgets.models import BudgetCycle, CycleState, UnitBudget
from core.errors import BusinessRuleError
from core.models import EventType
from core.roles import HQ_DECIDER_ROLES, UNIT_STAFF_ROLES, Role
from core.workflow import Machine, Step, Transition, table

from . import selectors
from .models import EDITABLE_STATES, LibraryProject, LibraryState, LibraryYear, ProjectKind

S, R = LibraryState, Role

# --- Guards and effects, each named in the table --------------------------------------------


def assessed_supported(step: Step) -> None:
    """Only a project HQ's ex-ante assessment supports enters the library."""
    latest = selectors.latest_assessment(step.obj)
    if latest is None:
        raise BusinessRuleError("not_assessed", _("HQ has not assessed this project yet (事前绩效评估)."))
    if not latest.supports:
        raise BusinessRuleError(
            "not_supported",
            _("The latest assessment does not support this project: %(reasons)s")
            % {"reasons": latest.reasons},
        )


def _cycle(step: Step) -> BudgetCycle:
    cycle = step.params.get("cycle")
    if not isinstance(cycle, BudgetCycle):
        raise BusinessRuleError("no_cycle", _("Say which year's budget the project is taken into."))
    return cycle


def supported_for_cycle(step: Step) -> None:
    """Only supported projects are taken into a budget: a project new to the budget needs a
    supporting ex-ante assessment (a continuing one was approved in an earlier year's budget);
    a project planning more than the cycle's threshold needs one made for that cycle; and a
    project whose latest assessment does not support it is refused whatever its past."""
    cycle = _cycle(step)
    latest = selectors.latest_assessment(step.obj)
    if latest is not None and not latest.supports:
        raise BusinessRuleError(
            "not_supported",
            _("The latest ex-ante assessment does not support this project: %(reasons)s")
            % {"reasons": latest.reasons},
        )
    if latest is None and not selectors.approved_before(step.obj, year=cycle.year):
        raise BusinessRuleError(
            "not_supported", _("Only a project the ex-ante assessment supports can be taken into a budget.")
        )
    amount = selectors.planned_amount(step.obj, year=cycle.year)
    threshold = selectors.assessment_threshold(cycle)
    if amount > threshold:
        for_cycle = selectors.latest_assessment(step.obj, cycle=cycle)
        if for_cycle is None or not for_cycle.supports:
            raise BusinessRuleError(
                "needs_assessment",
                _(
                    "It plans more than the %(year)s threshold of %(threshold)s 万元: HQ must assess it "
                    "for %(year)s first."
                )
                % {"year": cycle.year, "threshold": selectors.wan(threshold)},
            )


def once_a_year(step: Step) -> None:
    cycle = _cycle(step)
    if cycle.state != CycleState.PREPARATION:
        raise BusinessRuleError(
            "cycle_closed", _("The %(year)s budget is no longer being prepared.") % {"year": cycle.year}
        )
    years = LibraryYear.objects.filter(library_project=step.obj)
    if years.filter(cycle=cycle).exists():
        raise BusinessRuleError(
            "already_in_budget", _("The project is in the %(year)s budget already.") % {"year": cycle.year}
        )
    if step.obj.kind == ProjectKind.ONE_OFF and years.exists():
        raise BusinessRuleError("one_off", _("A one-off project is taken into one year's budget only."))


COPIED_FROM_LAST_YEAR = (
    "project_type",
    "use_of_funds",
    "functional_code",
    "funding_source",
    "purpose",
    "annual_goal",
)


def create_request(step: Step) -> None:
    """The year's request, a draft of the unit's budget, from the library entry and its plan."""
    cycle = _cycle(step)
    library_project: LibraryProject = step.obj
    try:
        budget = UnitBudget.objects.get(cycle=cycle, unit_id=library_project.unit_id)
    except UnitBudget.DoesNotExist:
        raise BusinessRuleError(
            "no_budget", _("The unit has no %(year)s budget yet.") % {"year": cycle.year}
        ) from None
    amount = selectors.planned_amount(library_project, year=cycle.year)
    previous = selectors.previous_request(library_project, year=cycle.year)
    data = {
        "name": library_project.name,
        "category": library_project.category,
        "fiscal_amount": amount,
        "other_amount": 0,
        "total_amount": max(amount, selectors.plan_total(library_project, made_in=cycle.year)),
        "content": library_project.content,
        "midterm_goal": library_project.midterm_goal,
        "last_year_amount": previous.amount if previous else None,
    }
    # The year's own period; a continuing project keeps its start and runs at least to the year's end.
    data["start_date"], data["end_date"] = date(cycle.year, 1, 1), date(cycle.year, 12, 31)
    if previous is not None:
        for name in COPIED_FROM_LAST_YEAR:
            data[name] = getattr(previous, name)
        if library_project.kind == ProjectKind.CONTINUING and previous.start_date:
            data["start_date"] = previous.start_date
            data["end_date"] = max(previous.end_date or data["end_date"], data["end_date"])
    project = budget_services.project_create(budget=budget, actor=step.actor, data=data)
    LibraryYear.objects.create(library_project=library_project, project=project, cycle=cycle)
    step.data.update({"year": cycle.year, "project": project.pk, "amount": str(amount)})


def record_withdrawal(step: Step) -> None:
    step.obj.withdrawal_reason = step.reason


# --- The table ---------------------------------------------------------------------------------

_TRANSITIONS = table(
    Transition("admit", frozenset({S.PROPOSED}), S.ADMITTED, HQ_DECIDER_ROLES, EventType.LIBRARY_ADMIT,
               label=gettext_lazy("Admit to the library"), guards=(assessed_supported,),
               notify_unit=UNIT_STAFF_ROLES),
    Transition("take_into_budget", frozenset({S.ADMITTED, S.EXECUTING}), S.BUDGETED, UNIT_STAFF_ROLES,
               EventType.LIBRARY_BUDGET, label=gettext_lazy("Take into the year's budget"),
               guards=(once_a_year, supported_for_cycle), effects=(create_request,)),
    Transition("execute", frozenset({S.BUDGETED}), S.EXECUTING, frozenset({R.HQ_APPROVER}),
               EventType.LIBRARY_EXECUTE, label=gettext_lazy("Start execution")),
    Transition("complete", frozenset({S.EXECUTING}), S.COMPLETED, frozenset({R.BRANCH_HEAD, R.HQ_APPROVER}),
               EventType.LIBRARY_COMPLETE, label=gettext_lazy("Complete")),
    Transition("withdraw", frozenset({S.PROPOSED, S.ADMITTED, S.EXECUTING}), S.WITHDRAWN,
               frozenset({R.BRANCH_HEAD, *HQ_DECIDER_ROLES}), EventType.LIBRARY_WITHDRAW, needs_reason=True,
               label=gettext_lazy("Withdraw from the library"), effects=(record_withdrawal,),
               notify_unit=UNIT_STAFF_ROLES),
)  # fmt: skip

LIBRARY = Machine(
    name="library_project",
    model=LibraryProject,
    states=LibraryState,
    transitions=_TRANSITIONS,
    editable_states=EDITABLE_STATES,
    next_actors={
        S.PROPOSED: frozenset({R.HQ_REVIEWER}),
        S.ADMITTED: frozenset(),
        S.BUDGETED: frozenset(),
        S.EXECUTING: frozenset(),
        S.COMPLETED: frozenset(),
        S.WITHDRAWN: frozenset(),
    },
    link=lambda p: reverse("library:project", args=[p.pk]),
    describe=lambda p: f"{p.unit} · {p.code} {p.name}",
)

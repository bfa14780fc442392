"""The state machines of performance management, as tables of the one engine (``core.workflow``).

Monitoring reports, project self-evaluations and department self-evaluations share one table:

| action  | from             | to        | who                        | reason |
|---------|------------------|-----------|----------------------------|--------|
| submit  | draft, returned  | submitted | the unit's head            |        |
| approve | submitted        | approved  | HQ reviewer or approver    |        |
| return  | submitted        | returned  | HQ reviewer or approver    | yes    |

A target change:

| action  | from      | to       | who         | reason |
|---------|-----------|----------|-------------|--------|
| approve | requested | approved | HQ approver |        |
| reject  | requested | rejected | HQ approver | yes    |

Approving a target change gives the indicator its new target; the first one stays on record.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budgets.models import DeadlineKind
from core.errors import BusinessRuleError
from core.models import EventType
from core.roles import HQ_DECIDER_ROLES, UNIT_STAFF_ROLES, Role
from core.workflow import Machine, Step, Transition, decision_table, table

from .models import (
    EDITABLE_STATES,
    ChangeState,
    DepartmentEvaluation,
    Indicator,
    ProjectEvaluation,
    ProjectMonitoring,
    ReportState,
    TargetChange,
)

R = ReportState
REPORT_NEXT_ACTORS = {
    R.DRAFT: frozenset(),
    R.SUBMITTED: HQ_DECIDER_ROLES,
    R.RETURNED: UNIT_STAFF_ROLES,
    R.APPROVED: frozenset(),
}


def _complete(problems_of: Callable, code: str, message, error=None) -> Callable[[Step], None]:
    """A guard: the report cannot be submitted while ``problems_of`` finds anything."""

    def guard(step: Step) -> None:
        problems = problems_of(step.obj)
        if problems:
            if error is not None:
                raise error(problems)
            raise BusinessRuleError(code, message, problems=problems)

    guard.__name__ = f"complete_{code}"
    return guard


def report_machine(
    *, name: str, model, link: Callable, describe: Callable, guard: Callable, deadline_kind: str
) -> Machine:
    return Machine(
        name=name,
        model=model,
        states=ReportState,
        transitions=table(
            Transition(
                "submit",
                frozenset(EDITABLE_STATES),
                R.SUBMITTED,
                frozenset({Role.BRANCH_HEAD}),
                EventType.REPORT_SUBMIT,
                label=gettext_lazy("Submit to HQ"),
                guards=(guard,),
            ),
            Transition(
                "approve",
                frozenset({R.SUBMITTED}),
                R.APPROVED,
                HQ_DECIDER_ROLES,
                EventType.REPORT_APPROVE,
                label=gettext_lazy("Approve"),
                notify_unit=UNIT_STAFF_ROLES,
            ),
            Transition(
                "return",
                frozenset({R.SUBMITTED}),
                R.RETURNED,
                HQ_DECIDER_ROLES,
                EventType.REPORT_RETURN,
                needs_reason=True,
                label=gettext_lazy("Return for revision"),
            ),
        ),
        editable_states=EDITABLE_STATES,
        next_actors=REPORT_NEXT_ACTORS,
        link=link,
        describe=describe,
        deadline_kind=deadline_kind,
    )


def _project_args(obj) -> list:
    project = obj.project
    return [project.budget.cycle.year, project.budget.unit.code, project.pk]


def monitoring_machine(problems_of) -> Machine:
    return report_machine(
        name="project_monitoring",
        model=ProjectMonitoring,
        link=lambda m: reverse("performance:project_monitoring", args=_project_args(m)),
        describe=lambda m: f"{_('Mid-year monitoring')} · {m.project.budget.unit} · {m.project}",
        guard=_complete(problems_of, "monitoring_incomplete", gettext_lazy("The monitoring form cannot be submitted yet.")),
        deadline_kind=DeadlineKind.MONITORING_DUE,
    )  # fmt: skip


def project_evaluation_machine(problems_of) -> Machine:
    return report_machine(
        name="project_evaluation",
        model=ProjectEvaluation,
        link=lambda e: reverse("performance:project_evaluation", args=_project_args(e)),
        describe=lambda e: f"{_('Self-evaluation')} · {e.project.budget.unit} · {e.project}",
        guard=_complete(problems_of, "evaluation_incomplete", gettext_lazy("The self-evaluation cannot be submitted yet.")),
        deadline_kind=DeadlineKind.SELF_EVALUATION_DUE,
    )  # fmt: skip


def department_evaluation_machine(problems_of, error) -> Machine:
    return report_machine(
        name="department_evaluation",
        model=DepartmentEvaluation,
        link=lambda e: reverse("performance:department_evaluation", args=[e.cycle.year, e.unit.code]),
        describe=lambda e: f"{_('Department self-evaluation')} · {e.unit}",
        guard=_complete(problems_of, "rubric", "", error=error),
        deadline_kind=DeadlineKind.SELF_EVALUATION_DUE,
    )


# --- Target changes ------------------------------------------------------------------------

C = ChangeState


def _new_target(step: Step) -> None:
    change = step.obj
    indicator = Indicator.objects.select_for_update().get(pk=change.indicator_id)
    indicator.set_target(change.new_text)
    indicator.save()


def _change_link(change) -> str:
    return reverse("performance:target_changes", args=[change.indicator.project.budget.cycle.year])


TARGET_CHANGE = Machine(
    name="target_change",
    model=TargetChange,
    states=ChangeState,
    transitions=decision_table(
        pending=C.REQUESTED,
        approved=C.APPROVED,
        rejected=C.REJECTED,
        approve_event=EventType.TARGET_CHANGE_APPROVE,
        reject_event=EventType.TARGET_CHANGE_REJECT,
        on_approve=(_new_target,),
    ),
    editable_states=frozenset(),
    next_actors={
        C.REQUESTED: frozenset({Role.HQ_APPROVER}),
        C.APPROVED: frozenset(),
        C.REJECTED: frozenset(),
    },
    link=_change_link,
    describe=lambda c: f"{c.indicator.project.budget.unit} · {c.indicator.project} · {c.indicator.name}",
)

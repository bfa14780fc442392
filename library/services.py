"""Every write of the project library, one function per business action. The lifecycle moves
only through ``core.workflow.transition`` (``library/workflow.py``); who may do what is asked of
``core.policy``."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from budgets.amounts import amount_or_error
from budgets.models import BudgetCycle, Project
from core import policy, workflow
from core.errors import BusinessRuleError
from core.events import record
from core.models import Event, EventType
from core.roles import UNIT_STAFF_ROLES, Role
from core.workflow import Step

from . import selectors
from .models import (
    DIMENSION_MAX,
    DIMENSIONS,
    OPEN_STATES,
    Assessment,
    Conclusion,
    LibraryProject,
    LibraryState,
    LibraryYear,
    PlanRow,
    ProjectKind,
    SuggestionDecision,
)
from .workflow import LIBRARY

PLAN_YEARS = 3


def _plan_amounts(amounts) -> list[Decimal]:
    values = [amount_or_error(a) for a in amounts]
    if len(values) != PLAN_YEARS:
        raise BusinessRuleError("plan_years", _("Give the planned amounts of three years (Y, Y+1, Y+2)."))
    return values


def _next_code(unit, year: int) -> str:
    prefix = f"{unit.code}-{year}-"
    taken = LibraryProject.objects.filter(code__startswith=prefix).count()
    return f"{prefix}{taken + 1:03d}"


@transaction.atomic
def library_propose(*, actor, unit, cycle: BudgetCycle, name: str, kind: str, plan: list, category=None,
                    content: str = "", necessity: str = "", midterm_goal: str = "", targets=()) -> LibraryProject:  # fmt: skip
    """A unit proposes a project to the library (储备), with its three-year plan from ``cycle``."""
    if not policy.acts_for_unit(actor, unit.pk, UNIT_STAFF_ROLES):
        raise BusinessRuleError("forbidden", _("Only the unit's preparer or head may propose its projects."))
    if kind not in ProjectKind.values:
        raise BusinessRuleError("bad_kind", _("Choose the kind of project."), field="kind")
    if not (name or "").strip():
        raise BusinessRuleError("name_required", _("Give the project a name."), field="name")
    amounts = _plan_amounts(plan)
    project = LibraryProject.objects.create(
        code=_next_code(unit, cycle.year), unit=unit, name=name.strip(), kind=kind, category=category,
        first_year=cycle.year, content=content, necessity=necessity, midterm_goal=midterm_goal,
    )  # fmt: skip
    _write_plan(project, made_in=cycle.year, amounts=amounts, targets=list(targets))
    workflow.start(
        machine=LIBRARY, obj=project, actor=actor, event_type=EventType.LIBRARY_PROPOSE,
        data={"plan": {str(cycle.year + i): str(a) for i, a in enumerate(amounts)}},
    )  # fmt: skip
    return project


def _write_plan(project: LibraryProject, *, made_in: int, amounts: list[Decimal], targets: list[str]) -> None:
    for offset, amount in enumerate(amounts):
        PlanRow.objects.update_or_create(
            library_project=project, made_in=made_in, year=made_in + offset,
            defaults={"amount": amount, "target": targets[offset] if offset < len(targets) else ""},
        )  # fmt: skip


@transaction.atomic
def plan_save(*, actor, library_project: LibraryProject, made_in: int, amounts: list, targets=()) -> None:
    """The unit revises the plan it makes this year; a closed project's plan is a record."""
    library_project = LibraryProject.objects.select_for_update().get(pk=library_project.pk)
    if not policy.acts_for_unit(actor, library_project.unit_id, UNIT_STAFF_ROLES):
        raise BusinessRuleError("forbidden", _("Only the unit's preparer or head may change its plan."))
    if library_project.state not in OPEN_STATES:
        raise BusinessRuleError("closed", _("The project is closed: its plan is a record."))
    _write_plan(library_project, made_in=made_in, amounts=_plan_amounts(amounts), targets=list(targets))


@transaction.atomic
def assessment_record(*, actor, library_project: LibraryProject, cycle: BudgetCycle, scores: dict,
                      conclusion: str, reasons: str) -> Assessment:  # fmt: skip
    """HQ's ex-ante assessment (事前绩效评估): five scores of 0-20, a conclusion and its reasons."""
    if not policy.is_hq_decider(actor):
        raise BusinessRuleError("forbidden", _("Only HQ's reviewers and approvers assess projects."))
    library_project = LibraryProject.objects.select_for_update().get(pk=library_project.pk)
    if library_project.state not in OPEN_STATES:
        raise BusinessRuleError("closed", _("The project is closed."))
    if conclusion not in Conclusion.values:
        raise BusinessRuleError("bad_conclusion", _("Choose a conclusion."), field="conclusion")
    if not (reasons or "").strip():
        raise BusinessRuleError("reason_required", _("Give the reasons of the conclusion."), field="reasons")
    values = {}
    for name in DIMENSIONS:
        try:
            value = Decimal(str(scores.get(name, "")).strip())
        except ArithmeticError:
            value = Decimal(-1)
        if (
            not value.is_finite()
            or not Decimal(0) <= value <= DIMENSION_MAX
            or value != value.quantize(Decimal("0.01"))
        ):
            raise BusinessRuleError(
                "bad_score",
                _("Each score is a number from 0 to %(max)s.") % {"max": DIMENSION_MAX},
                field=name,
            )
        values[name] = value
    assessment = Assessment.objects.create(
        library_project=library_project, cycle=cycle, conclusion=conclusion, reasons=reasons.strip(),
        assessed_by=actor, **values,
    )  # fmt: skip
    record(
        subject=library_project, event_type=EventType.LIBRARY_ASSESS, actor=actor,
        unit_id=library_project.unit_id, comment=assessment.reasons,
        data={"cycle": cycle.year, "conclusion": conclusion, "total": str(assessment.total),
              **{k: str(v) for k, v in values.items()}},
    )  # fmt: skip
    return assessment


def library_transition(*, library_project: LibraryProject, action: str, actor, reason: str = "",
                       cycle: BudgetCycle | None = None) -> Event:  # fmt: skip
    return workflow.transition(
        machine=LIBRARY, obj=library_project, action=action, actor=actor, reason=reason, cycle=cycle
    )


@transaction.atomic
def plan_departure_reason_save(*, actor, link: LibraryYear, reason: str) -> LibraryYear:
    """Why this year's request departs from last year's plan: written by the unit while the
    request is editable (the same rule as the request's own fields)."""
    link = (
        LibraryYear.objects.select_for_update(of=("self",)).select_related("project__budget").get(pk=link.pk)
    )
    if not policy.can_change(actor, link.project):
        raise BusinessRuleError("forbidden", _("The request cannot be changed now."))
    link.plan_departure_reason = (reason or "").strip()
    link.save(update_fields=["plan_departure_reason"])
    return link


def plan_roll_forward(*, actor, cycle: BudgetCycle) -> int:
    """A new cycle rolls every open project's latest plan forward: the plan made for ``cycle``
    starts from last year's (its years Y and Y+1), and the new third year repeats the last
    planned year for a recurring project, 0 for the others (the unit revises it). A plan already
    made for ``cycle`` is kept. Returns how many projects were rolled."""
    if policy.role_of(actor) not in {Role.HQ_APPROVER, Role.ADMINISTRATOR, Role.HQ_REVIEWER}:
        raise BusinessRuleError("forbidden", _("Only HQ rolls the plan forward."))
    rolled = 0
    year = cycle.year
    with transaction.atomic():
        projects = LibraryProject.objects.select_for_update().filter(state__in=list(OPEN_STATES))
        for project in projects:
            if PlanRow.objects.filter(library_project=project, made_in=year).exists():
                continue
            last = PlanRow.objects.filter(library_project=project, made_in=year - 1)
            previous = {r.year: r for r in last}
            if not previous:
                continue
            amounts, targets = [], []
            for offset in range(PLAN_YEARS):
                row = previous.get(year + offset)
                if row is None:
                    last_row = previous.get(year + offset - 1)
                    keep = last_row is not None and project.kind == ProjectKind.RECURRING
                    amounts.append(last_row.amount if keep else Decimal("0.00"))
                    targets.append("")
                else:
                    amounts.append(row.amount)
                    targets.append(row.target)
            try:
                _write_plan(project, made_in=year, amounts=amounts, targets=targets)
            except IntegrityError:
                continue
            record(
                subject=project, event_type=EventType.PLAN_ROLL, actor=actor, unit_id=project.unit_id,
                data={"made_in": year, "plan": {str(year + i): str(a) for i, a in enumerate(amounts)}},
            )  # fmt: skip
            rolled += 1
    return rolled


# --- Hooks of the request machine (registered in library.apps) ------------------------------------

DECISIONS = frozenset({EventType.CUT, EventType.RECOMMEND, EventType.APPROVE})


def request_decided(step: Step, event: Event) -> None:
    """Beside HQ's decision on a year's request, what the rules suggested and how far the
    decision is from it; the approval of the request puts the library project in execution."""
    project: Project = step.obj
    link = selectors.library_year_of(project)
    if link is None:
        return
    if event.type in DECISIONS:
        suggestion = selectors.suggestion_for(project)
        if suggestion is not None:
            SuggestionDecision.objects.create(
                project=project, event=event, requested=suggestion.requested, suggested=suggestion.amount,
                decided=project.amount, reasons=suggestion.reasons,
            )  # fmt: skip
    if event.type == EventType.APPROVE and link.library_project.state == LibraryState.BUDGETED:
        workflow.transition(machine=LIBRARY, obj=link.library_project, action="execute", actor=step.actor)

"""Writes of the performance app: one function per business action.

Each takes keyword-only arguments and runs in one transaction; every transition goes through
the one engine (``core.workflow``) with the tables of ``performance/workflow.py``, which locks
the row, checks the state and the actor's right (``core.policy``), writes the event and queues
the emails in the outbox. A broken rule raises the one :class:`~core.errors.BusinessRuleError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from budgets.models import BudgetCycle, CycleState, Project
from budgets.states import EDITABLE_STATES as REQUEST_EDITABLE
from core import events, mail, policy, workflow
from core.errors import BusinessRuleError
from core.models import EventType, Unit
from core.roles import UNIT_STAFF_ROLES

from . import rubric, selectors
from .importers import RowError, SpendingRow, parse_amount, parse_month, read_rows
from .lights import BEHIND
from .models import (
    EDITABLE_STATES,
    LEVEL1_OF,
    ChangeState,
    DepartmentEvaluation,
    DepartmentTarget,
    DepartmentTask,
    Indicator,
    IndicatorEvaluation,
    IndicatorMonitoring,
    MonitoringRound,
    ProjectEvaluation,
    ProjectMonitoring,
    SpendingImport,
    SpendingRecord,
    TargetChange,
)
from .rules import TargetProblem
from .selectors import (
    department_prefill,
    evaluation_detail,
    monitoring_detail,
    problems_of_project,
    project_spending,
)
from .targets import parse_target
from .workflow import (
    TARGET_CHANGE,
    department_evaluation_machine,
    monitoring_machine,
    project_evaluation_machine,
)

# --- Plumbing ------------------------------------------------------------------------------


def _deny() -> BusinessRuleError:
    return BusinessRuleError("not_allowed", _("You may not do this."))


def _event(obj: Model, *, event_type: EventType, actor, unit: Unit | None, comment: str = "") -> None:
    events.record(subject=obj, event_type=event_type, actor=actor, unit_id=unit.pk if unit else None,
                  comment=comment)  # fmt: skip


def _require_editor(actor, unit: Unit) -> None:
    if not policy.can_edit_unit_performance(actor, unit):
        raise _deny()


def _require_editable(obj: Any) -> None:
    if obj.state not in EDITABLE_STATES:
        raise BusinessRuleError("locked", _("Submitted and approved forms cannot be changed."))


def _locked(model: type[Model], pk: int) -> Any:
    return model.objects.select_for_update().get(pk=pk)


# --- Targets (DOMAIN §6) -------------------------------------------------------------------


def targets_editable(cycle: BudgetCycle) -> bool:
    """Targets are entered while the budget is prepared and reviewed. Once it is approved a
    target changes only through a :class:`TargetChange` approved by HQ."""
    return cycle.state in {CycleState.PREPARATION, CycleState.REVIEW}


def project_targets_editable(*, project: Project, actor) -> bool:
    """A project's targets are part of its request: the unit's staff change them while the request
    is a draft or has been returned, in a cycle still being prepared or reviewed."""
    return (
        policy.can_edit_unit_performance(actor, project.budget.unit)
        and targets_editable(project.budget.cycle)
        and project.state in REQUEST_EDITABLE
    )


def project_target_problems(*, project: Project) -> list[TargetProblem]:
    """What stops the project's targets from being submitted (DOMAIN §6), each problem with its
    message and the indicator it concerns. Empty when the targets are fit to submit."""
    return problems_of_project(project)


@dataclass(frozen=True)
class IndicatorData:
    id: int | None
    level1: str
    level2: str
    name: str
    target_text: str
    target_source: str = ""


@dataclass(frozen=True)
class TaskData:
    id: int | None
    name: str
    content: str
    fiscal_amount: Decimal
    other_amount: Decimal


def _replace_indicators(owner_filter: dict[str, Any], rows: Sequence[IndicatorData]) -> list[Indicator]:
    existing = {i.pk: i for i in Indicator.objects.filter(**owner_filter)}
    unknown = {row.id for row in rows if row.id is not None} - set(existing)
    if unknown:
        raise BusinessRuleError("unknown_indicator", _("An indicator of another table was sent."))
    for row in rows:
        if LEVEL1_OF.get(row.level2) != row.level1:
            raise BusinessRuleError(
                "level_mismatch", _("A level-2 indicator does not belong to its level 1.")
            )
    kept = {row.id for row in rows if row.id is not None}
    Indicator.objects.filter(pk__in=set(existing) - kept).delete()
    # Free the row numbers first: (table, order) is unique and rows may swap places.
    Indicator.objects.filter(pk__in=kept).update(sort_order=F("sort_order") + 10000)
    saved = []
    for order, row in enumerate(rows, start=1):
        indicator = existing[row.id] if row.id is not None else Indicator(**owner_filter)
        indicator.level1, indicator.level2 = row.level1, row.level2
        indicator.name = row.name.strip()
        indicator.target_source = row.target_source.strip()
        indicator.sort_order = order
        indicator.set_target(row.target_text.strip())
        indicator.initial_target_text = indicator.target_text
        indicator.save()
        saved.append(indicator)
    return saved


@transaction.atomic
def project_targets_save(*, project: Project, rows: Sequence[IndicatorData], actor) -> list[Indicator]:
    """Replace the project's indicator table with ``rows`` (in their order)."""
    project = (
        Project.objects.select_for_update(of=("self",))
        .select_related("budget__unit", "budget__cycle")
        .get(pk=project.pk)
    )
    _require_editor(actor, project.budget.unit)
    if not project_targets_editable(project=project, actor=actor):
        raise BusinessRuleError(
            "targets_locked",
            _("The targets change with the request only while it is a draft or returned; once approved, ask HQ "
              "for a target change in the monitoring form."),
        )  # fmt: skip
    saved = _replace_indicators({"project": project}, rows)
    _event(
        project,
        event_type=EventType.TARGETS_SAVED,
        actor=actor,
        unit=project.budget.unit,
        comment=f"{len(saved)}",
    )
    return saved


@transaction.atomic
def department_target_save(
    *,
    cycle: BudgetCycle,
    unit: Unit,
    overall_goal: str,
    tasks: Sequence[TaskData],
    rows: Sequence[IndicatorData],
    actor,
) -> DepartmentTarget:
    _require_editor(actor, unit)
    if not targets_editable(cycle):
        raise BusinessRuleError(
            "targets_locked", _("The budget is approved: targets can no longer be edited here.")
        )
    target, _created = DepartmentTarget.objects.select_for_update().get_or_create(cycle=cycle, unit=unit)
    target.overall_goal = overall_goal.strip()
    target.save(update_fields=["overall_goal"])
    existing = {t.pk: t for t in target.tasks.all()}
    kept = {t.id for t in tasks if t.id is not None}
    if kept - set(existing):
        raise BusinessRuleError("unknown_task", _("A task of another table was sent."))
    target.tasks.exclude(pk__in=kept).delete()
    for order, data in enumerate(tasks, start=1):
        task = existing[data.id] if data.id is not None else DepartmentTask(department_target=target)
        task.name, task.content = data.name.strip(), data.content.strip()
        task.fiscal_amount, task.other_amount = data.fiscal_amount, data.other_amount
        task.sort_order = order
        task.save()
    _replace_indicators({"department_target": target}, rows)
    _event(target, event_type=EventType.TARGETS_SAVED, actor=actor, unit=target.unit)
    return target


# --- The August checkpoint (DOMAIN §7) -----------------------------------------------------


@transaction.atomic
def monitoring_round_open(*, cycle: BudgetCycle, actor) -> MonitoringRound:
    if not policy.can_run_performance_rounds(actor):
        raise _deny()
    cycle = BudgetCycle.objects.select_for_update().get(pk=cycle.pk)
    round_, created = MonitoringRound.objects.get_or_create(cycle=cycle)
    if created:
        event = events.record(subject=round_, event_type=EventType.MONITORING_OPEN, actor=actor)
        for unit in Unit.objects.filter(budgets__cycle=cycle, is_active=True):
            mail.notify(event=event, roles=(), unit_roles=UNIT_STAFF_ROLES, unit_id=unit.pk,
                        link=reverse("performance:unit", args=[cycle.year, unit.code]),
                        about=str(_("Mid-year monitoring %(year)s is open") % {"year": cycle.year}),
                        state_label=str(_("Please answer the mid-year monitoring of your projects.")))  # fmt: skip
    return round_


@transaction.atomic
def project_monitoring_start(*, round: MonitoringRound, project: Project, actor) -> ProjectMonitoring:
    """The project's monitoring form, created with one line per indicator on first use."""
    _require_editor(actor, project.budget.unit)
    if project.budget.cycle_id != round.cycle_id:
        raise BusinessRuleError("wrong_cycle", _("The project is not part of this monitoring round."))
    monitoring, created = ProjectMonitoring.objects.get_or_create(round=round, project=project)
    if created:
        IndicatorMonitoring.objects.bulk_create(
            IndicatorMonitoring(monitoring=monitoring, indicator=i) for i in project.indicators.all()
        )
        workflow.start(machine=MONITORING, obj=monitoring, actor=actor, event_type=EventType.REPORT_START)
    return monitoring


@dataclass(frozen=True)
class MonitoringLineData:
    actual_value: Decimal | None = None
    progress: str = ""
    actual_note: str = ""
    forecast_value: Decimal | None = None
    deviation_category: str = ""
    deviation_reason: str = ""
    likelihood: str = ""
    corrective_measures: str = ""


@transaction.atomic
def project_monitoring_save(
    *,
    monitoring: ProjectMonitoring,
    actor,
    adjusted_budget: Decimal | None,
    adjusted_budget_source: str,
    expected_spending: Decimal | None,
    remarks: str,
    lines: dict[int, MonitoringLineData],
) -> ProjectMonitoring:
    """Save the answers (by indicator id); saving never checks completeness, submitting does."""
    monitoring = _locked(ProjectMonitoring, monitoring.pk)
    _require_editor(actor, monitoring.project.budget.unit)
    _require_editable(monitoring)
    if adjusted_budget is not None and not adjusted_budget_source.strip():
        raise BusinessRuleError("source_required", _("Name the source of the adjusted budget."))
    monitoring.adjusted_budget = adjusted_budget
    monitoring.adjusted_budget_source = adjusted_budget_source.strip()
    monitoring.expected_spending = expected_spending
    monitoring.remarks = remarks.strip()
    monitoring.save()
    existing = {line.indicator_id: line for line in monitoring.lines.select_related("indicator")}
    missing = [i for i in monitoring.project.indicators.all() if i.pk not in existing]
    for indicator in missing:
        existing[indicator.pk] = IndicatorMonitoring.objects.create(
            monitoring=monitoring, indicator=indicator
        )
    for indicator_id, data in lines.items():
        line = existing.get(indicator_id)
        if line is None:
            raise BusinessRuleError("unknown_indicator", _("An indicator of another project was sent."))
        for name, value in data.__dict__.items():
            setattr(line, name, value.strip() if isinstance(value, str) else value)
        line.save()
    return monitoring


def monitoring_problems(monitoring: ProjectMonitoring) -> list[dict[str, Any]]:
    """What stops the report from being submitted, each with the indicator it concerns."""
    view = monitoring_detail(monitoring)
    problems: list[dict[str, Any]] = []
    if monitoring.expected_spending is None:
        problems.append({"indicator": None, "message": str(_("Give the expected full-year spending."))})
    for row in view.rows:
        target = row.indicator.parsed
        if target.not_applicable:
            continue
        line = row.line
        numeric = target.kind in {"quantitative", "range"}
        if line is None or (numeric and line.actual_value is None) or (not numeric and not line.progress):
            problems.append(
                {
                    "indicator": row.indicator.pk,
                    "message": str(_("%(name)s: give the actual to date.") % {"name": row.indicator.name}),
                }
            )
        elif row.light in BEHIND and not (line.deviation_category and line.deviation_reason.strip()):
            problems.append(
                {
                    "indicator": row.indicator.pk,
                    "message": str(
                        _("%(name)s is behind schedule: give the reason (category and explanation).")
                        % {"name": row.indicator.name}
                    ),
                }
            )
    return problems


def project_monitoring_submit(*, monitoring: ProjectMonitoring, actor) -> ProjectMonitoring:
    workflow.transition(machine=MONITORING, obj=monitoring, action="submit", actor=actor)
    return monitoring


def project_monitoring_approve(
    *, monitoring: ProjectMonitoring, actor, comment: str = ""
) -> ProjectMonitoring:
    workflow.transition(machine=MONITORING, obj=monitoring, action="approve", actor=actor, reason=comment)
    return monitoring


def project_monitoring_return(*, monitoring: ProjectMonitoring, actor, comment: str) -> ProjectMonitoring:
    workflow.transition(machine=MONITORING, obj=monitoring, action="return", actor=actor, reason=comment)
    return monitoring


# --- Target changes ------------------------------------------------------------------------


@transaction.atomic
def target_change_request(*, indicator: Indicator, new_text: str, reason: str, actor) -> TargetChange:
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    if indicator.project_id is None:
        raise BusinessRuleError(
            "not_a_project_indicator", _("Only a project's targets are changed this way.")
        )
    unit = indicator.project.budget.unit
    _require_editor(actor, unit)
    new_text = new_text.strip()
    if not new_text:
        raise BusinessRuleError("target_required", _("Give the new target value."))
    if not reason.strip():
        raise BusinessRuleError("reason_required", _("Give the reason for the change."))
    if new_text == indicator.target_text:
        raise BusinessRuleError("target_unchanged", _("The new target is the current one."))
    if indicator.target_changes.filter(state=ChangeState.REQUESTED).exists():
        raise BusinessRuleError("change_pending", _("A change of this target is already waiting for HQ."))
    change = TargetChange.objects.create(
        indicator=indicator,
        previous_text=indicator.target_text,
        new_text=new_text,
        reason=reason.strip(),
        requested_by=actor,
    )
    workflow.start(machine=TARGET_CHANGE, obj=change, actor=actor, event_type=EventType.TARGET_CHANGE_REQUEST,
                   reason=change.reason, data={"from": change.previous_text, "to": change.new_text})  # fmt: skip
    return change


def target_change_approve(*, change: TargetChange, actor, comment: str = "") -> TargetChange:
    """Approve: the indicator takes the new target; the first one stays in ``initial_target_text``
    and both stay on the change."""
    workflow.transition(machine=TARGET_CHANGE, obj=change, action="approve", actor=actor, reason=comment)
    return change


def target_change_reject(*, change: TargetChange, actor, comment: str) -> TargetChange:
    workflow.transition(machine=TARGET_CHANGE, obj=change, action="reject", actor=actor, reason=comment)
    return change


# --- Spending from the finance system ------------------------------------------------------


class SpendingImportError(BusinessRuleError):
    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(
            "spending_rows_invalid",
            _("%(count)s rows cannot be imported; nothing was imported.") % {"count": len(errors)},
            errors=errors,
        )


@transaction.atomic
def spending_import(*, cycle: BudgetCycle, filename: str, content: bytes, actor) -> SpendingImport:
    """Import monthly spending; all rows or none. A (unit, project, month) already on record takes
    the file's amount, so re-importing a later export of the same months is safe."""
    if not policy.can_run_performance_rounds(actor):
        raise _deny()
    rows = read_rows(filename, content)
    units: dict[str, Unit] = {}
    for unit in Unit.objects.all():
        for name in (unit.code, unit.name, unit.short_name):
            units[name] = unit
    projects = {
        (p.budget.unit_id, p.name): p
        for p in Project.objects.filter(budget__cycle=cycle).select_related("budget")
    }
    errors: list[dict[str, Any]] = []
    parsed: dict[tuple[int, int | None, int], tuple[SpendingRow, Unit, Project | None, Decimal]] = {}
    for row in rows:
        try:
            unit = units.get(row.unit)
            if unit is None:
                raise RowError(_("unknown unit “%(unit)s”") % {"unit": row.unit})
            project = None
            if row.project:
                project = projects.get((unit.pk, row.project))
                if project is None:
                    raise RowError(
                        _("%(unit)s has no project “%(project)s” in %(year)s")
                        % {"unit": unit, "project": row.project, "year": cycle.year}
                    )
            month = parse_month(row.month, cycle.year)
            amount = parse_amount(row.amount)
            key = (unit.pk, project.pk if project else None, month)
            if key in parsed:
                raise RowError(
                    _("the same unit, project and month as row %(row)s") % {"row": parsed[key][0].row}
                )
            parsed[key] = (row, unit, project, amount)
        except RowError as exc:
            errors.append({"row": row.row, "message": str(exc)})
    if errors:
        raise SpendingImportError(errors)
    if not parsed:
        raise BusinessRuleError("spending_file_empty", _("The file has no data rows."))
    batch = SpendingImport.objects.create(
        cycle=cycle, filename=filename[:200], rows=len(parsed), imported_by=actor
    )
    for (_unit_id, _project_id, month), (_row, unit, project, amount) in parsed.items():
        SpendingRecord.objects.update_or_create(
            cycle=cycle, unit=unit, project=project, month=month, defaults={"amount": amount, "source": batch}
        )
    _event(batch, event_type=EventType.SPENDING_IMPORT, actor=actor, unit=None, comment=f"{len(parsed)}")
    return batch


# --- Project self-evaluation (DOMAIN §8) ---------------------------------------------------


@transaction.atomic
def project_evaluation_start(*, project: Project, actor) -> ProjectEvaluation:
    """The project's self-evaluation, pre-filled with the budget the monitoring used and the
    spending imported for the whole year."""
    _require_editor(actor, project.budget.unit)
    evaluation = ProjectEvaluation.objects.filter(project=project).first()
    if evaluation is not None:
        return evaluation
    monitoring = ProjectMonitoring.objects.filter(project=project, adjusted_budget__isnull=False).first()
    if monitoring is not None:
        budget, budget_source = monitoring.adjusted_budget, monitoring.adjusted_budget_source
    else:
        budget, budget_source = project.amount, "预算系统：项目年初预算"
    has_spending = project.spending.exists()
    evaluation = ProjectEvaluation.objects.create(
        project=project,
        adjusted_budget=budget,
        adjusted_budget_source=budget_source,
        spending=project_spending(project=project) if has_spending else None,
        spending_source="财务系统导入：1-12月支出" if has_spending else "",
    )
    IndicatorEvaluation.objects.bulk_create(
        IndicatorEvaluation(evaluation=evaluation, indicator=i) for i in project.indicators.all()
    )
    workflow.start(machine=PROJECT_EVALUATION, obj=evaluation, actor=actor, event_type=EventType.REPORT_START)
    return evaluation


@dataclass(frozen=True)
class EvaluationLineData:
    actual_value: Decimal | None = None
    achievement: str = ""
    band_percent: Decimal | None = None
    not_applicable: bool = False
    deviation_reason: str = ""


@transaction.atomic
def project_evaluation_save(
    *,
    evaluation: ProjectEvaluation,
    actor,
    adjusted_budget: Decimal | None,
    adjusted_budget_source: str,
    spending: Decimal | None,
    spending_source: str,
    summary: str,
    lines: dict[int, EvaluationLineData],
) -> ProjectEvaluation:
    evaluation = _locked(ProjectEvaluation, evaluation.pk)
    _require_editor(actor, evaluation.project.budget.unit)
    _require_editable(evaluation)
    for value, source in ((adjusted_budget, adjusted_budget_source), (spending, spending_source)):
        if value is not None and not source.strip():
            raise BusinessRuleError("source_required", _("Name the source of every figure you enter."))
    evaluation.adjusted_budget, evaluation.adjusted_budget_source = (
        adjusted_budget,
        adjusted_budget_source.strip(),
    )
    evaluation.spending, evaluation.spending_source = spending, spending_source.strip()
    evaluation.summary = summary.strip()
    evaluation.save()
    existing = {line.indicator_id: line for line in evaluation.lines.all()}
    for indicator in evaluation.project.indicators.exclude(pk__in=existing):
        existing[indicator.pk] = IndicatorEvaluation.objects.create(
            evaluation=evaluation, indicator=indicator
        )
    for indicator_id, data in lines.items():
        line = existing.get(indicator_id)
        if line is None:
            raise BusinessRuleError("unknown_indicator", _("An indicator of another project was sent."))
        for name, value in data.__dict__.items():
            setattr(line, name, value.strip() if isinstance(value, str) else value)
        line.save()
    return evaluation


PROBLEM_MESSAGES = {
    "actual_missing": _("%(name)s: give the actual value."),
    "band_missing": _("%(name)s: choose reached, partly or not reached."),
    "share_missing": _("%(name)s: give the share of the points inside the band."),
    "share_outside_band": _("%(name)s: the share is outside the band chosen."),
    "reason_missing": _("%(name)s is below full points: give the deviation reason."),
}


def evaluation_problems(evaluation: ProjectEvaluation) -> list[dict[str, Any]]:
    view = evaluation_detail(evaluation)
    names = {i.pk: i.name for i in view.indicators}
    problems: list[dict[str, Any]] = []
    if view.score.execution_points is None:
        problems.append(
            {"indicator": None, "message": str(_("Give the adjusted budget and the full-year spending."))}
        )
    for score in view.score.indicators:
        if score.problem:
            message = PROBLEM_MESSAGES[score.problem] % {"name": names[score.key]}
            problems.append({"indicator": score.key, "message": str(message)})
    return problems


def project_evaluation_submit(*, evaluation: ProjectEvaluation, actor) -> ProjectEvaluation:
    workflow.transition(machine=PROJECT_EVALUATION, obj=evaluation, action="submit", actor=actor)
    return evaluation


def project_evaluation_approve(
    *, evaluation: ProjectEvaluation, actor, comment: str = ""
) -> ProjectEvaluation:
    workflow.transition(
        machine=PROJECT_EVALUATION, obj=evaluation, action="approve", actor=actor, reason=comment
    )
    return evaluation


def project_evaluation_return(*, evaluation: ProjectEvaluation, actor, comment: str) -> ProjectEvaluation:
    workflow.transition(
        machine=PROJECT_EVALUATION, obj=evaluation, action="return", actor=actor, reason=comment
    )
    return evaluation


# --- Department-wide self-evaluation: the 100-point rubric ---------------------------------


def _clean_inputs(inputs: dict[str, Any]) -> dict[str, Any]:
    """Keep only the shape the rubric reads, every value as text (JSON keeps no Decimal)."""
    figures = {}
    for key, entry in (inputs.get("figures") or {}).items():
        entry = entry if isinstance(entry, dict) else {"value": entry}
        value = entry.get("value")
        figures[key] = {
            "value": value if isinstance(value, bool) or value is None else str(value),
            "source": str(entry.get("source") or "").strip(),
        }
        if entry.get("prefilled"):
            figures[key]["prefilled"] = True

    def points_and_reason(part: str) -> dict[str, dict[str, Any]]:
        return {
            key: {
                "points": None if entry.get("points") in (None, "") else str(entry["points"]),
                "reason": str(entry.get("reason") or "").strip(),
            }
            for key, entry in (inputs.get(part) or {}).items()
            if isinstance(entry, dict)
        }

    return {
        "figures": figures,
        "deductions": points_and_reason("deductions"),
        "checklist": points_and_reason("checklist"),
    }


def _require_scope(*, cycle: BudgetCycle, unit: Unit, scope: list[Unit], actor, evaluation=None) -> None:
    if not policy.can_evaluate_scope(actor, unit, scope):
        raise BusinessRuleError(
            "scope_not_allowed",
            _("This scope cannot be evaluated by this unit: a scope holds the unit itself, and only HQ "
              "may add the special-funds unit."),
        )  # fmt: skip
    taken = list(selectors.scope_taken(cycle=cycle, units=scope, exclude=evaluation))
    if taken:
        raise BusinessRuleError(
            "scope_taken",
            _("%(units)s already belong to another self-evaluation of this year.")
            % {"units": selectors.scope_label(taken)},
        )


@transaction.atomic
def department_evaluation_start(
    *, cycle: BudgetCycle, unit: Unit, actor, scope: list[Unit] | None = None
) -> DepartmentEvaluation:
    """The unit's rubric for its scope (by default ``selectors.default_scope``), pre-filled with
    every figure the application holds for the whole scope."""
    _require_editor(actor, unit)
    existing = DepartmentEvaluation.objects.filter(cycle=cycle, unit=unit).first()
    if existing is not None:
        return existing
    scope = scope if scope is not None else selectors.default_scope(unit)
    _require_scope(cycle=cycle, unit=unit, scope=scope, actor=actor)
    evaluation = DepartmentEvaluation.objects.create(
        cycle=cycle,
        unit=unit,
        inputs={"figures": department_prefill(cycle=cycle, units=scope), "deductions": {}, "checklist": {}},
    )
    evaluation.scope.set(scope)
    workflow.start(
        machine=DEPARTMENT_EVALUATION, obj=evaluation, actor=actor, event_type=EventType.REPORT_START
    )
    return evaluation


@transaction.atomic
def department_evaluation_set_scope(
    *, evaluation: DepartmentEvaluation, scope: list[Unit], actor
) -> DepartmentEvaluation:
    """Change what the evaluation covers. The figures the application pre-filled are pre-filled
    again for the new scope; a figure the evaluator entered or changed is kept as entered."""
    evaluation = _locked(DepartmentEvaluation, evaluation.pk)
    _require_editor(actor, evaluation.unit)
    _require_editable(evaluation)
    _require_scope(
        cycle=evaluation.cycle, unit=evaluation.unit, scope=scope, actor=actor, evaluation=evaluation
    )
    figures = {
        key: entry
        for key, entry in (evaluation.inputs.get("figures") or {}).items()
        if not entry.get("prefilled")
    }
    for key, entry in department_prefill(cycle=evaluation.cycle, units=scope).items():
        figures.setdefault(key, entry)
    evaluation.inputs = {**evaluation.inputs, "figures": figures}
    evaluation.save(update_fields=["inputs"])
    evaluation.scope.set(scope)
    return evaluation


@transaction.atomic
def department_evaluation_save(
    *, evaluation: DepartmentEvaluation, inputs: dict[str, Any], actor
) -> DepartmentEvaluation:
    evaluation = _locked(DepartmentEvaluation, evaluation.pk)
    _require_editor(actor, evaluation.unit)
    _require_editable(evaluation)
    cleaned = _clean_inputs(inputs)
    # A pre-filled figure saved unchanged stays marked as the application's own.
    for key, entry in (evaluation.inputs.get("figures") or {}).items():
        new = cleaned["figures"].get(key)
        if entry.get("prefilled") and new and str(new["value"]) == str(entry.get("value")):
            new["prefilled"] = True
    draft = rubric.score_department(cleaned, partial=True)
    if draft.errors:
        raise rubric.RubricInputError(draft.errors)
    evaluation.inputs = cleaned
    evaluation.save(update_fields=["inputs"])
    return evaluation


def department_problems(evaluation: DepartmentEvaluation) -> dict[str, str]:
    errors: dict[str, str] = {}
    try:
        rubric.score_department(evaluation.inputs)
    except rubric.RubricInputError as exc:
        errors.update(exc.params["errors"])
    for key, entry in (evaluation.inputs.get("figures") or {}).items():
        if entry.get("value") not in (None, "") and not entry.get("source"):
            errors.setdefault(key, str(_("name the source of the figure")))
    return errors


def department_evaluation_submit(*, evaluation: DepartmentEvaluation, actor) -> DepartmentEvaluation:
    workflow.transition(machine=DEPARTMENT_EVALUATION, obj=evaluation, action="submit", actor=actor)
    return evaluation


def department_evaluation_approve(
    *, evaluation: DepartmentEvaluation, actor, comment: str = ""
) -> DepartmentEvaluation:
    workflow.transition(machine=DEPARTMENT_EVALUATION, obj=evaluation, action="approve", actor=actor,
                        reason=comment)  # fmt: skip
    return evaluation


def department_evaluation_return(
    *, evaluation: DepartmentEvaluation, actor, comment: str
) -> DepartmentEvaluation:
    workflow.transition(machine=DEPARTMENT_EVALUATION, obj=evaluation, action="return", actor=actor,
                        reason=comment)  # fmt: skip
    return evaluation


def parse_target_preview(text: str) -> dict[str, Any]:
    """The parsed form of a target as the entry form previews it."""
    parsed = parse_target(text)
    return {
        "kind": parsed.kind,
        "comparator": parsed.comparator,
        "value": None if parsed.value is None else str(parsed.value),
        "upper": None if parsed.upper is None else str(parsed.upper),
        "unit": parsed.unit,
        "deadline": parsed.deadline.isoformat() if parsed.deadline else None,
        "label": parsed.label,
        "direction": parsed.direction,
        "not_applicable": parsed.not_applicable,
        "needs_review": parsed.needs_review,
    }


# The machines (performance/workflow.py), with the completeness checks above as their guards.
MONITORING = monitoring_machine(monitoring_problems)
PROJECT_EVALUATION = project_evaluation_machine(evaluation_problems)
DEPARTMENT_EVALUATION = department_evaluation_machine(department_problems, rubric.RubricInputError)

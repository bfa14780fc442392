"""Writes of the performance app: one function per business action.

Each takes keyword-only arguments, runs in one transaction, locks the row it changes, checks the
state and the actor's right (``approvals.policy``), records a :class:`PerformanceEvent` for each
transition and sends its e-mails only once the transaction has committed. A broken rule raises
the one :class:`~budgets.errors.BusinessRuleError`.

The small state machine of monitoring reports and self-evaluations::

    action    from                 to          who
    submit    draft, returned      submitted   the unit's head
    approve   submitted            approved    HQ reviewer or approver
    return    submitted            returned    HQ reviewer or approver (with a comment)

A target change goes requested → approved (HQ approver only) or rejected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approvals import policy
from approvals.models import Membership
from approvals.roles import Role
from budgets.errors import BusinessRuleError
from budgets.models import BudgetCycle, CycleState, Project, Unit

from . import rubric
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
    PerformanceEvent,
    ProjectEvaluation,
    ProjectMonitoring,
    ReportState,
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

# --- Plumbing ------------------------------------------------------------------------------

TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset(EDITABLE_STATES), ReportState.SUBMITTED),
    "approve": (frozenset({ReportState.SUBMITTED}), ReportState.APPROVED),
    "return": (frozenset({ReportState.SUBMITTED}), ReportState.RETURNED),
}


def _deny() -> BusinessRuleError:
    return BusinessRuleError("not_allowed", _("You may not do this."))


def _event(
    obj: Model, *, action: str, actor, from_state: str = "", to_state: str = "", comment: str = ""
) -> None:
    PerformanceEvent.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        comment=comment,
    )


def _transition(obj: Any, *, action: str, actor, comment: str = "") -> None:
    sources, target = TRANSITIONS[action]
    if obj.state not in sources:
        raise BusinessRuleError(
            "wrong_state",
            _("This cannot be done in state “%(state)s”.") % {"state": obj.get_state_display()},
        )
    if action == "return" and not comment.strip():
        raise BusinessRuleError("comment_required", _("Say what has to be revised."))
    previous = obj.state
    obj.state = target
    obj.save(update_fields=["state"])
    _event(obj, action=action, actor=actor, from_state=previous, to_state=target, comment=comment)


def _emails(*, roles: Sequence[str], unit: Unit | None = None) -> list[str]:
    memberships = Membership.objects.filter(role__in=roles).exclude(user__email="")
    if unit is not None:
        memberships = memberships.filter(unit=unit)
    return sorted(set(memberships.values_list("user__email", flat=True)))


def _notify(*, subject: str, body: str, recipients: list[str]) -> None:
    if recipients:
        transaction.on_commit(lambda: send_mail(subject, body, None, recipients, fail_silently=True))


def _notify_hq(subject: str, body: str) -> None:
    _notify(subject=subject, body=body, recipients=_emails(roles=[Role.HQ_REVIEWER, Role.HQ_APPROVER]))


def _notify_unit(unit: Unit, subject: str, body: str) -> None:
    _notify(
        subject=subject,
        body=body,
        recipients=_emails(roles=[Role.BRANCH_PREPARER, Role.BRANCH_HEAD], unit=unit),
    )


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
    from approvals.workflow import EDITABLE_STATES as REQUEST_EDITABLE

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
        Project.objects.select_for_update().select_related("budget__unit", "budget__cycle").get(pk=project.pk)
    )
    _require_editor(actor, project.budget.unit)
    if not project_targets_editable(project=project, actor=actor):
        raise BusinessRuleError(
            "targets_locked",
            _("The targets change with the request only while it is a draft or returned; once approved, ask HQ "
              "for a target change in the monitoring form."),
        )  # fmt: skip
    saved = _replace_indicators({"project": project}, rows)
    _event(project, action="targets_saved", actor=actor, comment=f"{len(saved)}")
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
    _event(target, action="targets_saved", actor=actor)
    return target


# --- The August checkpoint (DOMAIN §7) -----------------------------------------------------


@transaction.atomic
def monitoring_round_open(*, cycle: BudgetCycle, actor) -> MonitoringRound:
    if not policy.can_run_performance_rounds(actor):
        raise _deny()
    cycle = BudgetCycle.objects.select_for_update().get(pk=cycle.pk)
    round_, created = MonitoringRound.objects.get_or_create(cycle=cycle)
    if created:
        _event(round_, action="open", actor=actor, to_state="open")
        _notify(
            subject=str(_("Mid-year monitoring %(year)s is open") % {"year": cycle.year}),
            body=str(_("Please answer the mid-year monitoring of your projects.")),
            recipients=_emails(roles=[Role.BRANCH_PREPARER, Role.BRANCH_HEAD]),
        )
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
        _event(monitoring, action="start", actor=actor, to_state=monitoring.state)
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


@transaction.atomic
def project_monitoring_submit(*, monitoring: ProjectMonitoring, actor) -> ProjectMonitoring:
    monitoring = _locked(ProjectMonitoring, monitoring.pk)
    unit = monitoring.project.budget.unit
    if not policy.can_submit_unit_performance(actor, unit):
        raise _deny()
    problems = monitoring_problems(monitoring)
    if problems:
        raise BusinessRuleError(
            "monitoring_incomplete", _("The monitoring form cannot be submitted yet."), problems=problems
        )
    _transition(monitoring, action="submit", actor=actor)
    _notify_hq(
        str(_("Monitoring submitted: %(project)s") % {"project": f"{unit} {monitoring.project}"}),
        str(_("A mid-year monitoring report waits for your review.")),
    )
    return monitoring


def _review(model: type[Model], pk: int, *, action: str, actor, comment: str, unit_of) -> Any:
    obj = _locked(model, pk)
    if not policy.can_review_performance(actor):
        raise _deny()
    _transition(obj, action=action, actor=actor, comment=comment)
    unit = unit_of(obj)
    _notify_unit(
        unit, str(_("%(what)s: %(state)s") % {"what": obj, "state": obj.get_state_display()}), comment
    )
    return obj


@transaction.atomic
def project_monitoring_approve(
    *, monitoring: ProjectMonitoring, actor, comment: str = ""
) -> ProjectMonitoring:
    return _review(
        ProjectMonitoring,
        monitoring.pk,
        action="approve",
        actor=actor,
        comment=comment,
        unit_of=_project_unit,
    )


@transaction.atomic
def project_monitoring_return(*, monitoring: ProjectMonitoring, actor, comment: str) -> ProjectMonitoring:
    return _review(
        ProjectMonitoring, monitoring.pk, action="return", actor=actor, comment=comment, unit_of=_project_unit
    )


def _project_unit(obj: Any) -> Unit:
    return obj.project.budget.unit


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
    _event(change, action="request", actor=actor, to_state=change.state, comment=change.reason)
    _notify(
        subject=str(_("Target change requested: %(name)s") % {"name": indicator.name}),
        body=f"{unit} · {indicator.project}: {change.previous_text} → {change.new_text}\n{change.reason}",
        recipients=_emails(roles=[Role.HQ_APPROVER]),
    )
    return change


def _decide(change: TargetChange, *, actor, comment: str, to_state: str) -> TargetChange:
    change = TargetChange.objects.select_for_update().select_related("indicator").get(pk=change.pk)
    if not policy.can_approve_target_change(actor):
        raise _deny()
    if change.state != ChangeState.REQUESTED:
        raise BusinessRuleError("already_decided", _("This change has already been decided."))
    if to_state == ChangeState.REJECTED and not comment.strip():
        raise BusinessRuleError("comment_required", _("Say why the change is rejected."))
    change.state = to_state
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.decision_comment = comment.strip()
    change.save()
    _event(
        change,
        action=to_state,
        actor=actor,
        from_state=ChangeState.REQUESTED,
        to_state=to_state,
        comment=comment,
    )
    if change.requested_by.email:
        _notify(
            subject=str(
                _("Target change %(state)s: %(name)s")
                % {"state": change.get_state_display(), "name": change.indicator.name}
            ),
            body=f"{change.previous_text} → {change.new_text}\n{comment}",
            recipients=[change.requested_by.email],
        )
    return change


@transaction.atomic
def target_change_approve(*, change: TargetChange, actor, comment: str = "") -> TargetChange:
    """Approve: the indicator takes the new target; the first one stays in ``initial_target_text``
    and both stay on the change."""
    change = _decide(change, actor=actor, comment=comment, to_state=ChangeState.APPROVED)
    indicator = Indicator.objects.select_for_update().get(pk=change.indicator_id)
    indicator.set_target(change.new_text)
    indicator.save()
    return change


@transaction.atomic
def target_change_reject(*, change: TargetChange, actor, comment: str) -> TargetChange:
    return _decide(change, actor=actor, comment=comment, to_state=ChangeState.REJECTED)


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
    _event(batch, action="import", actor=actor, comment=f"{len(parsed)}")
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
    _event(evaluation, action="start", actor=actor, to_state=evaluation.state)
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


@transaction.atomic
def project_evaluation_submit(*, evaluation: ProjectEvaluation, actor) -> ProjectEvaluation:
    evaluation = _locked(ProjectEvaluation, evaluation.pk)
    unit = evaluation.project.budget.unit
    if not policy.can_submit_unit_performance(actor, unit):
        raise _deny()
    problems = evaluation_problems(evaluation)
    if problems:
        raise BusinessRuleError(
            "evaluation_incomplete", _("The self-evaluation cannot be submitted yet."), problems=problems
        )
    _transition(evaluation, action="submit", actor=actor)
    _notify_hq(
        str(_("Self-evaluation submitted: %(project)s") % {"project": f"{unit} {evaluation.project}"}),
        str(_("A project self-evaluation waits for your review.")),
    )
    return evaluation


@transaction.atomic
def project_evaluation_approve(
    *, evaluation: ProjectEvaluation, actor, comment: str = ""
) -> ProjectEvaluation:
    return _review(
        ProjectEvaluation,
        evaluation.pk,
        action="approve",
        actor=actor,
        comment=comment,
        unit_of=_project_unit,
    )


@transaction.atomic
def project_evaluation_return(*, evaluation: ProjectEvaluation, actor, comment: str) -> ProjectEvaluation:
    return _review(
        ProjectEvaluation, evaluation.pk, action="return", actor=actor, comment=comment, unit_of=_project_unit
    )


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
    checklist = {
        key: {
            "points": None if entry.get("points") in (None, "") else str(entry["points"]),
            "reason": str(entry.get("reason") or "").strip(),
        }
        for key, entry in (inputs.get("checklist") or {}).items()
        if isinstance(entry, dict)
    }
    return {"figures": figures, "checklist": checklist}


@transaction.atomic
def department_evaluation_start(*, cycle: BudgetCycle, unit: Unit, actor) -> DepartmentEvaluation:
    """The unit's rubric, pre-filled with every figure the application holds."""
    _require_editor(actor, unit)
    evaluation, created = DepartmentEvaluation.objects.get_or_create(
        cycle=cycle,
        unit=unit,
        defaults={"inputs": {"figures": department_prefill(cycle=cycle, unit=unit), "checklist": {}}},
    )
    if created:
        _event(evaluation, action="start", actor=actor, to_state=evaluation.state)
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


@transaction.atomic
def department_evaluation_submit(*, evaluation: DepartmentEvaluation, actor) -> DepartmentEvaluation:
    evaluation = _locked(DepartmentEvaluation, evaluation.pk)
    if not policy.can_submit_unit_performance(actor, evaluation.unit):
        raise _deny()
    errors = department_problems(evaluation)
    if errors:
        raise rubric.RubricInputError(errors)
    _transition(evaluation, action="submit", actor=actor)
    _notify_hq(
        str(_("Department self-evaluation submitted: %(unit)s") % {"unit": evaluation.unit}),
        str(_("A department-wide self-evaluation waits for your review.")),
    )
    return evaluation


@transaction.atomic
def department_evaluation_approve(
    *, evaluation: DepartmentEvaluation, actor, comment: str = ""
) -> DepartmentEvaluation:
    return _review(
        DepartmentEvaluation,
        evaluation.pk,
        action="approve",
        actor=actor,
        comment=comment,
        unit_of=lambda e: e.unit,
    )


@transaction.atomic
def department_evaluation_return(
    *, evaluation: DepartmentEvaluation, actor, comment: str
) -> DepartmentEvaluation:
    return _review(
        DepartmentEvaluation,
        evaluation.pk,
        action="return",
        actor=actor,
        comment=comment,
        unit_of=lambda e: e.unit,
    )


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

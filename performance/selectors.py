"""Reads of the performance app. Lights, spending to date and scores are computed here on read,
with the related rows fetched once."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from budgets.adjustments import budget_amounts, project_adjustment_deltas
from budgets.models import (
    ZERO,
    BasicExpenditureLine,
    BudgetCycle,
    DeadlineKind,
    Project,
    StaffingFact,
    ThreePublicExpense,
    UnitBudget,
    default_deadlines,
)
from core import events
from core.models import Event, Unit, UnitKind

from . import rubric, scoring
from .lights import BEHIND, Light, LightRules, expected_to_date, light, share_of_expected
from .models import (
    TARGET_COLUMNS,
    ChangeState,
    DepartmentEvaluation,
    DepartmentTarget,
    Indicator,
    IndicatorEvaluation,
    IndicatorMonitoring,
    MonitoringRound,
    PerformanceSettings,
    ProjectEvaluation,
    ProjectMonitoring,
    ReportState,
    SpendingRecord,
    TargetChange,
    stored_target,
)
from .rules import TargetProblem, TargetRow, target_problems

# --- Configuration and calendar ------------------------------------------------------------


def settings_for(cycle: BudgetCycle) -> PerformanceSettings:
    try:
        return cycle.performance_settings
    except PerformanceSettings.DoesNotExist:
        return PerformanceSettings.defaults_for(cycle)


def light_rules_for(cycle: BudgetCycle) -> LightRules:
    s = settings_for(cycle)
    return LightRules(
        yellow_from=s.light_yellow_from, green_from=s.light_green_from, blue_from=s.light_blue_from
    )


def weights_for(cycle: BudgetCycle) -> scoring.Weights:
    s = settings_for(cycle)
    return scoring.Weights(
        execution=s.execution_weight,
        output=s.output_weight,
        effect=s.effect_weight,
        satisfaction=s.satisfaction_weight,
    )


@dataclass(frozen=True)
class MonitoringCalendar:
    opens: date
    due: date
    data_as_of: date

    @property
    def month(self) -> int:
        """The month whose end the data describe: July by default."""
        return self.data_as_of.month


def monitoring_calendar(cycle: BudgetCycle) -> MonitoringCalendar:
    """The cycle's own calendar; a date it does not have yet takes the DOMAIN default."""
    dates = default_deadlines(cycle.year) | {d.kind: d.due_date for d in cycle.deadlines.all()}
    return MonitoringCalendar(
        opens=dates[DeadlineKind.MONITORING_OPEN],
        due=dates[DeadlineKind.MONITORING_DUE],
        data_as_of=dates[DeadlineKind.MONITORING_DATA_AS_OF],
    )


def monitoring_round_of(cycle: BudgetCycle) -> MonitoringRound | None:
    return MonitoringRound.objects.filter(cycle=cycle).first()


# --- Targets -------------------------------------------------------------------------------


def indicators_of_project(project: Project) -> QuerySet[Indicator]:
    return project.indicators.order_by("sort_order", "id").prefetch_related(
        Prefetch("target_changes", queryset=TargetChange.objects.select_related("requested_by", "decided_by"))
    )


def target_rows(indicators: list[Indicator], parsed: list | None = None) -> list[TargetRow]:
    """``parsed``: the indicators' parsed targets when the caller has them already."""
    return [
        TargetRow(
            i.level1,
            i.level2,
            i.name,
            i.target_text,
            i.target_source,
            indicator=i.pk,
            position=n,
            parsed=parsed[n] if parsed is not None else i.parsed,
        )
        for n, i in enumerate(indicators)
    ]


def problems_of_project(project: Project) -> list[TargetProblem]:
    return target_problems(target_rows(list(project.indicators.order_by("sort_order", "id"))))


def department_target_detail(*, cycle: BudgetCycle, unit: Unit) -> DepartmentTarget | None:
    return (
        DepartmentTarget.objects.filter(cycle=cycle, unit=unit)
        .select_related("cycle", "unit")
        .prefetch_related(
            "tasks", Prefetch("indicators", queryset=Indicator.objects.order_by("sort_order", "id"))
        )
        .first()
    )


def projects_of_unit(*, cycle: BudgetCycle, unit: Unit) -> QuerySet[Project]:
    return (
        Project.objects.filter(budget__cycle=cycle, budget__unit=unit)
        .select_related("budget__unit", "budget__cycle", "category")
        .order_by("sort_order", "id")
    )


def open_target_changes(units: QuerySet[Unit]) -> QuerySet[TargetChange]:
    return (
        TargetChange.objects.filter(state=ChangeState.REQUESTED, indicator__project__budget__unit__in=units)
        .select_related(
            "indicator__project__budget__unit", "indicator__project__budget__cycle", "requested_by"
        )
        .order_by("requested_at", "id")
    )


# --- Spending ------------------------------------------------------------------------------


def project_spending(*, project: Project, through_month: int = 12) -> Decimal:
    total = SpendingRecord.objects.filter(project=project, month__lte=through_month).aggregate(
        s=Sum("amount")
    )["s"]
    return total or ZERO


def unit_spending_by_month(*, cycle: BudgetCycle, unit: Unit) -> dict[int, Decimal]:
    """All of a unit's spending (basic and projects) per month."""
    return scope_spending_by_month(cycle=cycle, units=[unit])


def scope_spending_by_month(*, cycle: BudgetCycle, units: list[Unit]) -> dict[int, Decimal]:
    """All the spending (basic and projects) of a group of units per month."""
    rows = (
        SpendingRecord.objects.filter(cycle=cycle, unit__in=units)
        .values("month")
        .annotate(s=Sum("amount"))
        .order_by("month")
    )
    return {row["month"]: row["s"] for row in rows}


# --- The August checkpoint -----------------------------------------------------------------


@dataclass
class MonitoringRow:
    indicator: Indicator
    line: IndicatorMonitoring | None
    expected: Decimal | None
    share: Decimal | None
    light: Light | None
    open_change: TargetChange | None = None

    @property
    def behind(self) -> bool:
        return self.light in BEHIND


@dataclass
class MonitoringView:
    """``initial_budget`` is 年初预算 (the amount before approved adjustments); ``recorded_adjusted``
    the project's current amount when the application holds an approved adjustment (else None)."""

    monitoring: ProjectMonitoring
    calendar: MonitoringCalendar
    initial_budget: Decimal
    spending_to_date: Decimal
    rows: list[MonitoringRow] = field(default_factory=list)
    recorded_adjusted: Decimal | None = None

    @property
    def adjusted_budget(self) -> Decimal | None:
        """调整后预算: the application's own figure first, else the one entered with its source."""
        if self.recorded_adjusted is not None:
            return self.recorded_adjusted
        return self.monitoring.adjusted_budget

    @property
    def adjusted_by_application(self) -> bool:
        return self.recorded_adjusted is not None

    @property
    def budget(self) -> Decimal:
        adjusted = self.adjusted_budget
        return adjusted if adjusted is not None else self.initial_budget

    @property
    def execution_rate(self) -> Decimal | None:
        if not self.budget:
            return None
        return (self.spending_to_date / self.budget * 100).quantize(Decimal("0.01"))

    @property
    def lights(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for row in self.rows:
            counts[row.light.value if row.light else "none"] += 1
        return dict(counts)


def monitoring_rows(
    indicators: list[Indicator], lines: dict[int, IndicatorMonitoring], *, month: int, rules: LightRules
) -> list[MonitoringRow]:
    rows = []
    for indicator in indicators:
        line = lines.get(indicator.pk)
        target = indicator.parsed
        actual = line.actual_value if line else None
        open_change = next(
            (c for c in indicator.target_changes.all() if c.state == ChangeState.REQUESTED), None
        )
        rows.append(
            MonitoringRow(
                indicator=indicator,
                line=line,
                expected=expected_to_date(target, month),
                share=share_of_expected(target, actual=actual, month=month),
                light=light(
                    target, actual=actual, progress=line.progress if line else None, month=month, rules=rules
                ),
                open_change=open_change,
            )
        )
    return rows


def monitoring_views(monitorings: list[ProjectMonitoring]) -> list[MonitoringView]:
    """Monitoring reports with their figures to date and lights, in a fixed number of queries
    whatever their number."""
    ids = [m.pk for m in monitorings]
    full = ProjectMonitoring.objects.filter(pk__in=ids).select_related(
        "round__cycle__performance_settings", "project__budget__unit", "project__budget__cycle"
    )
    full = full.prefetch_related(
        "lines",
        "round__cycle__deadlines",
        Prefetch(
            "project__indicators",
            queryset=Indicator.objects.order_by("sort_order", "id").prefetch_related(
                Prefetch(
                    "target_changes",
                    queryset=TargetChange.objects.select_related("requested_by", "decided_by"),
                )
            ),
        ),
    )
    by_pk = {m.pk: m for m in full}
    cycles = {m.round.cycle_id: m.round.cycle for m in by_pk.values()}
    calendars = {pk: monitoring_calendar(cycle) for pk, cycle in cycles.items()}
    rules = {pk: light_rules_for(cycle) for pk, cycle in cycles.items()}
    spent: dict[int, Decimal] = defaultdict(lambda: ZERO)
    months = {m.project_id: calendars[m.round.cycle_id].month for m in by_pk.values()}
    rows = (
        SpendingRecord.objects.filter(project__in=list(months))
        .values("project", "month")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    for row in rows:
        if row["month"] <= months[row["project"]]:
            spent[row["project"]] += row["s"]
    deltas = project_adjustment_deltas(months)
    views = []
    for pk in ids:
        monitoring = by_pk[pk]
        project = monitoring.project
        calendar = calendars[monitoring.round.cycle_id]
        lines = {line.indicator_id: line for line in monitoring.lines.all()}
        views.append(
            MonitoringView(
                monitoring=monitoring,
                calendar=calendar,
                initial_budget=project.amount - deltas.get(project.pk, ZERO),
                recorded_adjusted=project.amount if project.pk in deltas else None,
                spending_to_date=spent[project.pk],
                rows=monitoring_rows(
                    list(project.indicators.all()),
                    lines,
                    month=calendar.month,
                    rules=rules[monitoring.round.cycle_id],
                ),
            )
        )
    return views


def monitoring_detail(monitoring: ProjectMonitoring) -> MonitoringView:
    return monitoring_views([monitoring])[0]


def monitoring_get(pk: int, *, units: QuerySet[Unit]) -> ProjectMonitoring:
    return (
        ProjectMonitoring.objects.select_related(
            "round__cycle", "project__budget__unit", "project__budget__cycle"
        )
        .prefetch_related("lines")
        .get(pk=pk, project__budget__unit__in=units)
    )


@dataclass
class ProjectStatus:
    """One project's line on a unit's performance page."""

    project: Project
    indicator_count: int
    problems: int
    monitoring: ProjectMonitoring | None
    lights: dict[str, int]
    evaluation: ProjectEvaluation | None
    score: scoring.ProjectScore | None


# The columns a unit's page reads, as rows (named tuples), not model instances: the indicators
# (with their stored parsed targets, ``stored_target``) and the monitoring and evaluation lines.
INDICATOR_COLUMNS = ("pk", "project_id", "level1", "level2", "name", "target_source", *TARGET_COLUMNS)
MONITORING_LINE_COLUMNS = ("monitoring_id", "indicator_id", "actual_value", "progress")
EVALUATION_LINE_COLUMNS = ("evaluation_id", "indicator_id", "actual_value", "achievement", "band_percent",
                           "not_applicable", "deviation_reason")  # fmt: skip


def unit_overview(
    *, cycle: BudgetCycle, unit: Unit, projects: list[Project] | None = None
) -> list[ProjectStatus]:
    """Each project of a unit (``projects``: one page of ``projects_of_unit``; all by default)
    with its targets, monitoring and evaluation, in a fixed number of queries whatever the number
    of projects; each target built once from its stored parsed form, the indicators and the lines
    read as rows."""
    if projects is None:
        projects = list(projects_of_unit(cycle=cycle, unit=unit))
    ids = [p.pk for p in projects]
    indicators: dict[int, list[Any]] = defaultdict(list)
    for row in (
        Indicator.objects.filter(project__in=ids)
        .order_by("sort_order", "id")
        .values_list(*INDICATOR_COLUMNS, named=True)
    ):
        indicators[row.project_id].append(row)
    monitorings: dict[int, ProjectMonitoring] = {}
    for report in ProjectMonitoring.objects.filter(round__cycle=cycle, project__in=ids).order_by():
        monitorings.setdefault(report.project_id, report)
    evaluations = {e.project_id: e for e in ProjectEvaluation.objects.filter(project__in=ids).order_by()}
    monitoring_lines: dict[int, dict[int, Any]] = defaultdict(dict)
    for line in (
        IndicatorMonitoring.objects.filter(monitoring__round__cycle=cycle, monitoring__project__in=ids)
        .order_by()
        .values_list(*MONITORING_LINE_COLUMNS, named=True)
    ):
        monitoring_lines[line.monitoring_id][line.indicator_id] = line
    evaluation_lines: dict[int, dict[int, Any]] = defaultdict(dict)
    for line in (
        IndicatorEvaluation.objects.filter(evaluation__project__in=ids)
        .order_by()
        .values_list(*EVALUATION_LINE_COLUMNS, named=True)
    ):
        evaluation_lines[line.evaluation_id][line.indicator_id] = line
    calendar = monitoring_calendar(cycle)
    rules = light_rules_for(cycle)
    weights = weights_for(cycle)
    statuses = []
    for project in projects:
        rows = indicators.get(project.pk, [])
        parsed = [stored_target(row) for row in rows]
        monitoring = monitorings.get(project.pk)
        lights: dict[str, int] = defaultdict(int)
        if monitoring is not None:
            lines = monitoring_lines.get(monitoring.pk, {})
            for row, target in zip(rows, parsed, strict=True):
                line = lines.get(row.pk)
                value = light(
                    target,
                    actual=line.actual_value if line else None,
                    progress=line.progress if line else None,
                    month=calendar.month,
                    rules=rules,
                )
                if value:
                    lights[value.value] += 1
        evaluation = evaluations.get(project.pk)
        score = None
        if evaluation is not None:
            score = _project_score(
                evaluation, rows, weights, lines=evaluation_lines.get(evaluation.pk, {}), parsed=parsed
            )
        statuses.append(
            ProjectStatus(
                project=project,
                indicator_count=len(rows),
                problems=len(target_problems(target_rows(rows, parsed))),
                monitoring=monitoring,
                lights=dict(lights),
                evaluation=evaluation,
                score=score,
            )
        )
    return statuses


@dataclass
class UnitStatus:
    unit: Unit
    projects: int
    monitoring: dict[str, int]
    red: int
    open_changes: int
    evaluation: DepartmentEvaluation | None
    total: Decimal | None


def bureau_overview(*, cycle: BudgetCycle, units: QuerySet[Unit]) -> list[UnitStatus]:
    """Per unit: monitoring reports by state, red lights, open target changes, department score."""
    calendar = monitoring_calendar(cycle)
    rules = light_rules_for(cycle)
    units = list(units.order_by("sort_order", "code"))
    project_counts = dict(
        Project.objects.filter(budget__cycle=cycle, budget__unit__in=units)
        .values_list("budget__unit")
        .annotate(n=Count("id"))
        .order_by()
    )
    states: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for unit_id, state, n in (
        ProjectMonitoring.objects.filter(round__cycle=cycle, project__budget__unit__in=units)
        .values_list("project__budget__unit", "state")
        .annotate(n=Count("id"))
        .order_by()
    ):
        states[unit_id][state] = n
    red: dict[int, int] = defaultdict(int)
    lines = IndicatorMonitoring.objects.filter(
        monitoring__round__cycle=cycle, monitoring__project__budget__unit__in=units
    ).select_related("indicator", "monitoring__project__budget")
    for line in lines:
        value = light(
            line.indicator.parsed,
            actual=line.actual_value,
            progress=line.progress,
            month=calendar.month,
            rules=rules,
        )
        if value == Light.RED:
            red[line.monitoring.project.budget.unit_id] += 1
    changes = dict(
        TargetChange.objects.filter(state=ChangeState.REQUESTED, indicator__project__budget__cycle=cycle)
        .values_list("indicator__project__budget__unit")
        .annotate(n=Count("id"))
        .order_by()
    )
    evaluations = {e.unit_id: e for e in DepartmentEvaluation.objects.filter(cycle=cycle, unit__in=units)}
    result = []
    for unit in units:
        evaluation = evaluations.get(unit.pk)
        result.append(
            UnitStatus(
                unit=unit,
                projects=project_counts.get(unit.pk, 0),
                monitoring=dict(states[unit.pk]),
                red=red[unit.pk],
                open_changes=changes.get(unit.pk, 0),
                evaluation=evaluation,
                total=rubric.score_department(evaluation.inputs, partial=True).total if evaluation else None,
            )
        )
    return result


# --- Self-evaluation -----------------------------------------------------------------------


def _indicator_inputs(
    indicators: list[Indicator], lines: dict[int, IndicatorEvaluation], parsed: list | None = None
) -> list[scoring.IndicatorInput]:
    inputs = []
    for n, indicator in enumerate(indicators):
        line = lines.get(indicator.pk)
        inputs.append(
            scoring.IndicatorInput(
                key=indicator.pk,
                level1=indicator.level1,
                target=parsed[n] if parsed is not None else indicator.parsed,
                actual=line.actual_value if line else None,
                achievement=line.achievement if line else "",
                band_percent=line.band_percent if line else None,
                not_applicable=line.not_applicable if line else False,
                deviation_reason=line.deviation_reason if line else "",
            )
        )
    return inputs


def _project_score(
    evaluation: ProjectEvaluation,
    indicators: list[Indicator],
    weights: scoring.Weights,
    *,
    lines: dict | None = None,
    parsed: list | None = None,
) -> scoring.ProjectScore:
    """``lines``: the evaluation's lines by indicator id, when the caller has read them."""
    if lines is None:
        lines = {line.indicator_id: line for line in evaluation.lines.all()}
    return scoring.score_project(
        weights=weights,
        budget=evaluation.adjusted_budget,
        spending=evaluation.spending,
        indicators=_indicator_inputs(indicators, lines, parsed),
    )


@dataclass
class EvaluationView:
    evaluation: ProjectEvaluation
    indicators: list[Indicator]
    score: scoring.ProjectScore

    def rows(self) -> list[tuple[Indicator, IndicatorEvaluation | None, scoring.IndicatorScore | None]]:
        lines = {line.indicator_id: line for line in self.evaluation.lines.all()}
        scores = {s.key: s for s in self.score.indicators}
        return [(i, lines.get(i.pk), scores.get(i.pk)) for i in self.indicators]


def evaluation_views(evaluations: list[ProjectEvaluation]) -> list[EvaluationView]:
    """Self-evaluations with their scores, in a fixed number of queries whatever their number."""
    ids = [e.pk for e in evaluations]
    full = (
        ProjectEvaluation.objects.filter(pk__in=ids)
        .select_related("project__budget__unit", "project__budget__cycle__performance_settings")
        .prefetch_related(
            "lines",
            Prefetch(
                "project__indicators",
                queryset=Indicator.objects.order_by("sort_order", "id").prefetch_related("target_changes"),
            ),
        )
    )
    by_pk = {e.pk: e for e in full}
    views = []
    for pk in ids:
        evaluation = by_pk[pk]
        indicators = list(evaluation.project.indicators.all())
        weights = weights_for(evaluation.project.budget.cycle)
        views.append(EvaluationView(evaluation, indicators, _project_score(evaluation, indicators, weights)))
    return views


def evaluation_detail(evaluation: ProjectEvaluation) -> EvaluationView:
    return evaluation_views([evaluation])[0]


def evaluation_get(pk: int, *, units: QuerySet[Unit]) -> ProjectEvaluation:
    return (
        ProjectEvaluation.objects.select_related("project__budget__unit", "project__budget__cycle")
        .prefetch_related("lines")
        .get(pk=pk, project__budget__unit__in=units)
    )


def department_evaluation_get(*, cycle: BudgetCycle, unit: Unit) -> DepartmentEvaluation | None:
    return (
        DepartmentEvaluation.objects.filter(cycle=cycle, unit=unit)
        .select_related("cycle", "unit")
        .prefetch_related("scope")
        .first()
    )


def department_score(evaluation: DepartmentEvaluation) -> rubric.DepartmentScore:
    return rubric.score_department(evaluation.inputs, partial=True)


def default_scope(unit: Unit) -> list[Unit]:
    """What a unit's evaluation covers unless the evaluator chooses otherwise: HQ is evaluated
    together with the special-funds units (局本级, DOMAIN §8), every other unit alone."""
    if unit.kind != UnitKind.HQ:
        return [unit]
    return [unit, *Unit.objects.filter(kind=UnitKind.SPECIAL, is_active=True).order_by("sort_order", "code")]


def scope_candidates(unit: Unit) -> list[Unit]:
    """The units a scope of ``unit`` may hold, in order: the unit first (the policy says which
    others may join it)."""
    return [unit, *Unit.objects.filter(is_active=True).exclude(pk=unit.pk).order_by("sort_order", "code")]


def scope_taken(*, cycle: BudgetCycle, units: list[Unit], exclude: DepartmentEvaluation | None = None):
    """The units of ``units`` already in another evaluation's scope this cycle."""
    others = DepartmentEvaluation.objects.filter(cycle=cycle)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    return Unit.objects.filter(evaluated_in__in=others, pk__in=[u.pk for u in units]).distinct()


def scope_label(units: list[Unit]) -> str:
    return "、".join(u.short_name for u in units)


def department_prefill(*, cycle: BudgetCycle, units: list[Unit]) -> dict[str, dict[str, Any]]:
    """The rubric figures the application holds itself for an evaluated scope (one unit or a
    group), each summed over the scope's units and with where it came from.

    The initial budget (年初预算) is the scope's budget before its approved adjustments and the
    adjusted one (调整后预算) its budget as it stands, from ``budgets.adjustments.budget_amounts``:
    the rubric's adjustment rate is the dashboard's. Headcount is the cycle's staffing facts,
    the year-end figures; a unit without staffing facts (the special-funds unit) adds none.
    """
    figures: dict[str, dict[str, Any]] = {}
    where = f"预算系统（{scope_label(units)}）"

    def put(key: str, value: Any, source: str) -> None:
        if rubric.FIGURES[key].kind == "yuan":
            value = Decimal(value).quantize(Decimal("0.01"))
        figures[key] = {"value": str(value), "source": f"{where}：{source}", "prefilled": True}

    budgets = UnitBudget.objects.filter(cycle=cycle, unit__in=units)
    amounts = budget_amounts(budgets)
    if amounts:
        count = sum(a.adjustment_count for a in amounts)
        put("budget_initial", sum(a.initial for a in amounts), "年初预算合计（当前预算减去已批准的调整）")
        put(
            "budget_adjusted",
            sum(a.adjusted for a in amounts),
            f"调整后预算合计（含已批准的预算调整 {count} 笔）",
        )
        put("procurement_planned", sum(a.budget.procurement_total for a in amounts), "政府采购预算")
        public = BasicExpenditureLine.objects.filter(
            budget__in=budgets, economic_code__code__startswith="302"
        ).aggregate(s=Sum("amount"))["s"]
        if public is not None:
            put("public_budget", public, "基本支出302商品和服务支出")
        three = list(ThreePublicExpense.objects.filter(budget__in=budgets, year=cycle.year))
        if three:
            put("three_public_budget", sum(t.total for t in three), "“三公”经费预算")
    staffing = list(StaffingFact.objects.filter(cycle=cycle, unit__in=units))
    if staffing:
        put("headcount_authorised", sum(f.authorised_headcount for f in staffing), "事业编制数")
        put("headcount_actual", sum(f.actual_headcount for f in staffing), "年末实有在编人数")
        put("staff_outsourced", sum(f.outsourced_staff for f in staffing), "年末编外人员")
        # A total over part of the scope would be wrong, not partial: only when every unit with
        # staffing facts gives the figure.
        if all(f.fixed_assets_original_value is not None for f in staffing):
            put("fixed_assets_total", sum(f.fixed_assets_original_value for f in staffing), "固定资产原值")
        if all(f.fixed_assets_in_use_value is not None for f in staffing):
            put("fixed_assets_in_use", sum(f.fixed_assets_in_use_value for f in staffing), "在用固定资产")
    projects = list(
        Project.objects.filter(budget__cycle=cycle, budget__unit__in=units).prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("sort_order", "id"))
        )
    )
    put("projects_planned", len(projects), "本年项目数")
    improper = sum(1 for p in projects if target_problems(target_rows(list(p.indicators.all()))))
    put("projects_without_proper_targets", improper, "绩效目标校验未通过的项目数")
    by_month = scope_spending_by_month(cycle=cycle, units=units)
    if by_month:
        running = ZERO
        for month in range(1, 13):
            running += by_month.get(month, ZERO)
            if month % 3 == 0:
                put(f"spending_q{month // 3}", running, f"财务系统导入的1-{month}月累计支出")
    return figures


def events_of(obj: Any) -> QuerySet[Event]:
    return events.events_of(obj).order_by("created_at", "id")


def reports_waiting_for_review(*, cycle: BudgetCycle) -> dict[str, QuerySet]:
    submitted = Q(state=ReportState.SUBMITTED)
    return {
        "monitoring": ProjectMonitoring.objects.filter(submitted, round__cycle=cycle).select_related(
            "project__budget__unit"
        ),
        "evaluations": ProjectEvaluation.objects.filter(
            submitted, project__budget__cycle=cycle
        ).select_related("project__budget__unit"),
        "departments": DepartmentEvaluation.objects.filter(submitted, cycle=cycle).select_related("unit"),
    }

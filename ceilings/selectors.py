"""Reads of the ceilings app. Totals come from ``budgets.selectors`` (computed from the lines);
what falls within a ceiling from ``ceilings.fill``; every queryset through the one policy."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import F, Sum
from django.utils.translation import gettext_lazy as _

from budgets.models import BasicExpenditureLine, BudgetCycle, Project, StaffingFact, UnitBudget
from budgets.selectors import budgets_with_totals
from budgets.states import LOCKED_STATES
from core.models import Unit, UnitKind
from core.policy import restrict
from performance.models import SpendingRecord

from .fill import ZERO, Fill, Request, fill_to_ceiling, project_limit
from .models import ExpenditureStandard, RequestRank, Round, RoundSnapshot, UnitCeiling
from .standards import WorkingLine, by_economic_code, compute_basic, quantity_of


def budget_of(ceiling: UnitCeiling) -> UnitBudget | None:
    return budgets_with_totals(UnitBudget.objects.filter(cycle=ceiling.cycle, unit=ceiling.unit)).first()


def requests_of(ceiling: UnitCeiling) -> list[Request]:
    """The unit's project requests of the cycle with their priority and whether they are mandated."""
    projects = Project.objects.filter(budget__cycle=ceiling.cycle, budget__unit=ceiling.unit).select_related(
        "category", "rank"
    )
    requests = []
    for project in projects:
        try:
            rank = project.rank
        except RequestRank.DoesNotExist:
            rank = None
        why = ""
        if project.category and project.category.is_reserve:
            why = "reserve"
        elif project.category and project.category.is_carried_over_procurement:
            why = "carried_over"
        elif rank is not None and rank.mandatory:
            why = "marked"
        requests.append(
            Request(
                key=project.pk,
                name=project.name,
                amount=project.amount,
                rank=rank.rank if rank is not None else None,
                mandated=bool(why),
                why_mandated=why,
            )
        )
    return requests


@dataclass(frozen=True)
class CeilingView:
    ceiling: UnitCeiling
    basic_total: Decimal
    fill: Fill


def ceiling_view(ceiling: UnitCeiling, *, total: Decimal | None = None) -> CeilingView:
    """The ceiling's fill now; ``total`` replaces the ceiling's own (a cut scenario)."""
    budget = budget_of(ceiling)
    basic = budget.basic_total if budget is not None else ZERO
    limit = project_limit(
        total=ceiling.total if total is None else total,
        project_ceiling=ceiling.project_ceiling,
        basic_total=basic,
    )
    return CeilingView(ceiling=ceiling, basic_total=basic, fill=fill_to_ceiling(limit, requests_of(ceiling)))


def ceilings_of(user, cycle: BudgetCycle):
    return restrict(UnitCeiling.objects.filter(cycle=cycle), user).select_related("unit", "cycle")


def ceiling_get(user, *, year: int, unit_code: str) -> UnitCeiling:
    """Raises UnitCeiling.DoesNotExist for a ceiling the user may not see (the page answers 404)."""
    return ceilings_of(user, BudgetCycle.objects.get(year=year)).get(unit__code=unit_code)


def ranks_of(ceiling: UnitCeiling) -> dict[int, RequestRank]:
    return {r.project_id: r for r in ceiling.ranks.all()}


def last_year_approved_total(cycle: BudgetCycle, unit: Unit) -> Decimal | None:
    """Last year's approved total: the basic lines of the approved submission plus the approved
    projects (computed from the lines). None when last year's submission is not approved."""
    budget = budgets_with_totals(
        UnitBudget.objects.filter(cycle__year=cycle.year - 1, unit=unit, state__in=LOCKED_STATES)
    ).first()
    if budget is None:
        return None
    projects = budget.projects.filter(state__in=LOCKED_STATES).aggregate(
        s=Sum(F("fiscal_amount") + F("other_amount"))
    )["s"]
    return budget.basic_total + (projects or ZERO)


def rounds_table(ceiling: UnitCeiling) -> list[tuple[str, list]]:
    """Each figure (rows) in the latest snapshot of each round (columns)."""
    latest: dict[str, RoundSnapshot] = {}
    for snap in ceiling.snapshots.all():
        latest[snap.round] = snap
    columns = [latest.get(r.value) for r in Round]
    figures = [
        ("ceiling_total", _("Ceiling")),
        ("basic_total", _("Basic expenditure")),
        ("requested_total", _("Projects requested")),
        ("mandated_total", _("Mandated")),
        ("kept_total", _("Within the ceiling")),
        ("below_total", _("Below the line")),
    ]
    return [
        (label, [getattr(c, name) if c is not None else None for c in columns]) for name, label in figures
    ]


def standards_of(cycle: BudgetCycle):
    return ExpenditureStandard.objects.filter(cycle=cycle).select_related("economic_code", "functional_code")


@dataclass(frozen=True)
class BasicWorking:
    budget: UnitBudget
    staffing: StaffingFact | None
    lines: list[WorkingLine]
    by_code: dict[int, Decimal]
    entered: dict[int, Decimal]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


def entered_by_economic_code(budget: UnitBudget) -> dict[int, Decimal]:
    rows = (
        budget.basic_lines.filter(economic_code__isnull=False)
        .values("economic_code")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    return {row["economic_code"]: row["s"] for row in rows}


def basic_working(budget: UnitBudget) -> BasicWorking:
    staffing = StaffingFact.objects.filter(cycle=budget.cycle, unit=budget.unit).first()
    lines = compute_basic(standards_of(budget.cycle), staffing)
    return BasicWorking(
        budget=budget,
        staffing=staffing,
        lines=lines,
        by_code=by_economic_code(lines),
        entered=entered_by_economic_code(budget),
    )


# --- All-year monitoring: spending against time elapsed ----------------------------------------


@dataclass(frozen=True)
class ExecutionRow:
    label: str
    budget: Decimal
    cumulative: list[Decimal]  # spent to the end of each month 1..as_of

    @property
    def spent(self) -> Decimal:
        return self.cumulative[-1] if self.cumulative else ZERO

    @property
    def rate(self) -> Decimal | None:
        return None if self.budget <= 0 else self.spent / self.budget


def execution_of(budget: UnitBudget) -> tuple[int | None, ExecutionRow, list[tuple[Project, ExecutionRow]]]:
    """The unit's and each project's spending to the end of each month imported (序时进度)."""
    records = SpendingRecord.objects.filter(cycle=budget.cycle, unit=budget.unit)
    as_of = SpendingRecord.objects.filter(cycle=budget.cycle).aggregate(m=models.Max("month"))["m"]
    months = range(1, (as_of or 0) + 1)
    by_project: dict[int | None, dict[int, Decimal]] = {}
    for row in records.values("project", "month").annotate(s=Sum("amount")).order_by():
        by_project.setdefault(row["project"], {})[row["month"]] = row["s"]

    def cumulative(monthly: dict[int, Decimal]) -> list[Decimal]:
        total, out = ZERO, []
        for m in months:
            total += monthly.get(m, ZERO)
            out.append(total)
        return out

    unit_monthly: dict[int, Decimal] = {}
    for monthly in by_project.values():
        for m, amount in monthly.items():
            unit_monthly[m] = unit_monthly.get(m, ZERO) + amount
    unit_row = ExecutionRow(label=budget.unit.name, budget=budget.total, cumulative=cumulative(unit_monthly))
    projects = [
        (p, ExecutionRow(label=p.name, budget=p.amount, cumulative=cumulative(by_project.get(p.pk, {}))))
        for p in budget.projects.order_by("sort_order", "id")
    ]
    return as_of, unit_row, projects


def comparable_standards(cycle: BudgetCycle) -> list[ExpenditureStandard]:
    """The standards a peer view can compare per unit of their basis: those that alone feed
    their economic code (a code fed by several standards cannot be split between them)."""
    standards = list(standards_of(cycle).order_by("economic_code__code", "kind"))
    feeding: dict[int, int] = {}
    for standard in standards:
        feeding[standard.economic_code_id] = feeding.get(standard.economic_code_id, 0) + 1
    return [s for s in standards if feeding[s.economic_code_id] == 1]


def peer_costs_of_standard(
    cycle: BudgetCycle, standard: ExpenditureStandard
) -> list[tuple[Unit, int | None, Decimal]]:
    """Each branch with staffing facts: its quantity of the standard's basis (vehicles for a
    per-vehicle standard; ``None`` when not recorded) and its basic lines of the standard's
    economic code, entered or computed."""
    staffing = {s.unit_id: s for s in StaffingFact.objects.filter(cycle=cycle).select_related("unit")}
    entered = {
        row["budget__unit"]: row["s"]
        for row in BasicExpenditureLine.objects.filter(
            budget__cycle=cycle, economic_code=standard.economic_code_id
        )
        .values("budget__unit")
        .annotate(s=Sum("amount"))
        .order_by()
    }
    return [
        (fact.unit, quantity_of(standard.basis, fact), entered.get(fact.unit_id, ZERO))
        for fact in sorted(staffing.values(), key=lambda f: f.unit.sort_order)
        if fact.unit.kind == UnitKind.BRANCH
    ]


def peer_costs(cycle: BudgetCycle) -> list[tuple[Unit, StaffingFact, Decimal]]:
    """Each branch of the cycle with its staffing and basic expenditure (computed from the lines)."""
    staffing = {s.unit_id: s for s in StaffingFact.objects.filter(cycle=cycle)}
    return [
        (b.unit, staffing[b.unit_id], b.basic_total)
        for b in budgets_with_totals(UnitBudget.objects.filter(cycle=cycle, unit__kind=UnitKind.BRANCH))
        if b.unit_id in staffing
    ]

"""Reads. Every total is computed here from the lines, in the database, never stored."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    DecimalField,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from core.models import Unit

from .models import (
    ZERO,
    BasicExpenditureLine,
    BudgetCycle,
    ProcurementLine,
    Project,
    ThreePublicExpense,
    UnitBudget,
)

_MONEY = DecimalField(max_digits=18, decimal_places=2)

TOTAL_FIELDS = (
    "basic_total",
    "project_total",
    "total",
    "procurement_total",
    "sme_total",
    "small_micro_total",
    "carried_over_total",
)


def _line_sum(model, expression, **filters) -> Coalesce:
    """Sum of ``expression`` over a budget's lines, as a subquery (no join fan-out)."""
    subquery = (
        model.objects.filter(budget=OuterRef("pk"), **filters)
        .order_by()
        .values("budget")
        .annotate(s=Sum(expression, output_field=_MONEY))
        .values("s")
    )
    return Coalesce(Subquery(subquery, output_field=_MONEY), Value(ZERO), output_field=_MONEY)


def budgets_with_totals(
    queryset: QuerySet[UnitBudget] | None = None, *, fields: Iterable[str] = TOTAL_FIELDS
) -> QuerySet[UnitBudget]:
    """Unit budgets with their totals annotated; ``fields``, some of ``TOTAL_FIELDS``, annotates
    only those (``total`` alone reads the basic lines and the projects only)."""
    qs = UnitBudget.objects.all() if queryset is None else queryset
    sums = {
        "basic_total": lambda: _line_sum(BasicExpenditureLine, "amount"),
        "project_total": lambda: _line_sum(Project, F("fiscal_amount") + F("other_amount")),
        "procurement_total": lambda: _line_sum(ProcurementLine, "amount", carried_over=False),
        "sme_total": lambda: _line_sum(ProcurementLine, "sme_amount", carried_over=False),
        "small_micro_total": lambda: _line_sum(ProcurementLine, "small_micro_amount", carried_over=False),
        "carried_over_total": lambda: _line_sum(ProcurementLine, "amount", carried_over=True),
    }
    wanted = set(fields)
    parts = {"basic_total", "project_total"} - wanted if "total" in wanted else set()
    qs = (
        qs.select_related("unit", "cycle")
        .alias(**{name: sums[name]() for name in parts})
        .annotate(**{name: sum_() for name, sum_ in sums.items() if name in wanted})
    )
    if "total" in wanted:
        qs = qs.annotate(total=F("basic_total") + F("project_total"))
    return qs.order_by("unit__sort_order")


def budget_totals(budgets: QuerySet[UnitBudget]) -> dict[int, dict[str, Decimal]]:
    """By budget id: its totals (``TOTAL_FIELDS``), as :func:`budgets_with_totals` computes them."""
    rows = budgets_with_totals(budgets).values_list("pk", *TOTAL_FIELDS)
    return {pk: dict(zip(TOTAL_FIELDS, values, strict=True)) for pk, *values in rows}


def cycle_budgets(cycle: BudgetCycle, totals: dict[int, dict[str, Decimal]]) -> list[UnitBudget]:
    """The cycle's unit budgets in the order of :func:`budgets_with_totals`, their units read
    now, each with its ``totals`` (from :func:`budget_totals`) set as that function annotates them."""
    budgets = list(
        UnitBudget.objects.filter(cycle=cycle).select_related("unit", "cycle").order_by("unit__sort_order")
    )
    for budget in budgets:
        for name, value in totals[budget.pk].items():
            setattr(budget, name, value)
    return budgets


@dataclass
class BureauTotals:
    """The bureau row of 表3: the sum of the unit rows."""

    values: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(TOTAL_FIELDS, ZERO))

    def __getattr__(self, name: str) -> Decimal:
        try:
            return self.values[name]
        except KeyError as exc:
            raise AttributeError(name) from exc


def bureau_totals(budgets: list[UnitBudget]) -> BureauTotals:
    totals = BureauTotals()
    for budget in budgets:
        for name in TOTAL_FIELDS:
            totals.values[name] += getattr(budget, name)
    return totals


def cycle_get(year: int) -> BudgetCycle:
    return BudgetCycle.objects.select_related("procurement_catalogue").get(year=year)


def unit_budget_detail(*, year: int, unit: Unit) -> UnitBudget:
    """One unit's budget with its totals and every line it shows, in a fixed number of queries."""
    qs = budgets_with_totals(UnitBudget.objects.filter(cycle__year=year, unit=unit)).prefetch_related(
        Prefetch(
            "basic_lines",
            queryset=BasicExpenditureLine.objects.select_related(
                "functional_code", "economic_code", "funding_source"
            ),
        ),
        Prefetch(
            "projects",
            queryset=Project.objects.select_related("category", "functional_code", "funding_source")
            .prefetch_related("sub_items")
            .order_by("sort_order", "id"),
        ),
        Prefetch(
            "procurement_lines",
            queryset=ProcurementLine.objects.select_related("item", "project"),
        ),
        Prefetch("three_public", queryset=ThreePublicExpense.objects.order_by("year")),
        "asset_lines",
    )
    return qs.get()


def projects_for_units(units: QuerySet[Unit]) -> QuerySet[Project]:
    return (
        Project.objects.filter(budget__unit__in=units)
        .select_related("budget__unit", "budget__cycle", "category", "functional_code", "funding_source")
        .prefetch_related("sub_items")
        .order_by("budget__cycle__year", "budget__unit__sort_order", "sort_order", "id")
    )

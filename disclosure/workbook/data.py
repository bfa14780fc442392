"""Everything a workbook needs from the database, read once (a fixed number of queries).

The tables are built from these lines only: no figure of the workbook is read from
``PublishedFigure``; every total is the sum of its parts, in yuan, before rounding.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch

from budgets.models import (
    ZERO,
    BasicExpenditureLine,
    BudgetCycle,
    FunctionalCode,
    FundingSource,
    ProcurementItem,
    ProcurementLine,
    Project,
    ProjectFunctionalPart,
    ProjectSubItem,
    ThreePublicExpense,
    UnitBudget,
)
from core.models import Unit

DEFAULT_DEPARTMENT_NAME = "深圳市社会保险基金管理局"


def department_name() -> str:
    return getattr(settings, "BUDGET_DEPARTMENT_NAME", DEFAULT_DEPARTMENT_NAME)


def total(amounts: Iterable[Decimal]) -> Decimal:
    return sum(amounts, ZERO)


@dataclass
class UnitData:
    unit: Unit
    budget: UnitBudget
    basic_lines: list[BasicExpenditureLine]
    projects: list[Project]
    procurement: list[ProcurementLine]
    three_public: dict[int, ThreePublicExpense]
    functional_parts: list[ProjectFunctionalPart] = field(default_factory=list)

    @property
    def basic(self) -> Decimal:
        return total(line.amount for line in self.basic_lines)

    @property
    def project(self) -> Decimal:
        return total(p.amount for p in self.projects)

    @property
    def total(self) -> Decimal:
        return self.basic + self.project

    @property
    def current_procurement(self) -> list[ProcurementLine]:
        return [line for line in self.procurement if not line.carried_over]

    @property
    def procurement_total(self) -> Decimal:
        return total(line.amount for line in self.current_procurement)

    @property
    def sme(self) -> Decimal:
        return total(line.sme_amount for line in self.current_procurement)

    @property
    def sme_other(self) -> Decimal:
        """SMEs other than small and micro enterprises: 2020's 面向中小企业 column, which printed
        the two reservations apart (we store small/micro as a part of the SME reservation)."""
        return self.sme - self.small_micro

    @property
    def small_micro(self) -> Decimal:
        return total(line.small_micro_amount for line in self.current_procurement)

    @property
    def carried_over(self) -> Decimal:
        return total(line.amount for line in self.procurement if line.carried_over)

    def spending(self) -> list[tuple[str | None, str | None, Decimal, str]]:
        """(functional code, funding source code, amount, 'basic' | 'project') of every line; a
        project's sub-item with a functional code of its own carries its part there."""
        rows = [
            (
                line.functional_code.code if line.functional_code else None,
                line.funding_source.code if line.funding_source else None,
                line.amount,
                "basic",
            )
            for line in self.basic_lines
        ]
        return rows + self._project_rows()

    def _project_rows(self) -> list[tuple[str | None, str | None, Decimal, str]]:
        rows = []
        for p in self.projects:
            source = p.funding_source.code if p.funding_source else None
            coded = [s for s in p.sub_items.all() if s.functional_code_id]
            for sub in coded:
                rows.append((sub.functional_code.code, source, sub.amount, "project"))
            rest = p.amount - total(s.amount for s in coded)
            if rest or not coded:
                rows.append((p.functional_code.code if p.functional_code else None, source, rest, "project"))
        return self._move_parts(rows)

    def _move_parts(self, rows):
        """A part of the project spending printed under another code (ProjectFunctionalPart)
        moves there from the code that carries most of the unit's project spending."""
        if not self.functional_parts or not rows:
            return rows
        by_code: dict = defaultdict(lambda: ZERO)
        for code, _source, amount, _kind in rows:
            by_code[code] += amount
        main = max(by_code, key=lambda code: by_code[code])
        source = next(source for code, source, _amount, _kind in rows if code == main)
        for part in self.functional_parts:
            rows.append((main, source, -part.amount, "project"))
            rows.append((part.functional_code.code, source, part.amount, "project"))
        return rows


@dataclass
class CycleData:
    cycle: BudgetCycle
    units: list[UnitData]
    scope: Unit | None
    functional: dict[str, FunctionalCode] = field(default_factory=dict)
    funding: dict[str, FundingSource] = field(default_factory=dict)
    catalogue: dict[str, ProcurementItem] = field(default_factory=dict)

    @property
    def year(self) -> int:
        return self.cycle.year

    @property
    def name(self) -> str:
        """单位名称 printed on every table: the department, or the one unit exported."""
        return self.scope.name if self.scope else department_name()

    @property
    def is_bureau(self) -> bool:
        return self.scope is None

    def sum(self, attribute: str) -> Decimal:
        return total(getattr(u, attribute) for u in self.units)

    def spending(self) -> list[tuple[str | None, str | None, Decimal, str]]:
        return [row for u in self.units for row in u.spending()]

    def by_functional_code(self) -> dict[str | None, dict[str, Decimal]]:
        """Amounts per functional code (None: lines without one) and kind (basic / project)."""
        result: dict[str | None, dict[str, Decimal]] = defaultdict(lambda: {"basic": ZERO, "project": ZERO})
        for code, _source, amount, kind in self.spending():
            result[code][kind] += amount
        return result

    def by_funding_source(self) -> dict[str | None, Decimal]:
        result: dict[str | None, Decimal] = defaultdict(lambda: ZERO)
        for _code, source, amount, _kind in self.spending():
            result[source] += amount
        return result


def cycle_data(*, cycle: BudgetCycle, unit: Unit | None = None) -> CycleData:
    budgets = (
        UnitBudget.objects.filter(cycle=cycle)
        .select_related("unit", "cycle")
        .prefetch_related(
            Prefetch(
                "basic_lines",
                queryset=BasicExpenditureLine.objects.select_related(
                    "functional_code", "economic_code__parent", "funding_source"
                ).order_by("functional_code__code", "economic_code__code", "id"),
            ),
            Prefetch(
                "projects",
                queryset=Project.objects.select_related(
                    "category", "functional_code", "funding_source__parent"
                )
                .prefetch_related(
                    Prefetch("sub_items", queryset=ProjectSubItem.objects.select_related("functional_code"))
                )
                .order_by("sort_order", "id"),
            ),
            Prefetch(
                "procurement_lines",
                queryset=ProcurementLine.objects.select_related("item", "project").order_by(
                    "carried_over", "item__code", "id"
                ),
            ),
            Prefetch("three_public", queryset=ThreePublicExpense.objects.order_by("year")),
            Prefetch(
                "project_functional_parts",
                queryset=ProjectFunctionalPart.objects.select_related("functional_code"),
            ),
        )
        .order_by("unit__sort_order", "unit__code")
    )
    if unit is not None:
        budgets = budgets.filter(unit=unit)
    units = [
        UnitData(
            unit=b.unit,
            budget=b,
            basic_lines=list(b.basic_lines.all()),
            projects=list(b.projects.all()),
            procurement=list(b.procurement_lines.all()),
            three_public={t.year: t for t in b.three_public.all()},
            functional_parts=list(b.project_functional_parts.all()),
        )
        for b in budgets
    ]
    return CycleData(
        cycle=cycle,
        units=units,
        scope=unit,
        functional={c.code: c for c in FunctionalCode.objects.all()},
        funding={f.code: f for f in FundingSource.objects.select_related("parent")},
        catalogue={
            i.code: i for i in ProcurementItem.objects.filter(catalogue_id=cycle.procurement_catalogue_id)
        },
    )

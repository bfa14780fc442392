"""Initial (年初预算) and adjusted (调整后预算) amounts: the one place that derives them. The
initial amount is today's minus the approved adjustments, so nothing is stored twice.

It also holds the registry of the rules an adjustment's amount must keep that belong to
other apps (``register_adjustment_check``): performance, which owns the spending, registers
"not below what is already spent" from its AppConfig.ready. The adjustment machine
(``approvals``) calls :func:`check_adjustment` when an adjustment is asked for, when it is
revised and again when it is approved (spending may have grown in between).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from core.errors import BusinessRuleError

from .checks import Problem
from .models import ZERO, AdjustmentRequest, AdjustmentState, BasicExpenditureLine, Project, UnitBudget
from .selectors import TOTAL_FIELDS, budgets_with_totals


def is_adjustable(item) -> bool:
    """Whether an approved item changes through an adjustment: a project or a basic line (an
    adjustment's ``project`` or ``basic_line``). Anything else of an approved budget (staffing
    facts, procurement, the 三公 figures, sub-items) no longer changes."""
    return isinstance(item, Project | BasicExpenditureLine)


_DELTA = (
    F("adjusted_fiscal_amount")
    + F("adjusted_other_amount")
    - F("original_fiscal_amount")
    - F("original_other_amount")
)


# --- Checks of an adjusted amount, registered by other apps -----------------------------------

AdjustmentCheck = Callable[[Project | BasicExpenditureLine, Decimal], list[Problem]]
_ADJUSTMENT_CHECKS: list[AdjustmentCheck] = []


def register_adjustment_check(check: AdjustmentCheck) -> AdjustmentCheck:
    """Add a rule ``check(item, adjusted_amount) -> problems`` that every adjustment keeps."""
    if check not in _ADJUSTMENT_CHECKS:
        _ADJUSTMENT_CHECKS.append(check)
    return check


def adjustment_problems(item: Project | BasicExpenditureLine, adjusted: Decimal) -> list[Problem]:
    """What the registered rules say of ``item`` at the ``adjusted`` amount (yuan)."""
    return [problem for check in _ADJUSTMENT_CHECKS for problem in check(item, adjusted)]


def check_adjustment(item: Project | BasicExpenditureLine, adjusted: Decimal) -> None:
    """Refuse (the first problem, as a :class:`BusinessRuleError`) an adjusted amount that a
    registered rule does not allow."""
    problems = adjustment_problems(item, adjusted)
    if problems:
        raise BusinessRuleError(problems[0].code, problems[0].message)


def _approved(key: str, **filters) -> QuerySet:
    """The approved adjustments by ``key``, each group's ``delta`` summed."""
    return (
        AdjustmentRequest.objects.filter(state=AdjustmentState.APPROVED, **filters)
        .values(key)
        .annotate(delta=Sum(_DELTA))
        .order_by()
    )


def _approved_deltas(key: str, **filters) -> dict[int, Decimal]:
    return {row[key]: row["delta"] or ZERO for row in _approved(key, **filters)}


def project_adjustment_deltas(project_ids) -> dict[int, Decimal]:
    """By project id: the sum of its approved adjustments' deltas (absent: never adjusted)."""
    return _approved_deltas("project", project__in=list(project_ids))


def initial_amount(item: Project | BasicExpenditureLine) -> Decimal:
    """年初预算 of a project or a basic line: the approved amount before any adjustment."""
    if isinstance(item, Project):
        return item.amount - project_adjustment_deltas([item.pk]).get(item.pk, ZERO)
    delta = _approved_deltas("basic_line", basic_line=item.pk).get(item.pk, ZERO)
    return item.amount - delta


@dataclass
class BudgetAmounts:
    """A unit's budget for the year: initial (年初预算) and adjusted (调整后预算) totals."""

    budget: UnitBudget
    initial: Decimal
    adjusted: Decimal
    adjustment_count: int

    @property
    def delta(self) -> Decimal:
        return self.adjusted - self.initial

    @property
    def rate(self) -> Decimal | None:
        """DOMAIN §8: abs(adjusted - initial) / adjusted."""
        return (abs(self.delta) / self.adjusted) if self.adjusted else None


def budget_amounts(
    budgets: QuerySet[UnitBudget], *, fields: Iterable[str] = TOTAL_FIELDS
) -> list[BudgetAmounts]:
    """Initial and adjusted totals of unit budgets, in two queries whatever their number; each
    ``budget`` carries the totals ``fields`` (``budgets_with_totals``), ``total`` always."""
    rows = list(budgets_with_totals(budgets, fields={"total", *fields}))
    approved = {
        row["budget"]: (row["delta"] or ZERO, row["n"])
        for row in _approved("budget", budget__in=[b.pk for b in rows]).annotate(n=Count("id"))
    }
    amounts = []
    for budget in rows:
        delta, count = approved.get(budget.pk, (ZERO, 0))
        amounts.append(BudgetAmounts(budget, budget.total - delta, budget.total, count))
    return amounts


def with_initial_amounts(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Annotate ``initial_amount`` (as ``initial_amount`` above) in the same query."""
    deltas = (
        AdjustmentRequest.objects.filter(project=OuterRef("pk"), state=AdjustmentState.APPROVED)
        .values("project")
        .annotate(delta=Sum(_DELTA))
        .values("delta")
    )
    money = DecimalField(max_digits=18, decimal_places=2)
    return projects.annotate(
        initial_amount=F("fiscal_amount")
        + F("other_amount")
        - Coalesce(Subquery(deltas, output_field=money), Value(ZERO), output_field=money)
    )

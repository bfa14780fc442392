"""Reads of the approvals app: what waits for whom, an item's history, the HQ dashboard."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, QuerySet, Sum
from django.utils import timezone

from budgets.models import ZERO, BasicExpenditureLine, BudgetCycle, Project, UnitBudget
from budgets.selectors import budgets_with_totals
from budgets.states import NEXT_ACTORS, STAGES, State
from core import policy
from core.models import Event, EventType
from core.roles import Role

from .models import AdjustmentRequest, AdjustmentState


def states_waiting_for(role: Role | None) -> list[State]:
    return [state for state, roles in NEXT_ACTORS.items() if role in roles]


def waiting_projects(user) -> QuerySet[Project]:
    states = states_waiting_for(policy.role_of(user))
    return (
        Project.objects.restrict(user)
        .filter(state__in=states)
        .select_related("budget__unit", "budget__cycle")
        .order_by("state_changed_at")
    )


def waiting_budgets(user) -> QuerySet[UnitBudget]:
    states = states_waiting_for(policy.role_of(user))
    return (
        UnitBudget.objects.restrict(user)
        .filter(state__in=states)
        .select_related("unit", "cycle")
        .order_by("state_changed_at")
    )


def pending_adjustments(user) -> QuerySet[AdjustmentRequest]:
    qs = AdjustmentRequest.objects.restrict(user).filter(state=AdjustmentState.PENDING)
    return qs.select_related("project", "basic_line__functional_code", "budget__unit", "budget__cycle",
                             "requested_by")  # fmt: skip


# --- HQ dashboard ----------------------------------------------------------------------------


@dataclass
class UnitRow:
    unit: object
    budget: UnitBudget
    stage_counts: Counter
    requested: Decimal = ZERO
    approved: Decimal = ZERO


@dataclass
class Dashboard:
    cycle: BudgetCycle
    stages: list[State]
    rows: list[UnitRow]
    waiting: list[tuple[str, int]]
    oldest: Project | UnitBudget | None
    now: datetime


def dashboard(*, cycle: BudgetCycle, user) -> Dashboard:
    budgets = list(UnitBudget.objects.restrict(user).filter(cycle=cycle).select_related("unit"))
    projects = list(
        Project.objects.restrict(user)
        .filter(budget__cycle=cycle)
        .only("id", "budget_id", "state", "state_changed_at", "fiscal_amount", "other_amount", "name")
    )
    requested = defaultdict(lambda: ZERO)
    first_submission = {}  # what the unit first asked HQ for
    for event in Event.objects.filter(
        content_type=ContentType.objects.get_for_model(Project),
        object_id__in=[p.pk for p in projects],
        type=EventType.SIGN_OFF,
    ).order_by("created_at", "id"):
        first_submission.setdefault(event.object_id, event)
    rows = {b.pk: UnitRow(b.unit, b, Counter()) for b in budgets}
    for project in projects:
        row = rows[project.budget_id]
        row.stage_counts[project.state] += 1
        first = first_submission.get(project.pk)
        asked = (
            Decimal(first.data["snapshot"]["fields"]["fiscal_amount"] or 0)
            + Decimal(first.data["snapshot"]["fields"]["other_amount"] or 0)
            if first
            else project.amount
        )
        requested[project.budget_id] += asked
        if project.state in (State.APPROVED, State.PUBLISHED):
            row.approved += project.amount
    for budget_id, amount in requested.items():
        rows[budget_id].requested = amount
    waiting = Counter()
    candidates: list = [p for p in projects if NEXT_ACTORS[State(p.state)]]
    candidates += [b for b in budgets if NEXT_ACTORS[State(b.state)]]
    for item in candidates:
        for role in NEXT_ACTORS[State(item.state)]:
            waiting[role] += 1
    hq_waiting = [
        i for i in candidates if i.state not in (State.DRAFT, State.RETURNED, State.WITH_BRANCH_HEAD)
    ]
    oldest = min(hq_waiting, key=lambda i: i.state_changed_at, default=None)
    ordered = sorted(rows.values(), key=lambda r: r.unit.sort_order)
    return Dashboard(cycle, STAGES, ordered, sorted(waiting.items()), oldest, timezone.now())


# --- Initial (年初预算) and adjusted (调整后预算) amounts ------------------------------------------
#
# The adjusted amount is the item's amount as it stands (approval writes it, approvals/amounts.py).
# The initial amount is never stored: it is today's amount minus the approved adjustments' deltas,
# computed here and nowhere else. The original figures stay on each AdjustmentRequest.

_DELTA = (
    F("adjusted_fiscal_amount")
    + F("adjusted_other_amount")
    - F("original_fiscal_amount")
    - F("original_other_amount")
)


def _approved_deltas(key: str, **filters) -> dict[int, Decimal]:
    rows = (
        AdjustmentRequest.objects.filter(state=AdjustmentState.APPROVED, **filters)
        .values(key)
        .annotate(delta=Sum(_DELTA))
        .order_by()
    )
    return {row[key]: row["delta"] or ZERO for row in rows}


def project_adjustment_deltas(project_ids) -> dict[int, Decimal]:
    """By project id: the sum of its approved adjustments' deltas (absent: never adjusted)."""
    return _approved_deltas("project", project__in=list(project_ids))


def budget_adjustment_deltas(budget_ids) -> dict[int, Decimal]:
    """By unit budget id: the sum of the deltas of every approved adjustment of its items."""
    return _approved_deltas("budget", budget__in=list(budget_ids))


def initial_amount(item: Project | BasicExpenditureLine) -> Decimal:
    """年初预算 of a project or a basic line: the approved amount before any adjustment."""
    if isinstance(item, Project):
        return item.amount - project_adjustment_deltas([item.pk]).get(item.pk, ZERO)
    delta = _approved_deltas("basic_line", basic_line=item.pk).get(item.pk, ZERO)
    return item.amount - delta


def initial_amounts(projects) -> dict[int, Decimal]:
    """``initial_amount`` of many projects in one query, by project id."""
    projects = list(projects)
    deltas = project_adjustment_deltas(p.pk for p in projects)
    return {p.pk: p.amount - deltas.get(p.pk, ZERO) for p in projects}


def is_adjusted(item: Project | BasicExpenditureLine) -> bool:
    return item.adjustments.filter(state=AdjustmentState.APPROVED).exists()


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


def budget_amounts(budgets: QuerySet[UnitBudget]) -> list[BudgetAmounts]:
    """Initial and adjusted totals of unit budgets, in two queries whatever their number."""
    rows = list(budgets_with_totals(budgets))
    deltas = budget_adjustment_deltas(b.pk for b in rows)
    counts = Counter(
        AdjustmentRequest.objects.filter(state=AdjustmentState.APPROVED, budget__in=rows).values_list(
            "budget_id", flat=True
        )
    )
    return [BudgetAmounts(b, b.total - deltas.get(b.pk, ZERO), b.total, counts.get(b.pk, 0)) for b in rows]


def adjustment_rates(*, cycle: BudgetCycle, units) -> tuple[dict, Decimal | None]:
    """DOMAIN §8: abs(adjusted - initial) / adjusted, per unit and bureau-wide (``budget_amounts``)."""
    rates = {}
    total_adjusted = total_delta = ZERO
    for amounts in budget_amounts(UnitBudget.objects.filter(cycle=cycle, unit__in=units)):
        total_adjusted += amounts.adjusted
        total_delta += amounts.delta
        rates[amounts.budget.unit_id] = amounts.rate
    bureau = (abs(total_delta) / total_adjusted) if total_adjusted else None
    return rates, bureau

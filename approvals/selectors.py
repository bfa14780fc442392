"""Reads of the approvals app: what waits for whom, an item's history, the HQ dashboard."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone

from budgets.adjustments import budget_amounts
from budgets.models import (
    ZERO,
    AdjustmentRequest,
    BudgetCycle,
    Project,
    UnitBudget,
)
from budgets.states import NEXT_ACTORS, STAGES, State
from core import policy
from core.models import Event, EventType
from core.roles import Role

from .workflow import ADJUSTMENT_NEXT_ACTORS


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


def waiting_adjustments(user) -> QuerySet[AdjustmentRequest]:
    """The adjustments whose next step is the user's (by role; a unit's staff for their unit
    only), oldest first: the inbox and the admin queue read this."""
    role = policy.role_of(user)
    states = [state for state, roles in ADJUSTMENT_NEXT_ACTORS.items() if role in roles]
    return (
        AdjustmentRequest.objects.restrict(user)
        .filter(state__in=states)
        .select_related(*ADJUSTMENT_RELATED)
        .order_by("state_changed_at", "id")
    )


# What an adjustment's row shows: its unit, year, and what it adjusts, named.
ADJUSTMENT_RELATED = (
    "project",
    "basic_line__functional_code",
    "basic_line__economic_code",
    "basic_line__funding_source",
    "budget__unit",
    "budget__cycle",
    "requested_by",
    "decided_by",
)


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

"""Reads of the approvals app: what waits for whom, an item's history, the HQ dashboard."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, DecimalField, F, OuterRef, QuerySet, Subquery, Sum, Value, When
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone

from budgets.adjustments import budget_amounts
from budgets.consistency import kept
from budgets.models import (
    ZERO,
    AdjustmentRequest,
    BudgetCycle,
    Project,
    UnitBudget,
)
from budgets.states import NEXT_ACTORS, STAGES, State
from core import policy
from core.models import Event, EventType, Unit
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


class Waiting:
    """What waits for a user — projects, unit submissions, adjustments, in that order — as one
    list a ``Paginator`` can page through: its length is three counts and a page is read with at
    most three slices, whatever the number of items waiting."""

    def __init__(self, *querysets: QuerySet) -> None:
        self.querysets = querysets
        self._counts: list[int] | None = None

    def counts(self) -> list[int]:
        if self._counts is None:
            self._counts = [qs.count() for qs in self.querysets]
        return self._counts

    def count(self) -> int:
        return sum(self.counts())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list:
        start, stop = index.start or 0, index.stop
        items: list = []
        offset = 0
        for qs, n in zip(self.querysets, self.counts(), strict=True):
            if stop is not None and offset >= stop:
                break
            lo, hi = max(start - offset, 0), n if stop is None else min(stop - offset, n)
            if lo < hi:
                items += list(qs[lo:hi])
            offset += n
        return items


def waiting_for(user) -> Waiting:
    """The inbox's list: each item carries ``waiting_kind`` (project, budget, adjustment)."""
    return Waiting(
        waiting_projects(user).annotate(waiting_kind=Value("project")).order_by("state_changed_at", "id"),
        waiting_budgets(user).annotate(waiting_kind=Value("budget")).order_by("state_changed_at", "id"),
        waiting_adjustments(user)
        .annotate(waiting_kind=Value("adjustment"))
        .order_by("state_changed_at", "id"),
    )


# --- HQ dashboard ----------------------------------------------------------------------------


@dataclass
class UnitRow:
    unit: object
    budget: UnitBudget
    stage_counts: Counter
    requested: Decimal = ZERO
    approved: Decimal = ZERO

    @property
    def stage_cells(self) -> list:
        """The row's count in each stage (``STAGES``), blank for none: the dashboard's cells."""
        return [self.stage_counts.get(stage) or "" for stage in STAGES]


@dataclass
class Dashboard:
    cycle: BudgetCycle
    stages: list[State]
    rows: list[UnitRow]
    waiting: list[tuple[str, int]]
    oldest: Project | UnitBudget | None
    now: datetime
    rates: dict  # by unit id: its adjustment rate (``adjustment_rates``)
    bureau_rate: Decimal | None


# Items still with their unit: not waiting at HQ.
BRANCH_STATES = (State.DRAFT, State.RETURNED, State.WITH_BRANCH_HEAD)
AT_HQ = [state for state, roles in NEXT_ACTORS.items() if roles and state not in BRANCH_STATES]


# What HQ was first asked for: a project's amounts in the snapshot of its first sign-off (a
# snapshot holds each amount as the text the database printed, "" for none), else its amount.
_MONEY = DecimalField(max_digits=18, decimal_places=2)


def _snapshot_amount(name: str) -> Coalesce:
    text = KT(f"data__snapshot__fields__{name}")
    return Coalesce(Cast(NullIf(text, Value("")), _MONEY), Value(ZERO), output_field=_MONEY)


def _first_asked() -> Subquery:
    """The two amounts of the project's first sign-off snapshot, added (none: no sign-off, or a
    snapshot without either amount)."""
    first_sign_off = Event.objects.filter(
        content_type=ContentType.objects.get_for_model(Project),
        object_id=OuterRef("pk"),
        type=EventType.SIGN_OFF,
    ).order_by("created_at", "id")
    asked = first_sign_off.annotate(
        fiscal=KT("data__snapshot__fields__fiscal_amount"), other=KT("data__snapshot__fields__other_amount")
    ).annotate(
        asked=Case(
            When(fiscal__isnull=True, other__isnull=True, then=Value(None)),
            default=_snapshot_amount("fiscal_amount") + _snapshot_amount("other_amount"),
            output_field=_MONEY,
        )
    )
    return Subquery(asked.values("asked")[:1], output_field=_MONEY)


def _project_figures(cycle: BudgetCycle, projects: QuerySet[Project]) -> tuple[list[tuple], Project | None]:
    """The projects counted and summed in the database, by unit budget and state (a row per stage
    a unit has projects in, whatever their number), and the oldest of them waiting at HQ."""
    projects = projects.filter(budget__cycle=cycle)
    amount = F("fiscal_amount") + F("other_amount")  # Project.amount
    groups = (
        projects.order_by()
        .values("budget_id", "state")
        .annotate(
            n=Count("id"),
            amount=Sum(amount, output_field=_MONEY),
            asked=Sum(Coalesce(_first_asked(), amount, output_field=_MONEY), output_field=_MONEY),
        )
        .values_list("budget_id", "state", "n", "amount", "asked")
    )
    oldest = projects.filter(state__in=AT_HQ).order_by("state_changed_at", "id").first()
    return list(groups), oldest


def _bureau_figures(cycle: BudgetCycle) -> tuple:
    """What the dashboard shows of every unit's projects and adjustments: kept under the cycle's
    stamp (``budgets.consistency.kept``: every save of a project, a line or a unit budget, from
    any process, changes it; a sign-off or an approval is one)."""
    return _project_figures(cycle, Project.objects.all()), adjustment_rates(
        cycle=cycle, units=Unit.objects.all()
    )


def dashboard(*, cycle: BudgetCycle, user) -> Dashboard:
    budgets = list(UnitBudget.objects.restrict(user).filter(cycle=cycle).select_related("unit"))
    if policy.is_bureau_wide(user):  # sees every unit: the figures every HQ user sees, kept
        (groups, oldest_project), (rates, bureau_rate) = kept(
            cycle, "dashboard", lambda: _bureau_figures(cycle)
        )
    else:
        groups, oldest_project = _project_figures(cycle, Project.objects.restrict(user))
        rates, bureau_rate = adjustment_rates(cycle=cycle, units=policy.visible_units(user))
    rows = {b.pk: UnitRow(b.unit, b, Counter()) for b in budgets}
    states: Counter = Counter()
    for budget_id, state, n, amount_sum, asked in groups:
        row = rows[budget_id]
        row.stage_counts[state] += n
        states[state] += n
        row.requested += asked
        if state in (State.APPROVED, State.PUBLISHED):
            row.approved += amount_sum
    states.update(b.state for b in budgets)
    waiting = Counter()
    for state, n in states.items():
        for role in NEXT_ACTORS[State(state)]:
            waiting[role] += n
    candidates: list = [oldest_project] if oldest_project else []
    candidates += [b for b in budgets if b.state in AT_HQ]
    oldest = min(candidates, key=lambda i: i.state_changed_at, default=None)
    ordered = sorted(rows.values(), key=lambda r: r.unit.sort_order)
    return Dashboard(
        cycle, STAGES, ordered, sorted(waiting.items()), oldest, timezone.now(), rates, bureau_rate
    )


# --- Initial (年初预算) and adjusted (调整后预算) amounts ------------------------------------------
#
# The adjusted amount is the item's amount as it stands (approval writes it, approvals/amounts.py).
# The initial amount is never stored: it is today's amount minus the approved adjustments' deltas,
# computed here and nowhere else. The original figures stay on each AdjustmentRequest.


def adjustment_rates(*, cycle: BudgetCycle, units) -> tuple[dict, Decimal | None]:
    """DOMAIN §8: abs(adjusted - initial) / adjusted, per unit and bureau-wide (``budget_amounts``)."""
    rates = {}
    total_adjusted = total_delta = ZERO
    for amounts in budget_amounts(UnitBudget.objects.filter(cycle=cycle, unit__in=units), fields=("total",)):
        total_adjusted += amounts.adjusted
        total_delta += amounts.delta
        rates[amounts.budget.unit_id] = amounts.rate
    bureau = (abs(total_delta) / total_adjusted) if total_adjusted else None
    return rates, bureau

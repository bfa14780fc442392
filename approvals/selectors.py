"""Reads of the approvals app: what waits for whom, an item's history, the HQ dashboard."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone

from budgets.models import ZERO, BudgetCycle, Project, UnitBudget
from budgets.selectors import budgets_with_totals
from budgets.snapshots import diff, snapshot
from budgets.states import AT_HQ, NEXT_ACTORS, STAGES, State
from core import events, policy
from core.models import Event, EventComment, EventType
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


def events_of(item) -> QuerySet[Event]:
    return events.events_of(item).prefetch_related("comments")


def comments_of(item) -> QuerySet[EventComment]:
    return EventComment.objects.filter(
        event__content_type=ContentType.objects.get_for_model(item), event__object_id=item.pk
    ).select_related("author", "event")


def open_comments(item) -> list[EventComment]:
    """The comments of the latest return, which the preparer is answering now."""
    last_return = events_of(item).filter(type=EventType.RETURN).first()
    return list(last_return.comments.all()) if last_return else []


def last_seen_by_hq(item) -> Event | None:
    return events_of(item).filter(type=EventType.SIGN_OFF).first()


HQ_SIDE = AT_HQ


def changes_since_hq_saw(item) -> list:
    """While the unit works on it: what changed since HQ last saw it. Once it is back at HQ:
    what this resubmission changed compared with the submission before."""
    sign_offs = [e for e in events_of(item).filter(type=EventType.SIGN_OFF) if "snapshot" in e.data]
    if item.state in HQ_SIDE:
        if len(sign_offs) < 2:
            return []
        before, after = sign_offs[1].data["snapshot"], sign_offs[0].data["snapshot"]
        return diff(before, after, model=type(item))
    if not sign_offs:
        return []
    return diff(sign_offs[0].data["snapshot"], snapshot(item), model=type(item))


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    what: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def field_history(item) -> list[HistoryEntry]:
    """Every saved change of the item's fields, with before and after (django-simple-history)."""
    records = list(item.history.select_related("history_user").order_by("history_date", "history_id"))
    entries = []
    for previous, record in zip([None, *records], records, strict=False):
        who = str(record.history_user) if record.history_user else "—"
        if previous is None:
            entries.append(HistoryEntry(record.history_date, who, "created"))
            continue
        delta = record.diff_against(previous)
        changes = [
            (str(type(item)._meta.get_field(c.field).verbose_name), str(c.old), str(c.new))
            for c in delta.changes
            if c.field not in ("version", "state_changed_at")
        ]
        if changes:
            entries.append(HistoryEntry(record.history_date, who, "changed", changes))
    return list(reversed(entries))


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
        Project.objects.restrict(user).filter(budget__cycle=cycle).only(
            "id", "budget_id", "state", "state_changed_at", "fiscal_amount", "other_amount", "name"
        )
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


def adjustment_rates(*, cycle: BudgetCycle, units) -> tuple[dict, Decimal | None]:
    """DOMAIN §8: abs(adjusted - initial) / adjusted, per unit and bureau-wide. The initial
    budget is today's minus the approved adjustments, so nothing is stored twice."""
    deltas = defaultdict(lambda: ZERO)
    for adj in AdjustmentRequest.objects.filter(budget__cycle=cycle, state=AdjustmentState.APPROVED):
        deltas[adj.budget_id] += adj.delta
    rates = {}
    total_adjusted = total_delta = ZERO
    for budget in budgets_with_totals(UnitBudget.objects.filter(cycle=cycle, unit__in=units)):
        adjusted = budget.total
        delta = deltas.get(budget.pk, ZERO)
        total_adjusted += adjusted
        total_delta += delta
        rates[budget.unit_id] = (abs(delta) / adjusted) if adjusted else None
    bureau = (abs(total_delta) / total_adjusted) if total_adjusted else None
    return rates, bureau

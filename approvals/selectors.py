"""Reads of the approvals app: what waits for whom, an item's history, the HQ dashboard."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from budgets.models import ZERO, BudgetCycle, Project, UnitBudget

from . import policy
from .models import AdjustmentRequest, AdjustmentState, ReviewComment, WorkflowEvent
from .roles import Role
from .snapshots import diff, snapshot
from .workflow import NEXT_ACTORS, STAGES, Action, State


def states_waiting_for(role: Role | None) -> list[State]:
    return [state for state, roles in NEXT_ACTORS.items() if role in roles]


def waiting_projects(user) -> QuerySet[Project]:
    states = states_waiting_for(policy.role_of(user))
    return (
        Project.objects.filter(state__in=states, budget__unit__in=policy.visible_units(user))
        .select_related("budget__unit", "budget__cycle")
        .order_by("state_changed_at")
    )


def waiting_budgets(user) -> QuerySet[UnitBudget]:
    states = states_waiting_for(policy.role_of(user))
    return (
        UnitBudget.objects.filter(state__in=states, unit__in=policy.visible_units(user))
        .select_related("unit", "cycle")
        .order_by("state_changed_at")
    )


def pending_adjustments(user) -> QuerySet[AdjustmentRequest]:
    qs = AdjustmentRequest.objects.filter(
        state=AdjustmentState.PENDING, budget__unit__in=policy.visible_units(user)
    )
    return qs.select_related("project", "budget__unit", "budget__cycle", "requested_by")


def _scope(item) -> dict:
    if isinstance(item, Project):
        return {"project": item}
    return {"budget": item, "project__isnull": True}


def events_of(item) -> QuerySet[WorkflowEvent]:
    return WorkflowEvent.objects.filter(**_scope(item)).select_related("actor").prefetch_related("comments")


def comments_of(item) -> QuerySet[ReviewComment]:
    return ReviewComment.objects.filter(**_scope(item)).select_related("author", "event")


def open_comments(item) -> list[ReviewComment]:
    """The comments of the latest return, which the preparer is answering now."""
    last_return = events_of(item).filter(action=Action.RETURN).first()
    return list(last_return.comments.all()) if last_return else []


def last_seen_by_hq(item) -> WorkflowEvent | None:
    return events_of(item).filter(action=Action.SIGN_OFF).first()


HQ_SIDE = frozenset({State.SUBMITTED, State.RESUBMITTED, State.UNDER_REVIEW, State.RECOMMENDED})


def changes_since_hq_saw(item) -> list:
    """While the unit works on it: what changed since HQ last saw it. Once it is back at HQ:
    what this resubmission changed compared with the submission before."""
    sign_offs = [e for e in events_of(item).filter(action=Action.SIGN_OFF) if "snapshot" in e.data]
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
    units = policy.visible_units(user)
    budgets = list(UnitBudget.objects.filter(cycle=cycle, unit__in=units).select_related("unit"))
    projects = list(
        Project.objects.filter(budget__cycle=cycle, budget__unit__in=units).only(
            "id", "budget_id", "state", "state_changed_at", "fiscal_amount", "other_amount", "name"
        )
    )
    requested = defaultdict(lambda: ZERO)
    first_submission = {}  # what the unit first asked HQ for
    for event in WorkflowEvent.objects.filter(
        budget__cycle=cycle, action=Action.SIGN_OFF, project__isnull=False
    ).order_by("created_at", "id"):
        first_submission.setdefault(event.project_id, event)
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
    from budgets.selectors import budgets_with_totals

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

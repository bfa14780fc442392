"""A budget cycle and its deadline calendar (DOMAIN §2): starting a year, its calendar from the
template of ``models.default_deadlines``, and what the new year carries over from the last one.

Starting year Y carries, from the cycle of Y-1: a draft budget for every active unit that had one
(or for every active unit when the application holds no Y-1), and each unit's 三公 figures of
Y-1, copied as the new budget's "last year" row (表8 / 表12 print both years). Nothing else is
copied here: projects are new requests (the project library, registered with
``register_cycle_start_hook``, rolls its plans forward), and the prior-year totals the year-over-year text prints are
computed from the Y-1 cycle's own lines (``budgets.selectors``), never stored twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import events, policy
from core.errors import BusinessRuleError
from core.models import EventType, Unit

from .models import (
    BudgetCycle,
    CatalogueVersion,
    CycleDeadline,
    CycleState,
    DeadlineKind,
    DisclosureFormat,
    ThreePublicExpense,
    UnitBudget,
    default_deadlines,
)
from .selectors import budgets_with_totals

THREE_PUBLIC_AMOUNTS = ("abroad", "reception", "vehicle_purchase", "vehicle_operation")


@transaction.atomic
def cycle_deadlines_ensure(*, cycle: BudgetCycle) -> list[CycleDeadline]:
    """Give a cycle the default calendar of DOMAIN §2 for every deadline it does not have yet."""
    existing = set(cycle.deadlines.values_list("kind", flat=True))
    missing = [
        CycleDeadline(cycle=cycle, kind=kind, due_date=due)
        for kind, due in default_deadlines(cycle.year).items()
        if kind not in existing
    ]
    CycleDeadline.objects.bulk_create(missing)
    return list(cycle.deadlines.all())


# --- Starting a cycle (issue #9) ------------------------------------------------------------


@dataclass(frozen=True)
class CycleStartDefaults:
    """What the "new budget cycle" form offers: the year after the latest cycle, that cycle's
    format and catalogue, and the template calendar of the year."""

    year: int
    disclosure_format: str
    procurement_catalogue: CatalogueVersion | None
    deadlines: dict[str, date]


def cycle_start_defaults(*, year: int | None = None) -> CycleStartDefaults:
    latest = BudgetCycle.objects.select_related("procurement_catalogue").order_by("-year").first()
    if year is None:
        year = latest.year + 1 if latest else date.today().year + 1
    return CycleStartDefaults(
        year=year,
        disclosure_format=latest.disclosure_format if latest else DisclosureFormat.F2022,
        procurement_catalogue=latest.procurement_catalogue if latest else CatalogueVersion.objects.last(),
        deadlines=dict(default_deadlines(year)),
    )


def _check_start(*, actor, year: int, disclosure_format: str, deadlines: Mapping[str, date]) -> None:
    if not policy.can_start_cycle(actor):
        raise BusinessRuleError(
            "forbidden", _("Only the HQ approver or an administrator may start a budget cycle.")
        )
    if disclosure_format not in DisclosureFormat.values:
        raise BusinessRuleError(
            "disclosure_format",
            _("Choose the 2020 or the 2022 disclosure format."),
            field="disclosure_format",
        )
    if BudgetCycle.objects.filter(year=year).exists():
        raise BusinessRuleError(
            "cycle_exists", _("The %(year)s budget cycle already exists.") % {"year": year}, field="year"
        )
    labels = dict(DeadlineKind.choices)
    for kind, due in deadlines.items():
        if kind not in labels:
            raise BusinessRuleError("deadline", _("Unknown deadline: %(kind)s.") % {"kind": kind})
        # The cycle runs from the preparation in Y-1 to the self-evaluation in Y+1: a date outside
        # is a typo, or a calendar left over from another year.
        if not year - 1 <= due.year <= year + 1:
            raise BusinessRuleError(
                "deadline",
                _("%(deadline)s: %(date)s is outside the %(year)s cycle (%(first)s to %(last)s).")
                % {"deadline": labels[kind], "date": due.isoformat(), "year": year, "first": year - 1,
                   "last": year + 1},
                field=f"deadline_{kind}",
            )  # fmt: skip


CycleStartHook = Callable[..., object]
_START_HOOKS: list[CycleStartHook] = []


def register_cycle_start_hook(hook: CycleStartHook) -> CycleStartHook:
    """Apps above budgets carry their own things into a new year, in its transaction (the
    project library rolls its three-year plans forward, from its AppConfig.ready)."""
    if hook not in _START_HOOKS:
        _START_HOOKS.append(hook)
    return hook


@transaction.atomic
def cycle_start(
    *,
    actor,
    year: int,
    disclosure_format: str,
    procurement_catalogue: CatalogueVersion,
    deadlines: Mapping[str, date] | None = None,
) -> BudgetCycle:
    """Start fiscal year ``year``: the cycle, its calendar (the template's dates, ``deadlines``
    overriding any of them), a draft budget per unit and last year's 三公 (see the module's
    docstring). All or nothing; one event on the cycle."""
    deadlines = dict(deadlines or {})
    _check_start(actor=actor, year=year, disclosure_format=disclosure_format, deadlines=deadlines)
    try:
        with transaction.atomic():
            cycle = BudgetCycle.objects.create(
                year=year,
                state=CycleState.PREPARATION,
                disclosure_format=disclosure_format,
                procurement_catalogue=procurement_catalogue,
            )
    except IntegrityError:
        # Someone started the same year between the check and the insert.
        raise BusinessRuleError(
            "cycle_exists", _("The %(year)s budget cycle already exists.") % {"year": year}, field="year"
        ) from None
    CycleDeadline.objects.bulk_create(
        CycleDeadline(cycle=cycle, kind=kind, due_date=due) for kind, due in deadlines.items()
    )
    calendar = cycle_deadlines_ensure(cycle=cycle)

    previous = BudgetCycle.objects.filter(year=year - 1).first()
    units = Unit.objects.filter(is_active=True)
    if previous is not None:
        units = units.filter(budgets__cycle=previous)
    budgets = {}
    for unit in units.order_by("sort_order", "code"):
        budget = UnitBudget(cycle=cycle, unit=unit)
        budget._history_user = actor
        budget.save()
        budgets[unit.pk] = budget

    carried = []
    if previous is not None:
        last_year = ThreePublicExpense.objects.filter(
            budget__cycle=previous, budget__unit__in=list(budgets), year=previous.year
        ).select_related("budget")
        for row in last_year:
            copy = ThreePublicExpense(budget=budgets[row.budget.unit_id], year=previous.year)
            for name in THREE_PUBLIC_AMOUNTS:
                setattr(copy, name, getattr(row, name))
            copy._history_user = actor
            copy.save()
            carried.append(copy)

    for hook in _START_HOOKS:
        hook(cycle=cycle, actor=actor)
    events.record(
        subject=cycle,
        event_type=EventType.CYCLE_START,
        actor=actor,
        to_state=cycle.state,
        data={
            "disclosure_format": disclosure_format,
            "procurement_catalogue": procurement_catalogue.code,
            "deadlines": {d.kind: d.due_date.isoformat() for d in calendar},
            "previous_cycle": previous.year if previous else None,
            "unit_budgets": len(budgets),
            "three_public_carried": len(carried),
        },
    )
    return cycle


# --- What a started cycle holds --------------------------------------------------------------


@dataclass(frozen=True)
class CycleUnitRow:
    budget: UnitBudget
    last_year: UnitBudget | None  # annotated with its totals (budgets.selectors)
    three_public_last_year: ThreePublicExpense | None


@dataclass(frozen=True)
class CycleOverview:
    cycle: BudgetCycle
    previous: BudgetCycle | None
    deadlines: list[CycleDeadline]
    rows: list[CycleUnitRow]


def cycle_overview(*, cycle: BudgetCycle) -> CycleOverview:
    """A cycle's calendar and units, with last year's totals and the carried 三公, in five queries."""
    previous = BudgetCycle.objects.filter(year=cycle.year - 1).first()
    last = (
        {b.unit_id: b for b in budgets_with_totals(UnitBudget.objects.filter(cycle=previous))}
        if previous
        else {}
    )
    carried = {
        t.budget_id: t for t in ThreePublicExpense.objects.filter(budget__cycle=cycle, year=cycle.year - 1)
    }
    rows = [
        CycleUnitRow(budget=b, last_year=last.get(b.unit_id), three_public_last_year=carried.get(b.pk))
        for b in UnitBudget.objects.filter(cycle=cycle).select_related("unit").order_by("unit__sort_order")
    ]
    return CycleOverview(
        cycle=cycle,
        previous=previous,
        deadlines=list(cycle.deadlines.order_by("due_date", "kind")),
        rows=rows,
    )

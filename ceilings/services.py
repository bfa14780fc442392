"""Writes of the ceilings app, one function per business action. Rights from ``core.policy``;
rounds only through ``core.workflow.transition``; events in the one log."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from budgets.models import BudgetCycle, Project, UnitBudget
from budgets.services import budget_lines_save
from core import policy
from core.errors import BusinessRuleError
from core.events import record
from core.models import Event, EventType, Unit
from core.workflow import transition

from .fill import apply_rate
from .models import AboveStandardReason, CeilingBasis, RequestRank, Round, UnitCeiling
from .selectors import basic_working, ceiling_view, last_year_approved_total
from .workflow import CEILING

COMPUTED_NOTE = "按支出标准计算"


def _require_hq(actor) -> None:
    if not policy.can_set_ceilings(actor):
        raise BusinessRuleError("forbidden", _("Only HQ's reviewers and approvers set ceilings."))


def _check_first_up(ceiling: UnitCeiling) -> None:
    if ceiling.state != Round.FIRST_UP:
        raise BusinessRuleError(
            "issued",
            _("This ceiling has been issued: change it with a cut scenario or “Change the ceiling”."),
        )


@transaction.atomic
def ceiling_set(*, actor, cycle: BudgetCycle, unit: Unit, total: Decimal, project_ceiling: Decimal | None = None,
                basis: str = CeilingBasis.MANUAL, percent: Decimal | None = None,
                base_amount: Decimal | None = None) -> UnitCeiling:  # fmt: skip
    """HQ sets a unit's ceiling while it is still being drafted (一上)."""
    _require_hq(actor)
    if project_ceiling is not None and project_ceiling > total:
        raise BusinessRuleError("project_above_total", _("The project ceiling cannot exceed the ceiling."))
    ceiling, _created = UnitCeiling.objects.select_for_update().get_or_create(cycle=cycle, unit=unit)
    _check_first_up(ceiling)
    before = None if ceiling.total is None else str(ceiling.total)
    ceiling.total, ceiling.project_ceiling, ceiling.basis = total, project_ceiling, basis
    ceiling.rule_percent, ceiling.base_amount = percent, base_amount
    ceiling.version += 1
    ceiling.save()
    record(subject=ceiling, event_type=EventType.CEILING_SET, actor=actor, unit_id=unit.pk,
           to_state=ceiling.state, data={"before": before, "after": str(total), "basis": basis,
                                          "project_ceiling": None if project_ceiling is None else str(project_ceiling),
                                          "percent": None if percent is None else str(percent)})  # fmt: skip
    return ceiling


@dataclass(frozen=True)
class RuleResult:
    set: list[UnitCeiling]
    skipped: list[Unit]


@transaction.atomic
def ceilings_from_rule(
    *, actor, cycle: BudgetCycle, percent: Decimal, units: Iterable[Unit] | None = None
) -> RuleResult:
    """Each unit's ceiling from last year's approved total and ``percent`` (−4 → 96 %). Units
    without an approved budget last year, or whose ceiling is already issued, are skipped."""
    _require_hq(actor)
    if units is None:
        units = Unit.objects.filter(budgets__cycle=cycle, is_active=True)
    done, skipped = [], []
    for unit in units:
        base = last_year_approved_total(cycle, unit)
        existing = UnitCeiling.objects.filter(cycle=cycle, unit=unit).first()
        if base is None or (existing is not None and existing.state != Round.FIRST_UP):
            skipped.append(unit)
            continue
        done.append(
            ceiling_set(actor=actor, cycle=cycle, unit=unit, total=apply_rate(base, percent),
                        basis=CeilingBasis.RULE, percent=percent, base_amount=base)
        )  # fmt: skip
    return RuleResult(set=done, skipped=skipped)


@dataclass(frozen=True)
class RankInput:
    project_id: int
    rank: int
    mandatory: bool = False
    mandatory_reason: str = ""


@transaction.atomic
def ranking_save(*, actor, ceiling: UnitCeiling, ranks: Iterable[RankInput]) -> None:
    """The unit orders its own requests (1 = first) and marks the mandatory ones, with a reason."""
    ceiling = UnitCeiling.objects.select_for_update().get(pk=ceiling.pk)
    if not policy.can_change(actor, ceiling):
        raise BusinessRuleError(
            "not_editable",
            _("Only the unit's preparer or head ranks its requests, before the ranking is submitted."),
        )
    ranks = list(ranks)
    numbers = [r.rank for r in ranks]
    if any(n < 1 for n in numbers) or len(set(numbers)) != len(numbers):
        raise BusinessRuleError("ranks", _("Give each request a different priority, 1 for the first."))
    projects = set(
        Project.objects.filter(budget__cycle=ceiling.cycle, budget__unit=ceiling.unit).values_list(
            "pk", flat=True
        )
    )
    if any(r.project_id not in projects for r in ranks):
        raise BusinessRuleError("forbidden", _("That project belongs to another budget."))
    if any(r.mandatory and not r.mandatory_reason.strip() for r in ranks):
        raise BusinessRuleError("mandatory_reason", _("Say why a request marked mandatory must be kept."))
    RequestRank.objects.filter(ceiling=ceiling).delete()
    RequestRank.objects.bulk_create(
        [RequestRank(ceiling=ceiling, project_id=r.project_id, rank=r.rank, mandatory=r.mandatory,
                     mandatory_reason=r.mandatory_reason.strip() if r.mandatory else "") for r in ranks]
    )  # fmt: skip
    ceiling.version += 1
    ceiling.save(update_fields=["version"])
    record(subject=ceiling, event_type=EventType.RANKING_SAVED, actor=actor, unit_id=ceiling.unit_id,
           to_state=ceiling.state, data={"ranks": {str(r.project_id): r.rank for r in ranks},
                                          "mandatory": [r.project_id for r in ranks if r.mandatory]})  # fmt: skip


def ceiling_act(*, actor, ceiling: UnitCeiling, action: str, reason: str = "", **params) -> Event:
    return transition(machine=CEILING, obj=ceiling, action=action, actor=actor, reason=reason, **params)


@dataclass(frozen=True)
class ScenarioRow:
    ceiling: UnitCeiling
    new_total: Decimal
    view: object


def scenario(ceilings: Iterable[UnitCeiling], percent: Decimal) -> list[ScenarioRow]:
    """What each ceiling would become with ``percent``, and what would then fall below the line."""
    rows = []
    for ceiling in ceilings:
        if ceiling.total is None:
            continue
        new_total = apply_rate(ceiling.total, percent)
        rows.append(
            ScenarioRow(ceiling=ceiling, new_total=new_total, view=ceiling_view(ceiling, total=new_total))
        )
    return rows


@transaction.atomic
def scenario_apply(*, actor, ceilings: Iterable[UnitCeiling], percent: Decimal) -> list[Event]:
    """HQ applies one scenario: each ceiling in scope moves through the machine (``recut``), all or
    none. Approved ceilings (二下) cannot be changed and make the whole application fail."""
    _require_hq(actor)
    events = []
    for row in scenario(ceilings, percent):
        reason = _("Cut scenario %(percent)s %%") % {"percent": f"{percent:+}"}
        events.append(
            ceiling_act(actor=actor, ceiling=row.ceiling, action="recut", reason=reason, total=row.new_total,
                        percent=percent, basis=CeilingBasis.SCENARIO)
        )  # fmt: skip
    return events


# --- Basic expenditure from the standards ------------------------------------------------------


def basic_compute(*, actor, budget: UnitBudget) -> UnitBudget:
    """Fill the unit's basic lines from the standards: for every economic code a standard feeds,
    the unit's lines of that code are replaced by one line per functional code the standards give
    (their funding source kept), noted as computed. Other lines stay."""
    working = basic_working(budget)
    by_key: dict[tuple, Decimal] = {}
    for line in working.lines:
        if line.recorded:
            key = (line.standard.economic_code, line.standard.functional_code)
            by_key[key] = by_key.get(key, Decimal("0.00")) + line.amount
    covered = {code.pk for code, _functional in by_key}
    existing = list(budget.basic_lines.filter(economic_code__in=covered))
    sources = {line.economic_code_id: line.funding_source for line in existing}
    rows = [{"id": line.pk, "delete": True} for line in existing]
    rows += [
        {"economic_code": code, "functional_code": functional, "funding_source": sources.get(code.pk),
         "amount": amount, "note": COMPUTED_NOTE}
        for (code, functional), amount in by_key.items()
    ]  # fmt: skip
    with transaction.atomic():
        budget = budget_lines_save(budget=budget, actor=actor, version=budget.version, basic_lines=rows)
        record(subject=budget, event_type=EventType.BASIC_COMPUTED, actor=actor, unit_id=budget.unit_id,
               to_state=budget.state, data={"lines": {f"{c.code}/{f.code if f else ''}": str(a)
                                                      for (c, f), a in by_key.items()}})  # fmt: skip
    return budget


@transaction.atomic
def above_standard_reason_save(*, actor, budget: UnitBudget, economic_code, reason: str) -> None:
    """The unit says why a basic expenditure line is above its standard (blank removes it)."""
    if not policy.can_change(actor, budget):
        raise BusinessRuleError("not_editable", _("Only the unit's preparer or head may change a draft."))
    reason = reason.strip()
    if not reason:
        AboveStandardReason.objects.filter(budget=budget, economic_code=economic_code).delete()
        return
    AboveStandardReason.objects.update_or_create(
        budget=budget, economic_code=economic_code, defaults={"reason": reason}
    )

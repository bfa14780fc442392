"""The rounds of a unit's ceiling (一上 → 一下 → 二上 → 二下), as a table of the one engine
(``core.workflow``); ``core.workflow.transition`` is the only code that moves it.

| action  | from                          | to          | who                     | reason |
|---------|-------------------------------|-------------|-------------------------|--------|
| issue   | first_up                      | first_down  | HQ reviewer, approver   |        |
| recut   | first_up, first_down, second_up | first_down | HQ reviewer, approver  | yes    |
| submit  | first_down                    | second_up   | branch head             |        |
| return  | second_up                     | first_down  | HQ reviewer, approver   | yes    |
| approve | second_up                     | second_down | HQ approver             |        |

Every row but ``return`` takes a snapshot of the round it enters (``issue`` also of 一上, the
requests as HQ received them), so that each figure can be compared between rounds.
``recut`` is how a cut scenario is applied: the new ceiling is its parameter ``total``.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budgets.money import format_money
from core.errors import BusinessRuleError
from core.models import EventType
from core.roles import HQ_DECIDER_ROLES, UNIT_STAFF_ROLES, Role
from core.workflow import Machine, Step, Transition, table

from .fill import ZERO
from .models import Round, RoundSnapshot, UnitCeiling
from .selectors import ceiling_view

R = Round


def take_snapshot(ceiling: UnitCeiling, round_: str, *, with_ceiling: bool = True) -> RoundSnapshot:
    """The figures of ``ceiling`` now, as round ``round_``; without the ceiling (一上) everything
    requested counts as asked."""
    view = ceiling_view(ceiling)
    fill = view.fill
    if with_ceiling:
        mandated, kept, below, over = fill.mandated_total, fill.kept_total, fill.below_total, fill.over_by
    else:
        mandated, kept, below, over = ZERO, fill.requested_total, ZERO, ZERO
    return RoundSnapshot.objects.create(
        ceiling=ceiling,
        round=round_,
        ceiling_total=ceiling.total if with_ceiling else None,
        project_ceiling=ceiling.project_ceiling if with_ceiling else None,
        basic_total=view.basic_total,
        requested_total=fill.requested_total,
        mandated_total=mandated,
        kept_total=kept,
        below_total=below,
        over_by=over,
        lines=[
            {
                "project": r.key,
                "name": r.name,
                "amount": str(r.amount),
                "rank": r.rank,
                "mandated": r.why_mandated,
                "kept": is_kept or not with_ceiling,
            }
            for r, is_kept in fill.rows()
        ],
    )


def ceiling_is_set(step: Step) -> None:
    if step.obj.total is None:
        raise BusinessRuleError("no_ceiling", _("Set the ceiling before issuing it."))


def snapshot_issue(step: Step) -> None:
    take_snapshot(step.obj, R.FIRST_UP, with_ceiling=False)
    step.data["ceiling"] = str(step.obj.total)
    take_snapshot(step.obj, R.FIRST_DOWN)


def set_new_total(step: Step) -> None:
    ceiling = step.obj
    total = step.params.get("total")
    if total is None:
        raise BusinessRuleError("no_ceiling", _("Give the new ceiling."))
    step.data["before"] = None if ceiling.total is None else str(ceiling.total)
    step.data["after"] = str(total)
    if step.params.get("percent") is not None:
        step.data["percent"] = str(step.params["percent"])
    ceiling.total = total
    ceiling.basis = step.params.get("basis", ceiling.basis)
    if step.params.get("percent") is not None:
        ceiling.rule_percent = step.params["percent"]
    ceiling.save()
    take_snapshot(ceiling, R.FIRST_DOWN)


def snapshot_submit(step: Step) -> None:
    take_snapshot(step.obj, R.SECOND_UP)


def within_ceiling(step: Step) -> None:
    view = ceiling_view(step.obj)
    if view.fill.over_by > 0:
        raise BusinessRuleError(
            "mandated_over_ceiling",
            _("The mandated items alone exceed the ceiling by %(over)s 万元: raise the ceiling first.")
            % {"over": format_money(view.fill.over_by)},
        )


def snapshot_approve(step: Step) -> None:
    take_snapshot(step.obj, R.SECOND_DOWN)


HQ = HQ_DECIDER_ROLES

CEILING = Machine(
    name="ceiling",
    model=UnitCeiling,
    states=Round,
    transitions=table(
        Transition(
            "issue",
            frozenset({R.FIRST_UP}),
            R.FIRST_DOWN,
            HQ,
            EventType.CEILING_ISSUE,
            label=gettext_lazy("Issue the ceiling (一下)"),
            guards=(ceiling_is_set,),
            effects=(snapshot_issue,),
            notify_unit=UNIT_STAFF_ROLES,
        ),
        Transition(
            "recut",
            frozenset({R.FIRST_UP, R.FIRST_DOWN, R.SECOND_UP}),
            R.FIRST_DOWN,
            HQ,
            EventType.CEILING_RECUT,
            needs_reason=True,
            label=gettext_lazy("Change the ceiling"),
            effects=(set_new_total,),
            notify_unit=UNIT_STAFF_ROLES,
        ),
        Transition(
            "submit",
            frozenset({R.FIRST_DOWN}),
            R.SECOND_UP,
            frozenset({Role.BRANCH_HEAD}),
            EventType.CEILING_SUBMIT,
            label=gettext_lazy("Submit the ranked requests (二上)"),
            effects=(snapshot_submit,),
        ),
        Transition(
            "return",
            frozenset({R.SECOND_UP}),
            R.FIRST_DOWN,
            HQ,
            EventType.CEILING_RETURN,
            needs_reason=True,
            label=gettext_lazy("Return to the unit"),
            notify_unit=UNIT_STAFF_ROLES,
        ),
        Transition(
            "approve",
            frozenset({R.SECOND_UP}),
            R.SECOND_DOWN,
            frozenset({Role.HQ_APPROVER}),
            EventType.CEILING_APPROVE,
            label=gettext_lazy("Approve (二下)"),
            guards=(within_ceiling,),
            effects=(snapshot_approve,),
            notify_unit=UNIT_STAFF_ROLES,
        ),
    ),
    editable_states=frozenset({R.FIRST_UP, R.FIRST_DOWN}),
    next_actors={
        R.FIRST_UP: frozenset(),
        R.FIRST_DOWN: frozenset({Role.BRANCH_HEAD}),
        R.SECOND_UP: HQ,
        R.SECOND_DOWN: frozenset(),
    },
    link=lambda c: reverse("ceilings:unit", args=[c.cycle.year, c.unit.code]),
    describe=lambda c: str(_("Ceiling %(year)s · %(unit)s") % {"year": c.cycle.year, "unit": c.unit.name}),
)

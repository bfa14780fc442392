"""The state machine of a budget adjustment (预算调整), as a table of the one engine.

| action  | from    | to       | who         | reason |
|---------|---------|----------|-------------|--------|
| approve | pending | approved | HQ approver |        |
| reject  | pending | rejected | HQ approver | yes    |

An adjustment is asked for by the unit's staff (``services.adjustment_request``: the machine's
first event); approving it applies the new amounts to the item, under the item's row lock. Its
events are recorded on the item adjusted, so that the item's history tells the whole story.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from budgets.models import AdjustmentRequest, AdjustmentState, BasicExpenditureLine, Project
from budgets.workflow import machine_of
from core.errors import BusinessRuleError
from core.models import EventType
from core.roles import Role
from core.workflow import Machine, Step, decision_table

from .amounts import adjustable_amounts, apply_adjustment

A = AdjustmentState


def _subject(adjustment: AdjustmentRequest):
    return adjustment.project or adjustment.budget


def apply(step: Step) -> None:
    adjustment: AdjustmentRequest = step.obj
    if adjustment.project_id:
        item = Project.objects.select_for_update().get(pk=adjustment.project_id)
    else:
        item = (
            BasicExpenditureLine.objects.select_for_update()
            .select_related("budget")
            .get(pk=adjustment.basic_line_id)
        )
    if sum(adjustable_amounts(item)) != adjustment.original_amount:
        raise BusinessRuleError("conflict", _("The item changed since this adjustment was asked for."))
    apply_adjustment(item=item, adjustment=adjustment, actor=step.actor)
    step.data.update(
        adjustment=adjustment.pk,
        original=str(adjustment.original_amount),
        adjusted=str(adjustment.adjusted_amount),
        of=str(item),
    )


ADJUSTMENT = Machine(
    name="adjustment",
    model=AdjustmentRequest,
    states=AdjustmentState,
    transitions=decision_table(
        pending=A.PENDING,
        approved=A.APPROVED,
        rejected=A.REJECTED,
        approve_event=EventType.ADJUSTMENT_APPROVE,
        reject_event=EventType.ADJUSTMENT_REJECT,
        on_approve=(apply,),
    ),
    editable_states=frozenset(),
    next_actors={A.PENDING: frozenset({Role.HQ_APPROVER}), A.APPROVED: frozenset(), A.REJECTED: frozenset()},
    subject=_subject,
    link=lambda adjustment: machine_of(_subject(adjustment)).link(_subject(adjustment)),
    describe=lambda adjustment: f"{_subject(adjustment)} · {adjustment.subject}",
)

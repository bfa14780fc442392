"""Writes of the review: budget adjustments, through the one engine (``core.workflow``) with the
table of ``approvals/workflow.py``. Moving a submission or a request is ``budgets.services
.item_transition``, the same for pages, the admin and the API."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from budgets.amounts import amount_or_error, sub_item_amounts
from budgets.models import ZERO, AdjustmentRequest, AdjustmentState, BasicExpenditureLine, Project
from core import policy, workflow
from core.errors import BusinessRuleError
from core.models import EventType

from .amounts import adjustable_amounts
from .workflow import ADJUSTMENT

# --- Adjustments (预算调整) -------------------------------------------------------------------


def adjustment_request(*, actor, reason: str, fiscal_amount, other_amount=ZERO, project: Project | None = None,
                       basic_line: BasicExpenditureLine | None = None,
                       sub_items: dict[int, Decimal] | None = None) -> AdjustmentRequest:  # fmt: skip
    """Ask to change an approved project's amounts, or one basic line of an approved unit
    submission. Nothing changes until the HQ approver approves. An itemised project's request
    gives the new amount of each sub-item (``sub_items``: sub-item id → amount), adding up to
    the new amount."""
    fiscal_amount = amount_or_error(fiscal_amount or ZERO)
    other_amount = amount_or_error(other_amount or ZERO)
    with transaction.atomic():
        if project is not None:
            item = (
                Project.objects.select_for_update()
                .select_related("budget__unit", "budget__cycle")
                .get(pk=project.pk)
            )
        else:
            item = (
                BasicExpenditureLine.objects.select_for_update()
                .select_related("budget__unit")
                .get(pk=basic_line.pk)
            )
            other_amount = ZERO
        if not policy.can_request_adjustment(actor, item):
            raise BusinessRuleError(
                "forbidden", _("Only the unit's staff may ask to adjust an approved item.")
            )
        if not reason.strip():
            raise BusinessRuleError("reason_required", _("Give a reason."))
        original_fiscal, original_other = adjustable_amounts(item)
        if fiscal_amount + other_amount == original_fiscal + original_other:
            raise BusinessRuleError("no_change", _("The adjusted amount is the same as the current one."))
        if item.adjustments.filter(state=AdjustmentState.PENDING).exists():
            raise BusinessRuleError("pending", _("This item already has an adjustment waiting for approval."))
        if isinstance(item, Project):
            adjusted_sub_items = sub_item_amounts(item, sub_items, fiscal_amount + other_amount)
        elif sub_items:
            raise BusinessRuleError("sub_items", _("A basic-expenditure line has no sub-items to adjust."))
        else:
            adjusted_sub_items = {}
        adjustment = AdjustmentRequest.objects.create(
            budget_id=item.budget_id,
            project=item if isinstance(item, Project) else None,
            basic_line=None if isinstance(item, Project) else item,
            original_fiscal_amount=original_fiscal,
            original_other_amount=original_other,
            adjusted_fiscal_amount=fiscal_amount,
            adjusted_other_amount=other_amount,
            adjusted_sub_items=adjusted_sub_items,
            reason=reason.strip(),
            requested_by=actor,
        )
        workflow.start(
            machine=ADJUSTMENT,
            obj=adjustment,
            actor=actor,
            event_type=EventType.ADJUSTMENT_REQUEST,
            reason=adjustment.reason,
            data={"adjustment": adjustment.pk, "adjusted": str(adjustment.adjusted_amount), "of": str(item)},
        )
        return adjustment


def adjustment_decide(
    *, adjustment: AdjustmentRequest, actor, approve: bool, comment: str = ""
) -> AdjustmentRequest:
    workflow.transition(
        machine=ADJUSTMENT,
        obj=adjustment,
        action="approve" if approve else "reject",
        actor=actor,
        reason=comment,
    )
    return adjustment

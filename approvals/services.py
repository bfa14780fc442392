"""Writes of the review: budget adjustments, through the one engine (``core.workflow``) with the
table of ``approvals/workflow.py``. Moving a submission or a request is ``budgets.services
.item_transition``, the same for pages, the admin and the API."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from budgets.models import OPEN_ADJUSTMENT_STATES, ZERO, AdjustmentRequest, BasicExpenditureLine, Project
from core import policy, workflow
from core.errors import BusinessRuleError
from core.models import Event, EventType

from .amounts import Proposal, proposal, write_proposal
from .workflow import ADJUSTMENT

# --- Adjustments (预算调整) -------------------------------------------------------------------


def _locked(item: Project | BasicExpenditureLine) -> Project | BasicExpenditureLine:
    if isinstance(item, Project):
        return (
            Project.objects.select_for_update(of=("self",))
            .select_related("budget__unit", "budget__cycle")
            .get(pk=item.pk)
        )
    return (
        BasicExpenditureLine.objects.select_for_update(of=("self",))
        .select_related("budget__unit", "functional_code", "economic_code", "funding_source")
        .get(pk=item.pk)
    )


def adjustment_proposal(*, actor, item: Project | BasicExpenditureLine, reason: str, fiscal_amount,
                        other_amount=ZERO, sub_items: dict | None = None) -> Proposal:  # fmt: skip
    """Check an adjustment as the unit's staff would ask for it, without writing anything: what
    the confirmation page shows (调整前 → 调整后, 差额). The same checks run again when it is asked."""
    if not policy.can_request_adjustment(actor, item):
        raise BusinessRuleError("forbidden", _("Only the unit's staff may ask to adjust an approved item."))
    if item.adjustments.filter(state__in=OPEN_ADJUSTMENT_STATES).exists():
        raise BusinessRuleError("pending", _("This item already has an adjustment on its way."))
    return proposal(item=item, fiscal_amount=fiscal_amount, other_amount=other_amount, sub_items=sub_items,
                    reason=reason)  # fmt: skip


def adjustment_request(*, actor, reason: str, fiscal_amount, other_amount=ZERO, project: Project | None = None,
                       basic_line: BasicExpenditureLine | None = None,
                       sub_items: dict | None = None) -> AdjustmentRequest:  # fmt: skip
    """Ask to change an approved project's amounts, or one basic line of an approved unit
    submission. It goes to the unit's head, then HQ's reviewer, then HQ's approver; nothing
    changes until the approver approves. An itemised project's request gives the new amount of
    each sub-item (``sub_items``: sub-item id → amount), adding up to the new amount."""
    with transaction.atomic():
        item = _locked(project if project is not None else basic_line)
        checked = adjustment_proposal(actor=actor, item=item, reason=reason, fiscal_amount=fiscal_amount,
                                      other_amount=other_amount, sub_items=sub_items)  # fmt: skip
        adjustment = AdjustmentRequest(
            budget_id=item.budget_id,
            project=item if isinstance(item, Project) else None,
            basic_line=None if isinstance(item, Project) else item,
            requested_by=actor,
        )
        write_proposal(adjustment, checked)
        adjustment.save()
        workflow.start(
            machine=ADJUSTMENT,
            obj=adjustment,
            actor=actor,
            event_type=EventType.ADJUSTMENT_REQUEST,
            reason=adjustment.reason,
            data={"adjustment": adjustment.pk, "original": str(adjustment.original_amount),
                  "adjusted": str(adjustment.adjusted_amount), "of": adjustment.subject_label},
        )  # fmt: skip
        return adjustment


def adjustment_revision(*, adjustment: AdjustmentRequest, actor, reason: str, fiscal_amount,
                        other_amount=ZERO, sub_items: dict | None = None) -> Proposal:  # fmt: skip
    """Check the revised amounts of a returned adjustment for the confirmation page (nothing
    written; ``adjustment_transition(action="resubmit", …)`` writes them)."""
    if not any(t.action == "resubmit" for t in ADJUSTMENT.allowed(actor, adjustment)):
        raise BusinessRuleError("forbidden", _("Only the unit's staff may revise a returned adjustment."))
    return proposal(item=adjustment.subject, fiscal_amount=fiscal_amount, other_amount=other_amount,
                    sub_items=sub_items, reason=reason)  # fmt: skip


def adjustment_transition(*, adjustment: AdjustmentRequest, action: str, actor, reason: str = "",
                          **params) -> Event:  # fmt: skip
    """One step of an adjustment (sign off, recommend, return, approve …): pages, the admin
    queue and the API all come here, and the machine decides."""
    return workflow.transition(machine=ADJUSTMENT, obj=adjustment, action=action, actor=actor, reason=reason,
                               **params)  # fmt: skip


def adjustments_transition(*, adjustments, action: str, actor, reason: str = "") -> list[Event]:
    """The admin queue's bulk action: one confirmation, one event per adjustment, all or nothing."""
    with transaction.atomic():
        return [
            adjustment_transition(adjustment=a, action=action, actor=actor, reason=reason)
            for a in adjustments
        ]

"""The state machine of a budget adjustment (预算调整), as a table of the one engine. It takes
the budget's path (DOMAIN §2, §10): the unit asks, its head signs off, HQ's reviewer reviews,
HQ's approver decides.

| action    | from                      | to               | who                   | reason |
|-----------|---------------------------|------------------|-----------------------|--------|
| (request) |                           | with_branch_head | preparer, branch head | yes    |
| sign_off  | with_branch_head          | submitted        | branch head           |        |
| send_back | with_branch_head          | returned         | branch head           | yes    |
| recommend | submitted                 | recommended      | HQ reviewer           |        |
| return    | submitted, recommended    | returned         | HQ reviewer, approver | yes    |
| resubmit  | returned                  | with_branch_head | preparer, branch head | yes    |
| withdraw  | with_branch_head, returned| withdrawn        | preparer, branch head |        |
| approve   | recommended               | approved         | HQ approver           |        |
| reject    | recommended               | rejected         | HQ approver           | yes    |

An adjustment is asked for by the unit's staff (``services.adjustment_request``: the machine's
first event); ``resubmit`` carries the revised amounts. Only ``approve`` changes the item: it
applies the new amounts under the item's row lock. The events are recorded on the item
adjusted, so that the item's history tells the whole story.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budgets.adjustments import check_adjustment
from budgets.models import AdjustmentRequest, AdjustmentState, BasicExpenditureLine, Project
from budgets.workflow import machine_of
from core.errors import BusinessRuleError
from core.models import EventType
from core.roles import HQ_DECIDER_ROLES, UNIT_STAFF_ROLES, Role
from core.workflow import Machine, Step, Transition, record_decision, table

from .amounts import adjustable_amounts, apply_adjustment, proposal, write_proposal

A, R = AdjustmentState, Role


def _subject(adjustment: AdjustmentRequest):
    return adjustment.project or adjustment.budget


def _locked_item(adjustment: AdjustmentRequest) -> Project | BasicExpenditureLine:
    if adjustment.project_id:
        return Project.objects.select_for_update().get(pk=adjustment.project_id)
    return (
        BasicExpenditureLine.objects.select_for_update(of=("self",))
        .select_related("budget", "functional_code", "economic_code", "funding_source")
        .get(pk=adjustment.basic_line_id)
    )


def _amounts_data(adjustment: AdjustmentRequest, step: Step) -> None:
    step.data.update(
        adjustment=adjustment.pk,
        original=str(adjustment.original_amount),
        adjusted=str(adjustment.adjusted_amount),
        of=adjustment.subject_label,
    )


def record_amounts(step: Step) -> None:
    """Every event of an adjustment says which one, of what, and its amounts."""
    _amounts_data(step.obj, step)


def revise(step: Step) -> None:
    """A returned adjustment asked again with revised amounts and reason (``params``), checked
    as a new request is, against the item's amounts now. An amount left out stays as asked
    before (an API call may send only a new reason), never zero."""
    adjustment: AdjustmentRequest = step.obj

    def given(name: str, asked):
        value = step.params.get(name)
        return asked if value is None else value

    checked = proposal(
        item=_locked_item(adjustment),
        fiscal_amount=given("fiscal_amount", adjustment.adjusted_fiscal_amount),
        other_amount=given("other_amount", adjustment.adjusted_other_amount),
        sub_items=given("sub_items", adjustment.adjusted_sub_items or None),
        reason=step.reason,
    )
    write_proposal(adjustment, checked)
    adjustment.decided_by, adjustment.decided_at, adjustment.decision_comment = None, None, ""
    _amounts_data(adjustment, step)


def apply(step: Step) -> None:
    """The final approval: the item's amounts become the adjusted ones, if the registered rules
    still allow them (spending recorded since the adjustment was asked counts)."""
    adjustment: AdjustmentRequest = step.obj
    item = _locked_item(adjustment)
    if sum(adjustable_amounts(item)) != adjustment.original_amount:
        raise BusinessRuleError("conflict", _("The item changed since this adjustment was asked for."))
    check_adjustment(item, adjustment.adjusted_amount)
    apply_adjustment(item=item, adjustment=adjustment, actor=step.actor)
    _amounts_data(adjustment, step)


ADJUSTMENT_TRANSITIONS = table(
    Transition("sign_off", frozenset({A.WITH_BRANCH_HEAD}), A.SUBMITTED, frozenset({R.BRANCH_HEAD}),
               EventType.ADJUSTMENT_SIGN_OFF, label=gettext_lazy("Sign off and submit to HQ"),
               effects=(record_amounts,)),
    Transition("send_back", frozenset({A.WITH_BRANCH_HEAD}), A.RETURNED, frozenset({R.BRANCH_HEAD}),
               EventType.ADJUSTMENT_SEND_BACK, needs_reason=True, label=gettext_lazy("Send back to the preparer"),
               effects=(record_amounts, record_decision), notify_unit=frozenset({R.BRANCH_PREPARER})),
    Transition("recommend", frozenset({A.SUBMITTED}), A.RECOMMENDED, frozenset({R.HQ_REVIEWER}),
               EventType.ADJUSTMENT_RECOMMEND, label=gettext_lazy("Recommend approval"),
               effects=(record_amounts,)),
    Transition("return", frozenset({A.SUBMITTED, A.RECOMMENDED}), A.RETURNED, HQ_DECIDER_ROLES,
               EventType.ADJUSTMENT_RETURN, needs_reason=True, label=gettext_lazy("Return for revision"),
               effects=(record_amounts, record_decision)),
    Transition("resubmit", frozenset({A.RETURNED}), A.WITH_BRANCH_HEAD, UNIT_STAFF_ROLES,
               EventType.ADJUSTMENT_RESUBMIT, needs_reason=True, label=gettext_lazy("Revise and ask again"),
               effects=(revise,)),
    Transition("withdraw", frozenset({A.WITH_BRANCH_HEAD, A.RETURNED}), A.WITHDRAWN, UNIT_STAFF_ROLES,
               EventType.ADJUSTMENT_WITHDRAW, label=gettext_lazy("Withdraw"), effects=(record_amounts,)),
    Transition("approve", frozenset({A.RECOMMENDED}), A.APPROVED, frozenset({R.HQ_APPROVER}),
               EventType.ADJUSTMENT_APPROVE, label=gettext_lazy("Approve"), effects=(apply, record_decision),
               notify_unit=UNIT_STAFF_ROLES),
    Transition("reject", frozenset({A.RECOMMENDED}), A.REJECTED, frozenset({R.HQ_APPROVER}),
               EventType.ADJUSTMENT_REJECT, needs_reason=True, label=gettext_lazy("Reject"),
               effects=(record_amounts, record_decision), notify_unit=UNIT_STAFF_ROLES),
)  # fmt: skip

# Who must act next, by state: the inbox, the queues and the emails read this.
ADJUSTMENT_NEXT_ACTORS: dict[str, frozenset[Role]] = {
    A.WITH_BRANCH_HEAD: frozenset({R.BRANCH_HEAD}),
    A.SUBMITTED: frozenset({R.HQ_REVIEWER}),
    A.RECOMMENDED: frozenset({R.HQ_APPROVER}),
    A.RETURNED: UNIT_STAFF_ROLES,
    A.APPROVED: frozenset(),
    A.REJECTED: frozenset(),
    A.WITHDRAWN: frozenset(),
}

ADJUSTMENT = Machine(
    name="adjustment",
    model=AdjustmentRequest,
    states=AdjustmentState,
    transitions=ADJUSTMENT_TRANSITIONS,
    editable_states=frozenset(),
    next_actors=ADJUSTMENT_NEXT_ACTORS,
    subject=_subject,
    link=lambda adjustment: machine_of(_subject(adjustment)).link(_subject(adjustment)),
    describe=lambda adjustment: f"{_subject(adjustment)} · {adjustment.subject_label}",
)

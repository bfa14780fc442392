"""The state machine of a unit's submission and of each project request (DOMAIN §2, §10), as
tables of the one engine (``core.workflow``).

| action        | from                                      | to                        | who                     | reason |
|---------------|-------------------------------------------|---------------------------|-------------------------|--------|
| submit        | draft, returned                           | with_branch_head          | preparer, branch head   |        |
| send_back     | with_branch_head                          | draft                     | branch head             | yes    |
| sign_off      | with_branch_head                          | submitted / resubmitted*  | branch head             |        |
| withdraw      | with_branch_head, submitted, resubmitted  | draft                     | preparer, branch head   |        |
| start_review  | submitted, resubmitted                    | under_review              | HQ reviewer             |        |
| cut**         | submitted, resubmitted, under_review      | under_review              | HQ reviewer             | yes    |
| return        | submitted, resubmitted, under_review,     | returned                  | HQ reviewer, approver   | yes    |
|               | recommended                               |                           |                         |        |
| recommend     | submitted, resubmitted, under_review      | recommended               | HQ reviewer             |        |
| approve       | recommended                               | approved                  | HQ approver             |        |
| publish       | approved                                  | published                 | HQ approver             |        |

* sign_off leads to ``resubmitted`` when HQ has returned the item before, so that HQ sees it is
  a second look. ** ``cut`` is a row of the project table only.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import BusinessRuleError
from core.events import events_of
from core.models import Event, EventComment, EventType
from core.roles import HQ_DECIDER_ROLES, UNIT_STAFF_ROLES, Role
from core.workflow import Machine, Step, Transition, table

from . import checks
from .amounts import adjusted_total_amount, amount_or_error, sub_item_amounts
from .models import DeadlineKind, Project, UnitBudget
from .snapshots import snapshot
from .states import EDITABLE_STATES, NEXT_ACTORS, State

S, R = State, Role

# --- Guards and effects, each named in the table --------------------------------------------


def ready_to_submit(step: Step) -> None:
    problems = checks.blocking(checks.problems_for(step.obj))
    if problems:
        raise BusinessRuleError(
            "not_ready",
            _("Not ready to submit: %(problems)s") % {"problems": "；".join(p.message for p in problems)},
            problems=[p.code for p in problems],
        )


def keep_snapshot(step: Step) -> None:
    """What HQ sees at each sign-off, for the field-level difference on resubmission; an item
    HQ returned before comes back as ``resubmitted``."""
    step.data["snapshot"] = snapshot(step.obj)
    if events_of(step.obj).filter(type=EventType.RETURN).exists():
        step.target = S.RESUBMITTED


def apply_cut(step: Step) -> None:
    """A cut lowers this year's amounts; of an itemised project it gives each sub-item's new amount
    (``sub_items``: sub-item id → amount), adding up to the new amount."""
    project = step.obj
    fiscal = _amount(step.params.get("fiscal_amount"), project.fiscal_amount)
    other = _amount(step.params.get("other_amount"), project.other_amount)
    if fiscal + other >= project.amount:
        raise BusinessRuleError("not_a_cut", _("A cut must lower the amount."))
    new_sub_items = sub_item_amounts(project, step.params.get("sub_items"), fiscal + other)
    delta = fiscal + other - project.amount
    step.data["before"] = {
        "fiscal_amount": str(project.fiscal_amount),
        "other_amount": str(project.other_amount),
    }
    project.fiscal_amount, project.other_amount = fiscal, other
    project.total_amount = adjusted_total_amount(project, delta=delta)
    for sub in project.sub_items.all():
        sub.amount = Decimal(new_sub_items[str(sub.pk)])
        sub._history_user = step.actor
        sub.save()
    step.data["after"] = {"fiscal_amount": str(fiscal), "other_amount": str(other)}
    if new_sub_items:
        step.data["sub_items"] = new_sub_items


def _amount(value, current: Decimal) -> Decimal:
    return current if value is None or value == "" else amount_or_error(value)


def _rows(*, cut: bool) -> dict[str, Transition]:
    hq_review = frozenset({S.SUBMITTED, S.RESUBMITTED, S.UNDER_REVIEW})
    rows = [
        Transition("submit", frozenset(EDITABLE_STATES), S.WITH_BRANCH_HEAD, UNIT_STAFF_ROLES, EventType.SUBMIT,
                   label=gettext_lazy("Submit to the branch head"), guards=(ready_to_submit,)),
        Transition("send_back", frozenset({S.WITH_BRANCH_HEAD}), S.DRAFT, frozenset({R.BRANCH_HEAD}),
                   EventType.SEND_BACK, needs_reason=True, label=gettext_lazy("Send back to the preparer"),
                   notify_unit=frozenset({R.BRANCH_PREPARER})),
        Transition("sign_off", frozenset({S.WITH_BRANCH_HEAD}), S.SUBMITTED, frozenset({R.BRANCH_HEAD}),
                   EventType.SIGN_OFF, label=gettext_lazy("Sign off and submit to HQ"),
                   guards=(ready_to_submit,), effects=(keep_snapshot,)),
        Transition("withdraw", frozenset({S.WITH_BRANCH_HEAD, S.SUBMITTED, S.RESUBMITTED}), S.DRAFT,
                   UNIT_STAFF_ROLES, EventType.WITHDRAW, label=gettext_lazy("Withdraw")),
        Transition("start_review", frozenset({S.SUBMITTED, S.RESUBMITTED}), S.UNDER_REVIEW,
                   frozenset({R.HQ_REVIEWER}), EventType.START_REVIEW, label=gettext_lazy("Start review")),
        Transition("return", hq_review | {S.RECOMMENDED}, S.RETURNED, HQ_DECIDER_ROLES, EventType.RETURN,
                   needs_reason=True, label=gettext_lazy("Return for revision")),
        Transition("recommend", hq_review, S.RECOMMENDED, frozenset({R.HQ_REVIEWER}), EventType.RECOMMEND,
                   label=gettext_lazy("Recommend approval")),
        Transition("approve", frozenset({S.RECOMMENDED}), S.APPROVED, frozenset({R.HQ_APPROVER}),
                   EventType.APPROVE, label=gettext_lazy("Approve"), notify_unit=UNIT_STAFF_ROLES),
        Transition("publish", frozenset({S.APPROVED}), S.PUBLISHED, frozenset({R.HQ_APPROVER}),
                   EventType.PUBLISH, label=gettext_lazy("Publish")),
    ]  # fmt: skip
    if cut:
        rows.append(
            Transition("cut", hq_review, S.UNDER_REVIEW, frozenset({R.HQ_REVIEWER}), EventType.CUT,
                       needs_reason=True, label=gettext_lazy("Cut the amount"), effects=(apply_cut,),
                       notify_unit=UNIT_STAFF_ROLES)
        )  # fmt: skip
    return table(*rows)


def _project_link(project) -> str:
    return reverse("budgets:project", args=[project.budget.cycle.year, project.budget.unit.code, project.pk])


def _budget_link(budget) -> str:
    return reverse("budgets:unit", args=[budget.cycle.year, budget.unit.code])


def comments_record(step: Step, event) -> None:
    """A reviewer's comments on single fields or rows go with the event that carries them."""
    for comment in step.params.get("comments") or ():
        if comment.text.strip():
            EventComment.objects.create(
                event=event, target=comment.target, text=comment.text.strip(), author=step.actor
            )


RequestHook = Callable[[Step, Event], None]
_REQUEST_HOOKS: list[RequestHook] = []


def register_request_hook(hook: RequestHook) -> RequestHook:
    """Apps above budgets act on a project request's transitions in their transaction (the
    project library records the decision beside its suggestion, from its AppConfig.ready)."""
    if hook not in _REQUEST_HOOKS:
        _REQUEST_HOOKS.append(hook)
    return hook


def registered_hooks(step: Step, event: Event) -> None:
    for hook in _REQUEST_HOOKS:
        hook(step, event)


PROJECT_REQUEST = Machine(
    name="project_request",
    model=Project,
    states=State,
    transitions=_rows(cut=True),
    editable_states=EDITABLE_STATES,
    next_actors=NEXT_ACTORS,
    link=_project_link,
    describe=lambda p: f"{p.budget.cycle.year} {p.budget.unit} · {p.name}",
    after=(comments_record, registered_hooks),
    deadline_kind=DeadlineKind.PREPARATION,
)
UNIT_SUBMISSION = Machine(
    name="unit_submission",
    model=UnitBudget,
    states=State,
    transitions=_rows(cut=False),
    editable_states=EDITABLE_STATES,
    next_actors=NEXT_ACTORS,
    link=_budget_link,
    describe=lambda b: f"{b.cycle.year} {b.unit}",
    after=(comments_record,),
    deadline_kind=DeadlineKind.PREPARATION,
)


def machine_of(item) -> Machine:
    return PROJECT_REQUEST if isinstance(item, Project) else UNIT_SUBMISSION

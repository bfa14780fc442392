"""The state machine of a unit's submission and of each project request (DOMAIN §2, §10).

One table, readable in one screen. The services in ``approvals/services.py`` are the only code
that moves an item along it; they check the actor's role here and the actor's unit in
``approvals/policy.py``.

| action        | from                                      | to                        | who                     | reason |
|---------------|-------------------------------------------|---------------------------|-------------------------|--------|
| submit        | draft, returned                           | with_branch_head          | preparer, branch head   |        |
| send_back     | with_branch_head                          | draft                     | branch head             | yes    |
| sign_off      | with_branch_head                          | submitted / resubmitted*  | branch head             |        |
| withdraw      | with_branch_head, submitted, resubmitted  | draft                     | preparer, branch head   |        |
| start_review  | submitted, resubmitted                    | under_review              | HQ reviewer             |        |
| cut           | submitted, resubmitted, under_review      | under_review              | HQ reviewer             | yes    |
| return        | submitted, resubmitted, under_review,     | returned                  | HQ reviewer, approver   | yes    |
|               | recommended                               |                           |                         |        |
| recommend     | submitted, resubmitted, under_review      | recommended               | HQ reviewer             |        |
| approve       | recommended                               | approved                  | HQ approver             |        |
| publish       | approved                                  | published                 | HQ approver             |        |

* sign_off leads to ``resubmitted`` when HQ has returned the item before, so that HQ sees it is
  a second look. ``cut`` applies to project requests only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import Role


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    WITH_BRANCH_HEAD = "with_branch_head", _("With the branch head")
    SUBMITTED = "submitted", _("Submitted to HQ")
    UNDER_REVIEW = "under_review", _("Under HQ review")
    RETURNED = "returned", _("Returned for revision")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    RECOMMENDED = "recommended", _("Recommended for approval")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


class Action(models.TextChoices):
    SUBMIT = "submit", _("Submit to the branch head")
    SEND_BACK = "send_back", _("Send back to the preparer")
    SIGN_OFF = "sign_off", _("Sign off and submit to HQ")
    WITHDRAW = "withdraw", _("Withdraw")
    START_REVIEW = "start_review", _("Start review")
    CUT = "cut", _("Cut the amount")
    RETURN = "return", _("Return for revision")
    RECOMMEND = "recommend", _("Recommend approval")
    APPROVE = "approve", _("Approve")
    PUBLISH = "publish", _("Publish")


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[State]
    target: State
    roles: frozenset[Role]
    needs_reason: bool = False
    projects_only: bool = False


S, R = State, Role
_UNIT_STAFF = frozenset({R.BRANCH_PREPARER, R.BRANCH_HEAD})
_HQ_REVIEW = frozenset({S.SUBMITTED, S.RESUBMITTED, S.UNDER_REVIEW})

TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in [
        Transition(Action.SUBMIT, frozenset({S.DRAFT, S.RETURNED}), S.WITH_BRANCH_HEAD, _UNIT_STAFF),
        Transition(
            Action.SEND_BACK, frozenset({S.WITH_BRANCH_HEAD}), S.DRAFT, frozenset({R.BRANCH_HEAD}), True
        ),
        Transition(Action.SIGN_OFF, frozenset({S.WITH_BRANCH_HEAD}), S.SUBMITTED, frozenset({R.BRANCH_HEAD})),
        Transition(
            Action.WITHDRAW, frozenset({S.WITH_BRANCH_HEAD, S.SUBMITTED, S.RESUBMITTED}), S.DRAFT, _UNIT_STAFF
        ),
        Transition(
            Action.START_REVIEW,
            frozenset({S.SUBMITTED, S.RESUBMITTED}),
            S.UNDER_REVIEW,
            frozenset({R.HQ_REVIEWER}),
        ),
        Transition(
            Action.CUT, _HQ_REVIEW, S.UNDER_REVIEW, frozenset({R.HQ_REVIEWER}), True, projects_only=True
        ),
        Transition(
            Action.RETURN,
            _HQ_REVIEW | {S.RECOMMENDED},
            S.RETURNED,
            frozenset({R.HQ_REVIEWER, R.HQ_APPROVER}),
            True,
        ),
        Transition(Action.RECOMMEND, _HQ_REVIEW, S.RECOMMENDED, frozenset({R.HQ_REVIEWER})),
        Transition(Action.APPROVE, frozenset({S.RECOMMENDED}), S.APPROVED, frozenset({R.HQ_APPROVER})),
        Transition(Action.PUBLISH, frozenset({S.APPROVED}), S.PUBLISHED, frozenset({R.HQ_APPROVER})),
    ]
}

# States in which the unit's own staff may edit the item.
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})
# Approved items are locked: a change is an adjustment request with its own approval.
LOCKED_STATES = frozenset({S.APPROVED, S.PUBLISHED})

# Who must act next, by state: the inbox and the notification emails both read this.
NEXT_ACTORS: dict[State, frozenset[Role]] = {
    S.DRAFT: frozenset(),
    S.WITH_BRANCH_HEAD: frozenset({R.BRANCH_HEAD}),
    S.SUBMITTED: frozenset({R.HQ_REVIEWER}),
    S.RESUBMITTED: frozenset({R.HQ_REVIEWER}),
    S.UNDER_REVIEW: frozenset({R.HQ_REVIEWER}),
    S.RETURNED: _UNIT_STAFF,
    S.RECOMMENDED: frozenset({R.HQ_APPROVER}),
    S.APPROVED: frozenset({R.HQ_APPROVER}),
    S.PUBLISHED: frozenset(),
}

# The order of the stages on the HQ dashboard.
STAGES = [
    S.DRAFT,
    S.WITH_BRANCH_HEAD,
    S.SUBMITTED,
    S.UNDER_REVIEW,
    S.RETURNED,
    S.RESUBMITTED,
    S.RECOMMENDED,
    S.APPROVED,
    S.PUBLISHED,
]


def transition_for(action: str) -> Transition | None:
    try:
        return TRANSITIONS[Action(action)]
    except ValueError:
        return None

"""The states of a unit's submission and of a project request; the transitions are in
``budgets/workflow.py`` (the models need the states, the machine needs the models)."""

from django.db import models
from django.utils.translation import gettext, gettext_lazy

from core.roles import UNIT_STAFF_ROLES, Role


class State(models.TextChoices):
    DRAFT = "draft", gettext_lazy("Draft")
    WITH_BRANCH_HEAD = "with_branch_head", gettext_lazy("With the branch head")
    SUBMITTED = "submitted", gettext_lazy("Submitted to HQ")
    UNDER_REVIEW = "under_review", gettext_lazy("Under HQ review")
    RETURNED = "returned", gettext_lazy("Returned for revision")
    RESUBMITTED = "resubmitted", gettext_lazy("Resubmitted")
    RECOMMENDED = "recommended", gettext_lazy("Recommended for approval")
    APPROVED = "approved", gettext_lazy("Approved")
    PUBLISHED = "published", gettext_lazy("Published")


S, R = State, Role
# States in which the unit's own staff may edit the item.
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})
# Approved items are locked: a change is an adjustment request with its own approval.
LOCKED_STATES = frozenset({S.APPROVED, S.PUBLISHED})
AT_THE_UNIT = frozenset({S.DRAFT, S.WITH_BRANCH_HEAD, S.RETURNED})
AT_HQ = frozenset({S.SUBMITTED, S.RESUBMITTED, S.UNDER_REVIEW, S.RECOMMENDED})

# Who must act next, by state: the inbox, the emails and the reminders all read this.
NEXT_ACTORS: dict[str, frozenset[Role]] = {
    S.DRAFT: frozenset(),
    S.WITH_BRANCH_HEAD: frozenset({R.BRANCH_HEAD}),
    S.SUBMITTED: frozenset({R.HQ_REVIEWER}),
    S.RESUBMITTED: frozenset({R.HQ_REVIEWER}),
    S.UNDER_REVIEW: frozenset({R.HQ_REVIEWER}),
    S.RETURNED: UNIT_STAFF_ROLES,
    S.RECOMMENDED: frozenset({R.HQ_APPROVER}),
    S.APPROVED: frozenset({R.HQ_APPROVER}),
    S.PUBLISHED: frozenset(),
}


def not_editable_message(item) -> str:
    """What a unit's preparer reads when the item cannot be changed now, and what to do."""
    if item.state in LOCKED_STATES:
        return gettext(
            "This item is approved and locked. To change its amounts, ask for a budget adjustment "
            "(预算调整) from its page."
        )
    if item.state in AT_HQ:
        return gettext("This item is with HQ (%(state)s): it can be changed again once HQ returns it.") % {
            "state": item.get_state_display()
        }
    return gettext(
        "This item is with the branch head (%(state)s): it can be changed again once it is sent back."
    ) % {"state": item.get_state_display()}


# The order of the stages on the HQ dashboard.
STAGES = list(State)

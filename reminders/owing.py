"""Who still owes a deadline, and who hears about it when it is late: a registry per deadline kind.

The approval workflow registers its own functions for preparation, review and publication
(approvals/owing.py, from ApprovalsConfig.ready), in the form

    from reminders.owing import register_owing

    register_owing(DeadlineKind.PREPARATION, lambda deadline: {unit: [users…] for units not yet submitted})

A function takes the ``CycleDeadline`` and returns ``{unit: [users who owe it]}``; returning an
empty dict means nobody owes it any more and no reminder goes out. The defaults below apply to
the kinds nobody has registered for:

- unit-level deadlines (preparation, mid-year monitoring, self-evaluation): every unit with a
  budget in the cycle owes it, through its members with the roles branch_preparer and branch_head;
- HQ deadlines (review, publication): HQ's reviewers and approvers owe it;
- the informational dates (monitoring data as of, monitoring opens): nobody.

Escalation goes to the unit's branch_head, then to HQ (hq_reviewer, hq_approver).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.contrib.auth import get_user_model

from approvals.models import Membership
from approvals.roles import Role
from budgets.models import CycleDeadline, DeadlineKind, Unit, UnitKind

Owing = Callable[[CycleDeadline], dict[Unit, list]]

UNIT_ROLES = (Role.BRANCH_PREPARER, Role.BRANCH_HEAD)
HQ_ROLES = (Role.HQ_REVIEWER, Role.HQ_APPROVER)


def members(units, roles) -> dict[Unit, list]:
    result: dict[Unit, list] = defaultdict(list)
    memberships = (
        Membership.objects.filter(unit__in=units, role__in=roles, user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "unit")
        .order_by("unit__sort_order", "user__username")
    )
    for membership in memberships:
        result[membership.unit].append(membership.user)
    return dict(result)


def units_of_cycle(deadline: CycleDeadline) -> dict[Unit, list]:
    units = Unit.objects.filter(budgets__cycle=deadline.cycle, is_active=True)
    return members(units, UNIT_ROLES)


def hq_owes(deadline: CycleDeadline) -> dict[Unit, list]:
    return members(Unit.objects.filter(kind=UnitKind.HQ), HQ_ROLES)


def nobody(deadline: CycleDeadline) -> dict[Unit, list]:
    return {}


_REGISTRY: dict[str, Owing] = {
    DeadlineKind.PREPARATION: units_of_cycle,
    DeadlineKind.MONITORING_DUE: units_of_cycle,
    DeadlineKind.SELF_EVALUATION_DUE: units_of_cycle,
    DeadlineKind.REVIEW: hq_owes,
    DeadlineKind.PUBLICATION: hq_owes,
    DeadlineKind.MONITORING_DATA_AS_OF: nobody,
    DeadlineKind.MONITORING_OPEN: nobody,
}


def register_owing(kind: str, owing: Owing) -> None:
    _REGISTRY[kind] = owing


def owing(deadline: CycleDeadline) -> dict[Unit, list]:
    return _REGISTRY.get(deadline.kind, nobody)(deadline)


def escalation_recipients(level: str, unit: Unit) -> list:
    """``head``: the unit's heads; ``hq``: HQ reviewers and approvers."""
    if level == "head":
        return members([unit], [Role.BRANCH_HEAD]).get(unit, [])
    users = get_user_model().objects.filter(membership__role__in=HQ_ROLES, is_active=True).exclude(email="")
    return list(users.order_by("username"))

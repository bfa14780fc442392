"""Who still owes a deadline, from the workflow states (plugs into reminders/owing.py).

- Preparation: units whose own submission or any project request has not reached HQ yet
  (draft, with the branch head, returned) owe it, through their preparers and heads.
- HQ review: HQ's reviewers and approvers owe it while anything waits at HQ.
- Publication: the approvers owe it while anything approved is not yet published.
"""

from django.db.models import Q

from budgets.models import CycleDeadline, DeadlineKind, Unit, UnitKind
from reminders.owing import HQ_ROLES, UNIT_ROLES, members, register_owing

from .roles import Role
from .workflow import State

AT_THE_UNIT = [State.DRAFT, State.WITH_BRANCH_HEAD, State.RETURNED]
AT_HQ = [State.SUBMITTED, State.RESUBMITTED, State.UNDER_REVIEW, State.RECOMMENDED]


def _items_in(cycle, states) -> Q:
    return Q(budgets__cycle=cycle, budgets__state__in=states) | Q(
        budgets__cycle=cycle, budgets__projects__state__in=states
    )


def units_still_preparing(deadline: CycleDeadline) -> dict:
    units = Unit.objects.filter(_items_in(deadline.cycle, AT_THE_UNIT), is_active=True).distinct()
    return members(units, UNIT_ROLES)


def hq_while_items_wait(deadline: CycleDeadline) -> dict:
    if not Unit.objects.filter(_items_in(deadline.cycle, AT_HQ)).exists():
        return {}
    return members(Unit.objects.filter(kind=UnitKind.HQ), HQ_ROLES)


def approvers_until_published(deadline: CycleDeadline) -> dict:
    if not Unit.objects.filter(_items_in(deadline.cycle, [State.APPROVED])).exists():
        return {}
    return members(Unit.objects.filter(kind=UnitKind.HQ), (Role.HQ_APPROVER,))


def register() -> None:
    register_owing(DeadlineKind.PREPARATION, units_still_preparing)
    register_owing(DeadlineKind.REVIEW, hq_while_items_wait)
    register_owing(DeadlineKind.PUBLICATION, approvers_until_published)

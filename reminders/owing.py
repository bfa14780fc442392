"""Who still owes a deadline, and who hears about it when it is late, by the workflow states.

- Preparation: units whose own submission or any project request has not reached HQ yet
  (draft, with the branch head, returned) owe it, through their preparers and heads.
- HQ review: HQ's reviewers and approvers owe it while anything waits at HQ.
- Publication: the approvers owe it while anything approved is not yet published.
- Mid-year monitoring and self-evaluation: every unit with a budget in the cycle, through its
  preparers and heads.
- The informational dates (monitoring data as of, monitoring opens): nobody.

Escalation goes to the unit's heads, then to HQ's reviewers and approvers. Every address comes
from the one recipient query (``core.mail.recipients``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet

from budgets.models import CycleDeadline, DeadlineKind
from budgets.states import AT_HQ, AT_THE_UNIT, State
from core.mail import recipients
from core.models import Unit, UnitKind
from core.roles import HQ_DECIDER_ROLES, UNIT_STAFF_ROLES, Role

Owing = Callable[[CycleDeadline], dict[Unit, list]]


def _with_address(users) -> list:
    return [user for user in users if user.email]


def unit_staff(units) -> dict[Unit, list]:
    result = {}
    for unit in units:
        users = _with_address(recipients(roles=UNIT_STAFF_ROLES, unit_id=unit.pk))
        if users:
            result[unit] = users
    return result


def _hq(roles) -> dict[Unit, list]:
    hq = Unit.objects.filter(kind=UnitKind.HQ).first()
    users = _with_address(recipients(roles=roles))
    return {hq: users} if hq and users else {}


def _items_in(cycle, states) -> Q:
    return Q(budgets__cycle=cycle, budgets__state__in=states) | Q(
        budgets__cycle=cycle, budgets__projects__state__in=states
    )


def _preparing(deadline: CycleDeadline) -> QuerySet[Unit]:
    return Unit.objects.filter(_items_in(deadline.cycle, AT_THE_UNIT), is_active=True).distinct()


def _of_cycle(deadline: CycleDeadline) -> QuerySet[Unit]:
    return Unit.objects.filter(budgets__cycle=deadline.cycle, is_active=True)


# The deadlines a unit's own staff owe, and which units still owe each: the reminders and the
# unit's page (``unit_deadlines``) read this one table.
UNITS_OWING: dict[str, Callable[[CycleDeadline], QuerySet[Unit]]] = {
    DeadlineKind.PREPARATION: _preparing,
    DeadlineKind.MONITORING_DUE: _of_cycle,
    DeadlineKind.SELF_EVALUATION_DUE: _of_cycle,
}


def units_still_preparing(deadline: CycleDeadline) -> dict[Unit, list]:
    return unit_staff(UNITS_OWING[DeadlineKind.PREPARATION](deadline))


def units_of_cycle(deadline: CycleDeadline) -> dict[Unit, list]:
    return unit_staff(_of_cycle(deadline))


def hq_while_items_wait(deadline: CycleDeadline) -> dict[Unit, list]:
    if not Unit.objects.filter(_items_in(deadline.cycle, AT_HQ)).exists():
        return {}
    return _hq(HQ_DECIDER_ROLES)


def approvers_until_published(deadline: CycleDeadline) -> dict[Unit, list]:
    if not Unit.objects.filter(_items_in(deadline.cycle, [State.APPROVED])).exists():
        return {}
    return _hq({Role.HQ_APPROVER})


def nobody(deadline: CycleDeadline) -> dict[Unit, list]:
    return {}


OWING: dict[str, Owing] = {
    DeadlineKind.PREPARATION: units_still_preparing,
    DeadlineKind.REVIEW: hq_while_items_wait,
    DeadlineKind.PUBLICATION: approvers_until_published,
    DeadlineKind.MONITORING_DUE: units_of_cycle,
    DeadlineKind.SELF_EVALUATION_DUE: units_of_cycle,
    DeadlineKind.MONITORING_DATA_AS_OF: nobody,
    DeadlineKind.MONITORING_OPEN: nobody,
}


def owing(deadline: CycleDeadline) -> dict[Unit, list]:
    return OWING[deadline.kind](deadline)


def unit_owes(deadline: CycleDeadline, unit: Unit) -> bool:
    """Whether ``unit``'s own staff still owe ``deadline`` (HQ's review and publication are owed
    by HQ's deciders, not by a unit)."""
    units = UNITS_OWING.get(deadline.kind)
    return units is not None and units(deadline).filter(pk=unit.pk).exists()


def escalation_recipients(level: str, unit: Unit) -> list:
    """``head``: the unit's heads; ``hq``: HQ reviewers and approvers."""
    if level == "head":
        return _with_address(recipients(roles={Role.BRANCH_HEAD}, unit_id=unit.pk))
    return _with_address(recipients(roles=HQ_DECIDER_ROLES))

"""A unit's coming deadlines as its budget page shows them (issue #10): the cycle's calendar
(``CycleDeadline``) cut to what the unit still owes. Who owes a deadline is the reminders' rule
(reminders/owing.py); the reminders app registers it here from its AppConfig.ready, so that the
page and the reminders read the same rule and the same dates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.models import Unit

from .models import BudgetCycle, CycleDeadline, CycleState

Owes = Callable[[CycleDeadline, Unit], bool]
_OWES: list[Owes] = []


def register_deadline_owing(owes: Owes) -> None:
    _OWES[:] = [owes]


@dataclass(frozen=True)
class DueDeadline:
    deadline: CycleDeadline
    days_left: int

    @property
    def label(self) -> str:
        return self.deadline.get_kind_display()

    @property
    def due_date(self) -> date:
        return self.deadline.due_date

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def soon(self) -> bool:
        return 0 <= self.days_left <= 7

    @property
    def status(self) -> str:
        """还有 3 天 / 今天截止 / 已逾期 2 天."""
        if self.days_left == 0:
            return _("due today")
        if self.days_left > 0:
            return ngettext("%(days)s day left", "%(days)s days left", self.days_left) % {
                "days": self.days_left
            }
        days = -self.days_left
        return ngettext("%(days)s day overdue", "%(days)s days overdue", days) % {"days": days}


def unit_deadlines(*, unit: Unit, cycle: BudgetCycle, today: date) -> list[DueDeadline]:
    """The deadlines of ``cycle`` that ``unit`` still owes, soonest first."""
    if not _OWES:
        raise LookupError("no deadline rule registered (the reminders app registers it)")
    if cycle.state == CycleState.CLOSED:
        return []
    owes = _OWES[0]
    return [
        DueDeadline(deadline, (deadline.due_date - today).days)
        for deadline in cycle.deadlines.order_by("due_date", "kind")
        if owes(deadline, unit)
    ]


def owed_deadline(
    *, kind: str, unit: Unit, cycle: BudgetCycle, today: date, among: list[DueDeadline] | None = None
) -> DueDeadline | None:
    """The deadline of ``kind`` (a machine's ``deadline_kind``) that ``unit`` still owes in
    ``cycle``, or ``None``: the "what to do next" sentence names it. ``among``: the unit's
    deadlines when the page has them already (``unit_deadlines``)."""
    if among is not None:
        return next((d for d in among if d.deadline.kind == kind), None)
    if not kind or not _OWES or cycle.state == CycleState.CLOSED:
        return None
    deadline = cycle.deadlines.filter(kind=kind).first()
    if deadline is None or not _OWES[0](deadline, unit):
        return None
    return DueDeadline(deadline, (deadline.due_date - today).days)

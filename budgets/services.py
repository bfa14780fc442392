"""Writes of the budgets app: one function per business action."""

from django.db import transaction

from .models import BudgetCycle, CycleDeadline, default_deadlines


@transaction.atomic
def cycle_deadlines_ensure(*, cycle: BudgetCycle) -> list[CycleDeadline]:
    """Give a cycle the default calendar of DOMAIN §2 for every deadline it does not have yet."""
    existing = set(cycle.deadlines.values_list("kind", flat=True))
    missing = [
        CycleDeadline(cycle=cycle, kind=kind, due_date=due)
        for kind, due in default_deadlines(cycle.year).items()
        if kind not in existing
    ]
    CycleDeadline.objects.bulk_create(missing)
    return list(cycle.deadlines.all())

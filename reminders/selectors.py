"""Reads of the reminders app, cut by ``core.policy``: HQ roles read the whole log, anyone
else only the reminders of the units they may see."""

from django.db.models import QuerySet

from core.policy import membership_of, visible_units

from .models import ReminderLog, ReminderPolicy
from .owing import OWING, nobody


def reminder_log(
    user, *, year: int | None = None, unit_code: str = "", kind: str = ""
) -> QuerySet[ReminderLog]:
    qs = ReminderLog.objects.filter(unit__in=visible_units(user)).select_related(
        "deadline__cycle", "unit", "recipient", "message"
    )
    if year:
        qs = qs.filter(deadline__cycle__year=year)
    if unit_code:
        qs = qs.filter(unit__code=unit_code)
    if kind:
        qs = qs.filter(deadline__kind=kind)
    return qs.order_by("-created_at", "-id")


def reminders_of(user) -> QuerySet[ReminderLog]:
    return ReminderLog.objects.filter(recipient=user).select_related("deadline__cycle", "unit", "message")


def digest_preference(user) -> bool:
    membership = membership_of(user)
    return bool(membership and membership.daily_digest)


def editable_policies() -> QuerySet[ReminderPolicy]:
    """The policies of the deadlines someone owes (the informational dates remind nobody)."""
    kinds = [kind for kind, rule in OWING.items() if rule is not nobody]
    return ReminderPolicy.objects.filter(kind__in=kinds).order_by("id")

"""Writes of the base: the role groups and a person's inbox."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import BusinessRuleError
from .models import Membership, Notification
from .roles import ROLE_PERMISSIONS, Role


def _matching_permissions(pattern: str) -> list[Permission]:
    app_label, _sep, codename = pattern.partition(".")
    qs = Permission.objects.filter(content_type__app_label=app_label)
    if codename == "*":
        return list(qs)
    if codename.endswith("_*"):
        return list(qs.filter(codename__startswith=codename[:-1]))
    if codename.startswith("*_"):
        return list(qs.filter(codename__endswith=codename[1:]))
    return list(qs.filter(codename=codename))


@transaction.atomic
def roles_sync() -> None:
    """Create one group per role and give it the model permissions of ``ROLE_PERMISSIONS``."""
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        perms = [p for pattern in ROLE_PERMISSIONS[role] for p in _matching_permissions(pattern)]
        group.permissions.set(perms)


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


@transaction.atomic
def digest_preference_set(*, user, daily_digest: bool) -> Membership:
    """One email a day instead of one per message (reminders and workflow alike)."""
    membership = Membership.objects.select_for_update().filter(user=user).first()
    if membership is None:
        raise BusinessRuleError("no_membership", _("Only members of a unit receive reminders."))
    membership.daily_digest = daily_digest
    membership.save(update_fields=["daily_digest"])
    return membership

"""Writes of the approvals app."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .roles import ROLE_PERMISSIONS, Role


def _matching_permissions(pattern: str) -> list[Permission]:
    app_label, _, codename = pattern.partition(".")
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
        group, _ = Group.objects.get_or_create(name=role.value)
        perms = [p for pattern in ROLE_PERMISSIONS[role] for p in _matching_permissions(pattern)]
        group.permissions.set(perms)

"""Who may see what: the object-level rules of DOMAIN §10, written once.

Pages, the admin, exports and the API all ask these functions; none of them decides on its own.
A branch user sees only their own unit; HQ reviewers, approvers, auditors and administrators see
every unit. A user with no membership sees nothing (superusers count as administrators).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet

from budgets.models import Unit

from .roles import BUREAU_WIDE_ROLES, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from .models import Membership

    AnyUser = AbstractBaseUser | AnonymousUser


def membership_of(user: AnyUser) -> Membership | None:
    if not user.is_authenticated:
        return None
    try:
        return user.membership
    except ObjectDoesNotExist:
        return None


def role_of(user: AnyUser) -> Role | None:
    if not user.is_authenticated:
        return None
    membership = membership_of(user)
    if membership is not None:
        return Role(membership.role)
    if user.is_superuser:
        return Role.ADMINISTRATOR
    return None


def is_bureau_wide(user: AnyUser) -> bool:
    return role_of(user) in BUREAU_WIDE_ROLES


def visible_units(user: AnyUser) -> QuerySet[Unit]:
    if is_bureau_wide(user):
        return Unit.objects.all()
    membership = membership_of(user)
    if membership is None:
        return Unit.objects.none()
    return Unit.objects.filter(pk=membership.unit_id)


def can_view_unit(user: AnyUser, unit: Unit) -> bool:
    if is_bureau_wide(user):
        return True
    membership = membership_of(user)
    return membership is not None and membership.unit_id == unit.pk


def can_view_bureau(user: AnyUser) -> bool:
    """The bureau-wide pages (overview, consistency check) are for HQ roles only."""
    return is_bureau_wide(user)

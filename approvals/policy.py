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


# --- The workflow: who may act on an item ---------------------------------------------------

UNIT_STAFF_ROLES = frozenset({Role.BRANCH_PREPARER, Role.BRANCH_HEAD})


def _unit_of(item) -> Unit:
    budget = getattr(item, "budget", item)
    return budget.unit


def _acts_for_unit(user: AnyUser, unit: Unit) -> bool:
    """Unit staff act for their own unit only; HQ roles act for every unit."""
    if role_of(user) in UNIT_STAFF_ROLES:
        membership = membership_of(user)
        return membership is not None and membership.unit_id == unit.pk
    return is_bureau_wide(user)


def can_edit_item(user: AnyUser, item) -> bool:
    """Drafts and returned items are edited by their unit's preparer or head, nobody else."""
    from .workflow import EDITABLE_STATES

    return (
        role_of(user) in UNIT_STAFF_ROLES
        and _acts_for_unit(user, _unit_of(item))
        and item.state in EDITABLE_STATES
    )


def can_act(user: AnyUser, item, transition) -> bool:
    """The role may take this transition, for this unit. The state is the service's to check,
    under a row lock."""
    from budgets.models import Project

    if transition.projects_only and not isinstance(item, Project):
        return False
    return role_of(user) in transition.roles and _acts_for_unit(user, _unit_of(item))


def allowed_transitions(user: AnyUser, item) -> list:
    from .workflow import TRANSITIONS

    return [t for t in TRANSITIONS.values() if item.state in t.sources and can_act(user, item, t)]


def can_comment(user: AnyUser) -> bool:
    return role_of(user) in {Role.HQ_REVIEWER, Role.HQ_APPROVER}


def can_request_adjustment(user: AnyUser, item) -> bool:
    """An approved project, or a basic line of an approved unit submission, by the unit's staff."""
    locked = item.is_locked if hasattr(item, "is_locked") else item.budget.is_locked
    return role_of(user) in UNIT_STAFF_ROLES and _acts_for_unit(user, _unit_of(item)) and locked


def can_decide_adjustment(user: AnyUser) -> bool:
    return role_of(user) == Role.HQ_APPROVER


def can_add_project(user: AnyUser, budget) -> bool:
    """New project requests: the unit's own preparer or head, while the cycle is being prepared."""
    from budgets.models import CycleState

    return (
        role_of(user) in UNIT_STAFF_ROLES
        and _acts_for_unit(user, budget.unit)
        and budget.cycle.state == CycleState.PREPARATION
    )


# --- Performance: targets, monitoring, evaluation (issue #4) ----------------------------------
# A unit's own preparer and head answer its performance forms; only the head sends them to HQ.
# HQ reviewers and approvers review them; only the HQ approver approves a change of target.

PERFORMANCE_REVIEWER_ROLES = frozenset({Role.HQ_REVIEWER, Role.HQ_APPROVER})


def _own_unit_role(user: AnyUser, unit: Unit) -> Role | None:
    membership = membership_of(user)
    if membership is None or membership.unit_id != unit.pk:
        return None
    return Role(membership.role)


def can_edit_unit_performance(user: AnyUser, unit: Unit) -> bool:
    """Enter targets, monitoring answers and self-evaluations of ``unit``; ask for a target change."""
    return _own_unit_role(user, unit) in UNIT_STAFF_ROLES


def can_submit_unit_performance(user: AnyUser, unit: Unit) -> bool:
    """Send ``unit``'s monitoring report or self-evaluation to HQ (the head signs it off)."""
    return _own_unit_role(user, unit) == Role.BRANCH_HEAD


def can_review_performance(user: AnyUser) -> bool:
    """Approve or return submitted monitoring reports and self-evaluations."""
    return role_of(user) in PERFORMANCE_REVIEWER_ROLES


def can_approve_target_change(user: AnyUser) -> bool:
    return role_of(user) == Role.HQ_APPROVER


def can_run_performance_rounds(user: AnyUser) -> bool:
    """Open a cycle's monitoring round and import spending from the finance system."""
    return role_of(user) in PERFORMANCE_REVIEWER_ROLES | {Role.ADMINISTRATOR}

"""Who may see and change what: the rules of DOMAIN §10, written once.

Every path asks here — pages, the admin, the API, the importer, exports, file downloads and
Celery tasks acting for a user. Querysets are cut with :func:`restrict` (``Model.objects
.restrict(user, "view")``, after NetBox's ``RestrictedQuerySet``); single objects with
:func:`can_view` and :func:`can_change`. Both read the same declarations on the model:

- ``access_unit_path``: the path from the model to its unit (``"budget__unit"``), or a tuple of
  alternatives for a model that hangs from one of two parents;
- ``access_state_path`` and ``access_editable_states``: for an item under a state machine, where
  its state is and in which states its unit may change it.

"May change" is one definition: the unit's own preparer or head, for their own unit, while the
item is in an editable state of its machine. HQ roles decide (through the workflow) and never
edit a unit's figures; the auditor writes nothing. A user with no membership sees nothing
(superusers count as administrators).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet

from .models import Membership, Unit, UnitKind
from .roles import (
    ADMIN_SITE_ROLES,
    ADMINISTRATOR_ROLES,
    BUREAU_WIDE_ROLES,
    HQ_DECIDER_ROLES,
    SECOND_FACTOR_ROLES,
    UNIT_STAFF_ROLES,
    Role,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from .workflow import Transition

    AnyUser = AbstractBaseUser | AnonymousUser

Action = Literal["view", "change"]
VIEW: Action = "view"
CHANGE: Action = "change"


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


def is_unit_staff(user: AnyUser) -> bool:
    return role_of(user) in UNIT_STAFF_ROLES


def is_hq_decider(user: AnyUser) -> bool:
    return role_of(user) in HQ_DECIDER_ROLES


# --- The declarations on a model, read the same way for querysets and objects ----------------


def _unit_paths(model) -> tuple[str, ...]:
    try:
        path = model.access_unit_path
    except AttributeError:
        raise TypeError(
            f"{model.__name__} declares no access_unit_path: the policy cannot restrict it"
        ) from None
    return (path,) if isinstance(path, str) else tuple(path)


def _walk(obj, path: str):
    """Follow ``a__b__c`` from ``obj``; the last step reads the foreign key's id when it is one."""
    *steps, last = path.split("__")
    for step in steps:
        obj = getattr(obj, step)
        if obj is None:
            return None
    if last == "pk":
        return obj.pk
    field = obj._meta.get_field(last)
    return getattr(obj, field.attname)


def unit_id_of(obj) -> int | None:
    for path in _unit_paths(type(obj)):
        unit_id = _walk(obj, path)
        if unit_id is not None:
            return unit_id
    return None


def editable_state(obj) -> bool:
    model = type(obj)
    path = getattr(model, "access_state_path", None)
    if path is None:
        return True
    return _walk(obj, path) in model.access_editable_states


def _unit_filter(model, unit_id: int) -> Q:
    q = Q()
    for path in _unit_paths(model):
        q |= Q(**{path: unit_id})
    return q


def restrict(queryset: QuerySet, user: AnyUser, action: Action = VIEW) -> QuerySet:
    """What of ``queryset`` the user may see (``view``) or change (``change``)."""
    model = queryset.model
    if action == VIEW:
        if is_bureau_wide(user):
            return queryset
        membership = membership_of(user)
        if membership is None or Role(membership.role) not in UNIT_STAFF_ROLES:
            return queryset.none()  # the security and the audit administrator see no budget data
        return queryset.filter(_unit_filter(model, membership.unit_id))
    if action == CHANGE:
        membership = membership_of(user)
        if membership is None or Role(membership.role) not in UNIT_STAFF_ROLES:
            return queryset.none()
        queryset = queryset.filter(_unit_filter(model, membership.unit_id))
        path = getattr(model, "access_state_path", None)
        if path is not None:
            queryset = queryset.filter(**{f"{path}__in": list(model.access_editable_states)})
        return queryset
    raise ValueError(f"unknown action {action!r}")


def can_view(user: AnyUser, obj) -> bool:
    if is_bureau_wide(user):
        return True
    membership = membership_of(user)
    return (
        membership is not None
        and Role(membership.role) in UNIT_STAFF_ROLES
        and unit_id_of(obj) == membership.unit_id
    )


def can_change(user: AnyUser, obj) -> bool:
    """The one "may edit": role, unit and workflow state (see the module's docstring)."""
    return acts_for_unit(user, unit_id_of(obj), UNIT_STAFF_ROLES) and editable_state(obj)


def change_refusal(user: AnyUser, obj) -> Literal["role", "state"] | None:
    """Why :func:`can_change` says no: the user is not the unit's staff ("role"), or the item
    is not in an editable state ("state"), so that a page can say which."""
    if not acts_for_unit(user, unit_id_of(obj), UNIT_STAFF_ROLES):
        return "role"
    return None if editable_state(obj) else "state"


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user: AnyUser, action: Action = VIEW) -> QuerySet:
        return restrict(self, user, action)


RestrictedManager = models.Manager.from_queryset(RestrictedQuerySet)


# --- Units and the bureau ---------------------------------------------------------------------


def visible_units(user: AnyUser) -> QuerySet[Unit]:
    return restrict(Unit.objects.all(), user, VIEW)


def can_view_unit(user: AnyUser, unit: Unit) -> bool:
    return can_view(user, unit)


def can_view_bureau(user: AnyUser) -> bool:
    """The bureau-wide pages (overview, consistency check) are for HQ roles only."""
    return is_bureau_wide(user)


def acts_for_unit(user: AnyUser, unit_id: int | None, roles) -> bool:
    """The user holds one of ``roles``; a unit's staff act for their own unit only, HQ roles
    for every unit."""
    role = role_of(user)
    if role not in roles:
        return False
    if role in UNIT_STAFF_ROLES:
        membership = membership_of(user)
        return membership is not None and unit_id is not None and membership.unit_id == unit_id
    return role in BUREAU_WIDE_ROLES


# --- The workflow: who may take a transition --------------------------------------------------


def can_act(user: AnyUser, obj, transition: Transition) -> bool:
    """The role may take this transition, for this unit. The state is the engine's to check,
    under a row lock."""
    return acts_for_unit(user, unit_id_of(obj), transition.roles)


def can_comment(user: AnyUser) -> bool:
    return is_hq_decider(user)


def can_request_adjustment(user: AnyUser, obj) -> bool:
    """An approved (locked) project, or a basic line of an approved unit submission, by the
    unit's own staff. Each later step of the adjustment (the head's sign-off, HQ's review and
    decision) is a transition of its machine, allowed by :func:`can_act`."""
    return acts_for_unit(user, unit_id_of(obj), UNIT_STAFF_ROLES) and obj.is_locked


def can_edit_bureau_documents(user: AnyUser) -> bool:
    """The disclosure text and other bureau-wide documents are HQ's deciders' to draft and edit;
    the auditor reads them."""
    return is_hq_decider(user)


def can_import_for_unit(user: AnyUser, unit: Unit) -> bool:
    """An import writes a unit's figures: only its own staff may run one (DOMAIN §10)."""
    return acts_for_unit(user, unit.pk, UNIT_STAFF_ROLES)


# --- Performance: targets, monitoring, evaluation ---------------------------------------------
# A unit's own preparer and head answer its performance forms; only the head sends them to HQ.
# HQ reviewers and approvers review them; only the HQ approver approves a change of target.


def can_edit_unit_performance(user: AnyUser, unit: Unit) -> bool:
    """Enter targets, monitoring answers and self-evaluations of ``unit``; ask for a target change."""
    return acts_for_unit(user, unit.pk, UNIT_STAFF_ROLES)


def can_submit_unit_performance(user: AnyUser, unit: Unit) -> bool:
    """Send ``unit``'s monitoring report or self-evaluation to HQ (the head signs it off)."""
    return acts_for_unit(user, unit.pk, {Role.BRANCH_HEAD})


def can_review_performance(user: AnyUser) -> bool:
    """Approve or return submitted monitoring reports and self-evaluations."""
    return is_hq_decider(user)


def can_approve_target_change(user: AnyUser) -> bool:
    return role_of(user) == Role.HQ_APPROVER


def can_run_performance_rounds(user: AnyUser) -> bool:
    """Open a cycle's monitoring round and import spending from the finance system."""
    return role_of(user) in HQ_DECIDER_ROLES | {Role.ADMINISTRATOR}


# --- Ceilings and expenditure standards (issue #14) -------------------------------------------
# HQ sets each unit's ceiling (控制数) and runs the cut scenarios; the unit ranks its own requests
# under it (``policy.can_change`` on the ceiling, while its round lets the unit rank); the auditor
# reads. The standards (支出标准) are bureau-wide data: HQ's deciders and the administrator keep them.


def can_set_ceilings(user: AnyUser) -> bool:
    """Set ceilings by hand or by a rule, compare cut scenarios, issue and approve rounds."""
    return is_hq_decider(user)


def can_manage_standards(user: AnyUser) -> bool:
    """Edit and import the expenditure standards of a cycle."""
    return role_of(user) in HQ_DECIDER_ROLES | {Role.ADMINISTRATOR}


# --- The yearly cycle -------------------------------------------------------------------------


def can_start_cycle(user: AnyUser) -> bool:
    """Start a new budget year (its calendar, format, catalogue and carried figures): the HQ
    approver, who publishes the last one, and the administrator, who keeps the cycle calendar."""
    return role_of(user) in {Role.HQ_APPROVER, Role.ADMINISTRATOR}


# --- Classification codes ---------------------------------------------------------------------


def can_manage_codes(user: AnyUser) -> bool:
    """Load and edit the classification codes and procurement catalogues: the administrator's
    (DOMAIN §10)."""
    return role_of(user) == Role.ADMINISTRATOR


# --- The department-wide self-evaluation's scope ----------------------------------------------


def can_evaluate_scope(user: AnyUser, unit: Unit, scope) -> bool:
    """``unit``'s own staff evaluate a scope that holds ``unit``; HQ's staff may add the
    special-funds units, which have no staff of their own (局本级 = HQ + 社保专项, DOMAIN §8)."""
    if not can_edit_unit_performance(user, unit):
        return False
    scope = list(scope)
    others = [u for u in scope if u.pk != unit.pk]
    if len(others) == len(scope):
        return False
    return not others or (unit.kind == UnitKind.HQ and all(u.kind == UnitKind.SPECIAL for u in others))


def can_use_admin(user: AnyUser) -> bool:
    """The Django admin: active staff of a bureau-wide role (HQ reviewer, approver, auditor) or
    one of the three administrators, once past the second factor. A branch user is refused even
    if someone ticked is_staff."""
    return bool(
        user.is_active
        and user.is_staff
        and role_of(user) in ADMIN_SITE_ROLES
        and not second_factor_pending(user)
    )


# --- The three administrators (三员: system, security, audit) ---------------------------------
# The system administrator keeps the accounts and roles of everyone else, the units, codes,
# schedules and tasks; the security administrator keeps the administrators' accounts and roles,
# the lockouts and the second-factor devices; the audit administrator reads the audit log. The
# admin asks these (besides the role's model permissions, core/roles.py) for those models.


def _holds_administrator_role(user) -> bool:
    return user.is_superuser or role_of(user) in ADMINISTRATOR_ROLES


def can_grant_role(actor: AnyUser, role) -> bool:
    """Give (or take away) ``role``: the system administrator every role but the three
    administrators', the security administrator only those three."""
    actor_role = role_of(actor)
    if actor_role == Role.ADMINISTRATOR:
        return role not in ADMINISTRATOR_ROLES
    if actor_role == Role.SECURITY_ADMINISTRATOR:
        return role in ADMINISTRATOR_ROLES
    return False


def can_manage_account(actor: AnyUser, target) -> bool:
    """Edit or delete ``target``'s account (its password included): the system administrator
    the accounts of the other roles, the security administrator the administrators'. Nobody
    their own (the password page is for that), nobody a superuser's."""
    if not actor.is_authenticated or target.pk == actor.pk or target.is_superuser:
        return False
    actor_role = role_of(actor)
    if actor_role == Role.ADMINISTRATOR:
        return not _holds_administrator_role(target)
    if actor_role == Role.SECURITY_ADMINISTRATOR:
        return _holds_administrator_role(target)
    return False


def can_manage_membership(actor: AnyUser, membership: Membership) -> bool:
    """Change or remove a membership: its role is one the actor may grant, and it is not the
    actor's own."""
    return membership.user_id != actor.pk and can_grant_role(actor, membership.role)


def can_read_audit_log(user: AnyUser) -> bool:
    """The audit log (and its chain's verification) is the audit administrator's alone."""
    return role_of(user) == Role.AUDIT_ADMINISTRATOR


def can_view_login_records(user: AnyUser) -> bool:
    """django-axes' login attempts and records: the security administrator (to unlock) and the
    audit administrator (to audit)."""
    return role_of(user) in {Role.SECURITY_ADMINISTRATOR, Role.AUDIT_ADMINISTRATOR}


def works_in_admin_only(user: AnyUser) -> bool:
    """The security and the audit administrator have no budget pages: they land in the admin."""
    return role_of(user) in {Role.SECURITY_ADMINISTRATOR, Role.AUDIT_ADMINISTRATOR}


def can_manage_security(user: AnyUser) -> bool:
    """Unlock an account (delete its login attempts) and reset a second-factor device."""
    return role_of(user) == Role.SECURITY_ADMINISTRATOR


# --- The second factor (TOTP, django-otp) -----------------------------------------------------


def needs_second_factor(user: AnyUser) -> bool:
    """HQ's bureau-wide roles and the administrators log in with a code after the password
    (OTP_REQUIRED switches it for the whole installation)."""
    return bool(settings.OTP_REQUIRED and user.is_authenticated and role_of(user) in SECOND_FACTOR_ROLES)


def second_factor_pending(user: AnyUser) -> bool:
    """The user needs a second factor and has not given it in this session (django-otp's
    OTPMiddleware puts ``is_verified`` on the request's user; a user without it is not)."""
    if not needs_second_factor(user):
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (is_verified is not None and is_verified())


# --- Deadline reminders -----------------------------------------------------------------------


def can_manage_reminders(user: AnyUser) -> bool:
    """Set when and how the deadline reminders go out (days before, daily when overdue,
    escalation): the HQ approver, who keeps the cycle's calendar, and the administrator, who
    keeps the reminder schedule (DOMAIN §10). The settings page and the admin both ask this."""
    return role_of(user) in {Role.HQ_APPROVER, Role.ADMINISTRATOR}

"""The roles of DOMAIN §10. A role is a Django group of the same name; the unit is on Membership."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BRANCH_PREPARER = "branch_preparer", _("Branch preparer")
    BRANCH_HEAD = "branch_head", _("Branch head")
    HQ_REVIEWER = "hq_reviewer", _("HQ reviewer")
    HQ_APPROVER = "hq_approver", _("HQ approver")
    AUDITOR = "auditor", _("Auditor (read-only)")
    # The three administrators (三员, 等保 8.1.5.1–8.1.5.3), one account each.
    ADMINISTRATOR = "administrator", _("System administrator")
    SECURITY_ADMINISTRATOR = "security_admin", _("Security administrator")
    AUDIT_ADMINISTRATOR = "audit_admin", _("Audit administrator")


# The role sets every app uses; no app declares its own.
# Roles whose holders see every unit of the bureau. The others see their own unit only.
BUREAU_WIDE_ROLES = frozenset({Role.HQ_REVIEWER, Role.HQ_APPROVER, Role.AUDITOR, Role.ADMINISTRATOR})
# A unit's own staff: they edit their unit's drafts and answer its forms, for their unit only.
UNIT_STAFF_ROLES = frozenset({Role.BRANCH_PREPARER, Role.BRANCH_HEAD})
# HQ's deciders: they review, return, cut and approve; they never edit a unit's figures.
HQ_DECIDER_ROLES = frozenset({Role.HQ_REVIEWER, Role.HQ_APPROVER})
# The three administrators (三员): the system administrator (accounts of the other roles, units,
# codes, schedules, tasks), the security administrator (the administrators' accounts and roles,
# lockouts, second-factor devices) and the audit administrator (reads the audit log). None holds
# another's permissions; the security and the audit administrator see no budget data.
ADMINISTRATOR_ROLES = frozenset({Role.ADMINISTRATOR, Role.SECURITY_ADMINISTRATOR, Role.AUDIT_ADMINISTRATOR})
# Who may enter the Django admin (core/policy.py can_use_admin).
ADMIN_SITE_ROLES = BUREAU_WIDE_ROLES | ADMINISTRATOR_ROLES
# Roles that log in with a second factor (TOTP) after the password (等保 8.1.4.1 d): HQ's
# bureau-wide roles and the administrators. The switch is the OTP_REQUIRED setting.
SECOND_FACTOR_ROLES = BUREAU_WIDE_ROLES | ADMINISTRATOR_ROLES

# Model permissions each role's group gets, for the Django admin.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.BRANCH_PREPARER: [],
    Role.BRANCH_HEAD: [],
    Role.HQ_REVIEWER: [
        "core.view_*",
        "budgets.view_*",
        "approvals.view_*",
        "disclosure.view_*",
        "reminders.view_*",
        "performance.view_*",
        "ceilings.view_*",
        "ceilings.*_expenditurestandard",
    ],
    Role.HQ_APPROVER: [
        "core.view_*",
        "budgets.view_*",
        "approvals.view_*",
        "disclosure.view_*",
        "reminders.view_*",
        "performance.view_*",
        "ceilings.view_*",
        "ceilings.*_expenditurestandard",
        "ceilings.*_warningrule",
    ],
    Role.AUDITOR: [
        "core.view_*",
        "budgets.view_*",
        "approvals.view_*",
        "disclosure.view_*",
        "reminders.view_*",
        "performance.view_*",
        "ceilings.view_*",
    ],
    # The system administrator: no audit log, no lockouts, no second-factor devices (三员).
    Role.ADMINISTRATOR: [
        "auth.*_user",
        "core.view_*",
        "core.*_membership",
        "core.*_unit",
        "core.*_servicestation",
        "budgets.*_functionalcode",
        "budgets.*_economiccode",
        "budgets.*_fundingsource",
        "budgets.*_catalogueversion",
        "budgets.*_procurementitem",
        "budgets.*_projectcategory",
        "budgets.*_budgetcycle",
        "budgets.*_cycledeadline",
        "budgets.*_staffingfact",
        "budgets.view_*",
        "django_celery_beat.*",
        "django_celery_results.view_*",
        "django_celery_results.delete_*",
        "reminders.*_reminderpolicy",
        "reminders.view_*",
        "disclosure.view_*",
        "performance.view_*",
        "performance.*_performancesettings",
        "ceilings.view_*",
        "ceilings.*_expenditurestandard",
        "ceilings.*_warningrule",
    ],
    # The security administrator: the administrators' accounts and memberships (core/policy.py
    # can_manage_account, can_grant_role), lockouts and second-factor devices.
    Role.SECURITY_ADMINISTRATOR: [
        "auth.view_user",
        "auth.change_user",
        "core.*_membership",
        "core.view_unit",
        "axes.view_*",
        "axes.delete_accessattempt",
        "audit.view_secondfactordevice",
        "audit.delete_secondfactordevice",
    ],
    # The audit administrator: reads the audit log and the login records, nothing else.
    Role.AUDIT_ADMINISTRATOR: [
        "audit.view_auditentry",
        "axes.view_accesslog",
        "axes.view_accessfailurelog",
        "axes.view_accessattempt",
    ],
}

"""The roles of DOMAIN §10. A role is a Django group of the same name; the unit is on Membership."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BRANCH_PREPARER = "branch_preparer", _("Branch preparer")
    BRANCH_HEAD = "branch_head", _("Branch head")
    HQ_REVIEWER = "hq_reviewer", _("HQ reviewer")
    HQ_APPROVER = "hq_approver", _("HQ approver")
    AUDITOR = "auditor", _("Auditor (read-only)")
    ADMINISTRATOR = "administrator", _("Administrator")


# The role sets every app uses; no app declares its own.
# Roles whose holders see every unit of the bureau. The others see their own unit only.
BUREAU_WIDE_ROLES = frozenset({Role.HQ_REVIEWER, Role.HQ_APPROVER, Role.AUDITOR, Role.ADMINISTRATOR})
# A unit's own staff: they edit their unit's drafts and answer its forms, for their unit only.
UNIT_STAFF_ROLES = frozenset({Role.BRANCH_PREPARER, Role.BRANCH_HEAD})
# HQ's deciders: they review, return, cut and approve; they never edit a unit's figures.
HQ_DECIDER_ROLES = frozenset({Role.HQ_REVIEWER, Role.HQ_APPROVER})
# Roles that log in with a second factor (TOTP) after the password (等保 8.1.4.1 d): HQ's
# bureau-wide roles and the administrators. The switch is the OTP_REQUIRED setting.
SECOND_FACTOR_ROLES = BUREAU_WIDE_ROLES

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
        "audit.view_*",
        "core.view_*",
        "budgets.view_*",
        "approvals.view_*",
        "disclosure.view_*",
        "reminders.view_*",
        "performance.view_*",
        "ceilings.view_*",
    ],
    Role.ADMINISTRATOR: [
        "audit.view_*",
        "axes.view_*",
        "axes.delete_accessattempt",
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
}

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


# Roles whose holders see every unit of the bureau. The others see their own unit only.
BUREAU_WIDE_ROLES = frozenset({Role.HQ_REVIEWER, Role.HQ_APPROVER, Role.AUDITOR, Role.ADMINISTRATOR})

# Model permissions each role's group gets, for the Django admin.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.BRANCH_PREPARER: [],
    Role.BRANCH_HEAD: [],
    Role.HQ_REVIEWER: [
        "budgets.view_*",
        "approvals.view_*",
        "disclosure.view_*",
        "reminders.view_*",
        "performance.view_*",
    ],
    Role.HQ_APPROVER: [
        "budgets.view_*",
        "approvals.view_*",
        "disclosure.view_*",
        "reminders.view_*",
        "performance.view_*",
    ],
    Role.AUDITOR: [
        "budgets.view_*",
        "approvals.view_*",
        "disclosure.view_*",
        "reminders.view_*",
        "performance.view_*",
    ],
    Role.ADMINISTRATOR: [
        "auth.*_user",
        "approvals.*_membership",
        "budgets.*_unit",
        "budgets.*_servicestation",
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
        "reminders.*_reminderpolicy",
        "reminders.view_*",
        "disclosure.view_*",
        "performance.view_*",
        "performance.*_performancesettings",
    ],
}

"""The three administrators kept apart (三员, 等保 8.1.5.1–8.1.5.3): what `check_admin_separation`
checks and `create_administrators` sets up. The rules themselves are core/policy.py's and the
roles' permissions core/roles.py's; this only finds an installation that would break them."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Count

from core.models import Membership
from core.roles import Role

# Permissions a role's group must never carry, by "app_label.codename" prefix.
FORBIDDEN = {
    Role.ADMINISTRATOR: ("audit.", "axes.", "otp_totp."),
    Role.SECURITY_ADMINISTRATOR: ("audit.view_auditentry", "audit.add_", "audit.change_auditentry"),
    Role.AUDIT_ADMINISTRATOR: ("*.add_", "*.change_", "*.delete_"),
}


def _forbidden(perm: str, patterns) -> bool:
    _app, _dot, codename = perm.partition(".")
    for pattern in patterns:
        if pattern.startswith("*."):
            if codename.startswith(pattern[2:]):
                return True
        elif perm.startswith(pattern):
            return True
    return False


def problems() -> list[str]:
    found = []
    users = get_user_model().objects
    for name in users.filter(is_superuser=True, is_active=True).values_list("username", flat=True):
        found.append(f"{name}: an active superuser holds every permission of the three administrators")
    for name in users.filter(user_permissions__isnull=False).distinct().values_list("username", flat=True):
        found.append(f"{name}: permissions set on the account itself (only the role's count)")
    for name in users.filter(groups__isnull=False).distinct().values_list("username", flat=True):
        found.append(f"{name}: in a group (only the role's count)")
    if not Membership._meta.get_field("user").unique:
        found.append("Membership.user is not unique: an account could hold two roles")
    twice = Membership.objects.values("user").annotate(n=Count("id")).filter(n__gt=1)
    for row in twice:
        found.append(f"user id {row['user']}: {row['n']} memberships")
    for role, patterns in FORBIDDEN.items():
        perms = Permission.objects.filter(group__name=role.value).values_list(
            "content_type__app_label", "codename"
        )
        for app, codename in perms:
            if _forbidden(f"{app}.{codename}", patterns):
                found.append(f"role {role.value}: holds {app}.{codename}, another administrator's")
    return found

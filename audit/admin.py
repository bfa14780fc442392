from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import policy

from .models import AuditEntry, SecondFactorDevice


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only for everyone: the log is written by the application only."""

    list_display = ("at", "kind", "username", "ip", "method", "path")
    list_filter = ("kind",)
    search_fields = ("username", "ip", "path")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    # The audit administrator's alone (三员, core/policy.py), superusers included in the refusal.
    def has_module_permission(self, request):
        return policy.can_read_audit_log(request.user)

    def has_view_permission(self, request, obj=None):
        return policy.can_read_audit_log(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# django-otp's own admin shows a device's secret and QR code and its labels are English: ours
# lists the devices and lets the security administrator delete one (a reset), nothing more.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(SecondFactorDevice)
class SecondFactorDeviceAdmin(admin.ModelAdmin):
    list_display = ("owner", "enrolled", "created", "last_used")
    list_filter = ("confirmed",)
    search_fields = ("user__username", "user__first_name")
    fields = ("owner", "enrolled", "created", "last_used")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    @admin.display(description=_("user"), ordering="user__username")
    def owner(self, device):
        return device.user

    @admin.display(description=_("confirmed"), boolean=True, ordering="confirmed")
    def enrolled(self, device):
        return device.confirmed

    @admin.display(description=_("created"), ordering="created_at")
    def created(self, device):
        return device.created_at

    @admin.display(description=_("last used"), ordering="last_used_at")
    def last_used(self, device):
        return device.last_used_at

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # The security administrator's (三员, core/policy.py): see the devices, delete one to reset it.
    def has_module_permission(self, request):
        return policy.can_manage_security(request.user)

    def has_view_permission(self, request, obj=None):
        return policy.can_manage_security(request.user) and super().has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return policy.can_manage_security(request.user) and super().has_delete_permission(request, obj)


class LoginRecordsPolicy:
    """django-axes' records: the security and the audit administrator read them; only the
    security administrator deletes an attempt (unlocks the account); nobody changes one."""

    unlocks = False

    def has_module_permission(self, request):
        return policy.can_view_login_records(request.user)

    def has_view_permission(self, request, obj=None):
        return policy.can_view_login_records(request.user) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return (
            self.unlocks
            and policy.can_manage_security(request.user)
            and super().has_delete_permission(request, obj)
        )


class AccessAttemptPolicyAdmin(LoginRecordsPolicy, AccessAttemptAdmin):
    unlocks = True


class AccessLogPolicyAdmin(LoginRecordsPolicy, AccessLogAdmin):
    pass


class AccessFailureLogPolicyAdmin(LoginRecordsPolicy, AccessFailureLogAdmin):
    pass


for _model, _admin in (
    (AccessAttempt, AccessAttemptPolicyAdmin),
    (AccessLog, AccessLogPolicyAdmin),
    (AccessFailureLog, AccessFailureLogPolicyAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
        admin.site.register(_model, _admin)

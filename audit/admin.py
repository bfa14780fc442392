from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import AuditEntry, SecondFactorDevice


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only for everyone: the log is written by the application only."""

    list_display = ("at", "kind", "username", "ip", "method", "path")
    list_filter = ("kind",)
    search_fields = ("username", "ip", "path")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

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
    fields = ()

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

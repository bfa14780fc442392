from django.contrib import admin

from core.policy import can_manage_reminders, visible_units

from .models import ReminderLog, ReminderPolicy, WarningLog


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(admin.ModelAdmin):
    list_display = ["kind", "enabled", "days_before", "overdue_daily", "stop_after_days",
                    "escalate_to_head_after", "escalate_to_hq_after"]  # fmt: skip
    list_editable = ["enabled", "days_before", "overdue_daily"]

    # Who may change the policies is core.policy's rule, as on the HQ settings page.
    def has_change_permission(self, request, obj=None):
        return can_manage_reminders(request.user)

    def has_add_permission(self, request):
        return can_manage_reminders(request.user)

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "deadline", "unit", "recipient", "step", "days_left", "message"]
    list_filter = ["step", "deadline__kind", "deadline__cycle", "unit"]
    search_fields = ["recipient__username", "recipient__first_name", "unit__name"]
    list_select_related = ["deadline__cycle", "unit", "recipient", "message"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(unit__in=visible_units(request.user))


@admin.register(WarningLog)
class WarningLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "unit", "recipient", "step", "text_zh", "raised_on", "message"]
    list_filter = ["step", "source", "unit"]
    search_fields = ["recipient__username", "unit__name", "key"]
    list_select_related = ["unit", "recipient", "message"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(unit__in=visible_units(request.user))

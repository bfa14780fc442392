"""Admin: lists cut to the units the user may see (core.policy). Reports, changes and their
history are read-only here: they change only through the services (their state machines)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.policy import can_view_bureau, visible_units

from .models import (
    DepartmentEvaluation,
    DepartmentTarget,
    DepartmentTask,
    Indicator,
    MonitoringRound,
    PerformanceSettings,
    ProjectEvaluation,
    ProjectMonitoring,
    SpendingImport,
    SpendingRecord,
    TargetChange,
)


class UnitScopedAdmin(admin.ModelAdmin):
    unit_paths: tuple[str, ...] = ()

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        units = visible_units(request.user)
        scoped = qs.none()
        for path in self.unit_paths:
            scoped = scoped | qs.filter(**{f"{path}__in": units})
        return scoped


class BureauScopedAdmin(admin.ModelAdmin):
    """Rows that belong to no single unit (rounds, imports, history): HQ roles only."""

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if can_view_bureau(request.user) else qs.none()


class ReadOnlyMixin:
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, UnitScopedAdmin):
    pass


class ReadOnlyBureauAdmin(ReadOnlyMixin, BureauScopedAdmin):
    pass


@admin.register(PerformanceSettings)
class PerformanceSettingsAdmin(BureauScopedAdmin):
    list_display = [
        "cycle",
        "execution_weight",
        "output_weight",
        "effect_weight",
        "satisfaction_weight",
        "light_yellow_from",
        "light_green_from",
        "light_blue_from",
    ]


class DepartmentTaskInline(admin.TabularInline):
    model = DepartmentTask
    extra = 0


@admin.register(DepartmentTarget)
class DepartmentTargetAdmin(UnitScopedAdmin):
    unit_paths = ("unit",)
    list_display = ["cycle", "unit", "supervisor"]
    list_filter = ["cycle", "unit"]
    list_select_related = ["cycle", "unit"]
    inlines = [DepartmentTaskInline]


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    unit_paths = ("project__budget__unit", "department_target__unit")
    list_display = [
        "name",
        "project",
        "department_target",
        "level1",
        "level2",
        "target_text",
        "target_source",
    ]
    list_filter = ["level1", "level2", "target_kind", "target_needs_review", "project__budget__cycle"]
    search_fields = ["name", "target_text", "project__name"]
    list_select_related = ["project", "department_target__unit", "department_target__cycle"]


@admin.register(MonitoringRound)
class MonitoringRoundAdmin(ReadOnlyBureauAdmin):
    list_display = ["cycle", "opened_at"]


@admin.register(ProjectMonitoring)
class ProjectMonitoringAdmin(ReadOnlyAdmin):
    unit_paths = ("project__budget__unit",)
    list_display = ["project", "round", "state", "adjusted_budget", "expected_spending"]
    list_filter = ["state", "round", "project__budget__unit"]
    list_select_related = ["project__budget__unit", "round__cycle"]


@admin.register(TargetChange)
class TargetChangeAdmin(ReadOnlyAdmin):
    unit_paths = ("indicator__project__budget__unit",)
    list_display = ["indicator", "previous_text", "new_text", "state", "requested_by", "decided_by"]
    list_filter = ["state"]
    list_select_related = ["indicator", "requested_by", "decided_by"]


@admin.register(SpendingImport)
class SpendingImportAdmin(ReadOnlyBureauAdmin):
    list_display = ["filename", "cycle", "rows", "imported_by", "imported_at"]


@admin.register(SpendingRecord)
class SpendingRecordAdmin(ReadOnlyAdmin):
    unit_paths = ("unit",)
    list_display = ["cycle", "unit", "project", "month", "amount"]
    list_filter = ["cycle", "unit", "month"]
    list_select_related = ["cycle", "unit", "project"]


@admin.register(ProjectEvaluation)
class ProjectEvaluationAdmin(ReadOnlyAdmin):
    unit_paths = ("project__budget__unit",)
    list_display = ["project", "state", "adjusted_budget", "spending"]
    list_filter = ["state", "project__budget__cycle", "project__budget__unit"]
    list_select_related = ["project__budget__unit"]


@admin.register(DepartmentEvaluation)
class DepartmentEvaluationAdmin(ReadOnlyAdmin):
    unit_paths = ("unit",)
    list_display = ["cycle", "unit", "scope_units", "state"]
    list_filter = ["state", "cycle"]
    list_select_related = ["cycle", "unit"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("scope")

    @admin.display(description=_("evaluated units"))
    def scope_units(self, obj: DepartmentEvaluation) -> str:
        return "、".join(u.short_name for u in obj.scope.all())

from django.contrib import admin
from import_export.admin import ImportExportModelAdmin
from import_export.forms import SelectableFieldsExportForm

from core import policy

from .models import ExpenditureStandard, RoundSnapshot, UnitCeiling, WarningRule
from .resources import StandardResource


class ReadOnlyUnitAdmin(admin.ModelAdmin):
    """Ceilings and their snapshots move only through the rounds' machine (the pages, the API):
    the admin lists what the policy lets the user see."""

    def get_queryset(self, request):
        return policy.restrict(super().get_queryset(request), request.user, policy.VIEW)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UnitCeiling)
class UnitCeilingAdmin(ReadOnlyUnitAdmin):
    list_display = ["cycle", "unit", "state", "total", "project_ceiling", "basis", "rule_percent"]
    list_filter = ["cycle", "state", "basis"]
    list_select_related = ["cycle", "unit"]


@admin.register(RoundSnapshot)
class RoundSnapshotAdmin(ReadOnlyUnitAdmin):
    list_display = [
        "ceiling",
        "round",
        "ceiling_total",
        "requested_total",
        "kept_total",
        "below_total",
        "created_at",
    ]
    list_filter = ["round", "ceiling__cycle"]
    list_select_related = ["ceiling__cycle", "ceiling__unit"]


class BureauDataAdmin(admin.ModelAdmin):
    """Bureau-wide data kept by HQ: the group's permissions (core/roles.py) and the policy agree."""

    may = staticmethod(policy.can_manage_standards)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and self.may(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.may(request.user)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.may(request.user)


class StandardExportForm(SelectableFieldsExportForm):
    """The export's field checkboxes named by the workbook's Chinese column, not by the field's
    English name ("Amount (标准金额（元）)")."""

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        return field.column_name if field else field_name


@admin.register(ExpenditureStandard)
class ExpenditureStandardAdmin(BureauDataAdmin, ImportExportModelAdmin):
    resource_classes = [StandardResource]
    export_form_class = StandardExportForm
    list_display = ["cycle", "kind", "basis", "amount", "economic_code", "functional_code"]
    list_filter = ["cycle", "basis"]
    search_fields = ["kind", "economic_code__code", "economic_code__name"]
    list_select_related = ["cycle", "economic_code", "functional_code"]

    def has_import_permission(self, request):
        return self.may(request.user)


@admin.register(WarningRule)
class WarningRuleAdmin(BureauDataAdmin):
    list_display = [
        "name",
        "kind",
        "scope",
        "by_month",
        "threshold_percent",
        "months",
        "escalate_to_hq_after",
        "enabled",
    ]
    list_editable = ["enabled"]

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.models import Unit
from core.policy import visible_units

from .models import (
    AssetLine,
    BasicExpenditureLine,
    BudgetCycle,
    CatalogueVersion,
    CycleDeadline,
    EconomicCode,
    FunctionalCode,
    FundingSource,
    ProcurementItem,
    ProcurementLine,
    Project,
    ProjectCategory,
    ProjectFunctionalPart,
    ProjectSubItem,
    PublishedFigure,
    StaffingFact,
    ThreePublicExpense,
    UnitBudget,
)


class UnitScopedAdmin(SimpleHistoryAdmin):
    """Admin lists only rows of units the user may see (approvals.policy), for any role; the
    history of each row is one click away; an approved item cannot be changed here either."""

    unit_path = "budget__unit"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.filter(**{f"{self.unit_path}__in": visible_units(request.user)})

    def _locked(self, obj) -> bool:
        for holder in (obj, getattr(obj, "project", None), getattr(obj, "budget", None)):
            if holder is not None and getattr(holder, "is_locked", False):
                return True
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and self._locked(obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and self._locked(obj))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Old versions may be looked at, never saved back: that would bypass the workflow.
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class CodeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    ordering = ["code"]


@admin.register(FunctionalCode)
class FunctionalCodeAdmin(CodeAdmin):
    pass


@admin.register(EconomicCode)
class EconomicCodeAdmin(CodeAdmin):
    pass


@admin.register(FundingSource)
class FundingSourceAdmin(CodeAdmin):
    list_display = ["code", "name", "parent", "is_fiscal", "sort_order"]
    list_filter = ["is_fiscal"]


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(ProcurementItem)
class ProcurementItemAdmin(CodeAdmin):
    list_display = ["code", "name", "catalogue", "parent"]
    list_filter = ["catalogue"]


@admin.register(ProjectCategory)
class ProjectCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_order", "is_reserve", "is_carried_over_procurement"]
    list_filter = ["is_reserve", "is_carried_over_procurement"]
    search_fields = ["name"]


class CycleDeadlineInline(admin.TabularInline):
    model = CycleDeadline
    extra = 0


@admin.register(BudgetCycle)
class BudgetCycleAdmin(admin.ModelAdmin):
    list_display = ["year", "state", "disclosure_format", "procurement_catalogue"]
    list_filter = ["state", "disclosure_format"]
    search_fields = ["year"]
    inlines = [CycleDeadlineInline]


@admin.register(CycleDeadline)
class CycleDeadlineAdmin(admin.ModelAdmin):
    list_display = ["cycle", "kind", "due_date"]
    list_filter = ["cycle", "kind"]
    search_fields = ["cycle__year"]
    date_hierarchy = "due_date"


@admin.register(StaffingFact)
class StaffingFactAdmin(UnitScopedAdmin):
    unit_path = "unit"
    list_display = [
        "cycle",
        "unit",
        "authorised_headcount",
        "actual_headcount",
        "retired",
        "outsourced_staff",
        "vehicles",
    ]
    list_filter = ["cycle", "unit"]
    search_fields = ["unit__name"]


@admin.register(UnitBudget)
class UnitBudgetAdmin(UnitScopedAdmin):
    unit_path = "unit"
    list_display = ["cycle", "unit"]
    list_filter = ["cycle", "unit__kind", "unit"]
    search_fields = ["unit__name", "unit__code"]
    list_select_related = ["cycle", "unit"]


@admin.register(BasicExpenditureLine)
class BasicExpenditureLineAdmin(UnitScopedAdmin):
    list_display = ["budget", "functional_code", "economic_code", "funding_source", "amount"]
    list_filter = ["budget__cycle", "budget__unit", "funding_source"]
    search_fields = ["functional_code__code", "functional_code__name", "economic_code__code", "note"]
    list_select_related = [
        "budget__unit",
        "budget__cycle",
        "functional_code",
        "economic_code",
        "funding_source",
    ]


class ProjectSubItemInline(admin.TabularInline):
    model = ProjectSubItem
    extra = 0


@admin.register(Project)
class ProjectAdmin(UnitScopedAdmin):
    list_display = ["name", "budget", "category", "project_type", "fiscal_amount", "other_amount"]
    list_filter = ["budget__cycle", "budget__unit", "project_type", "use_of_funds", "category"]
    search_fields = ["name", "purpose", "annual_goal"]
    list_select_related = ["budget__unit", "budget__cycle", "category"]
    inlines = [ProjectSubItemInline]


@admin.register(ProjectSubItem)
class ProjectSubItemAdmin(UnitScopedAdmin):
    unit_path = "project__budget__unit"
    list_display = ["name", "project", "amount"]
    list_filter = ["project__budget__cycle", "project__budget__unit"]
    search_fields = ["name", "project__name"]


@admin.register(ProjectFunctionalPart)
class ProjectFunctionalPartAdmin(UnitScopedAdmin):
    list_display = ["budget", "functional_code", "amount", "note"]
    list_filter = ["budget__cycle", "budget__unit"]
    search_fields = ["functional_code__code", "functional_code__name", "note"]
    list_select_related = ["budget__unit", "budget__cycle", "functional_code"]


@admin.register(ProcurementLine)
class ProcurementLineAdmin(UnitScopedAdmin):
    list_display = [
        "budget",
        "item",
        "description",
        "amount",
        "sme_amount",
        "small_micro_amount",
        "carried_over",
    ]
    list_filter = ["budget__cycle", "budget__unit", "carried_over", "item__catalogue"]
    search_fields = ["item__code", "item__name", "description"]
    list_select_related = ["budget__unit", "budget__cycle", "item"]


@admin.register(ThreePublicExpense)
class ThreePublicExpenseAdmin(UnitScopedAdmin):
    list_display = ["budget", "year", "abroad", "reception", "vehicle_purchase", "vehicle_operation"]
    list_filter = ["budget__cycle", "budget__unit", "year"]
    search_fields = ["budget__unit__name"]


@admin.register(AssetLine)
class AssetLineAdmin(UnitScopedAdmin):
    list_display = ["budget", "category", "held_quantity", "planned_quantity", "planned_amount"]
    list_filter = ["budget__cycle", "budget__unit", "category"]
    search_fields = ["budget__unit__name"]


@admin.register(PublishedFigure)
class PublishedFigureAdmin(admin.ModelAdmin):
    list_display = ["cycle", "table", "unit", "row", "column", "label", "amount"]
    list_filter = ["cycle", "table", "unit"]
    search_fields = ["row", "column", "label"]
    list_select_related = ["cycle", "unit"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        units = visible_units(request.user)
        if units.count() == Unit.objects.count():
            return qs
        return qs.filter(unit__in=units)


admin.site.site_header = _("Budget cycle administration")
admin.site.site_title = _("Budget cycle")

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core import policy
from core.models import Unit
from core.policy import visible_units

from . import services as budget_services
from .catalogue import catalogue_load_xlsx
from .models import (
    AssetLine,
    BasicExpenditureLine,
    BudgetCycle,
    CatalogueVersion,
    CycleDeadline,
    CycleState,
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

WORKFLOW_FIELDS = ("state", "state_changed_at", "version")


class UnitScopedAdmin(SimpleHistoryAdmin):
    """A unit's data in the admin, held to the one policy (core.policy) like every other path:
    lists show what the user may see; adding, changing and deleting a row is for whom
    ``policy.can_change`` allows it (the unit's own preparer or head, while the item is a draft or
    returned). The workflow's fields (state, version) are read-only: only the workflow and the
    services move them."""

    unit_path = "budget__unit"

    def get_queryset(self, request):
        return policy.restrict(super().get_queryset(request), request.user, policy.VIEW)

    def get_readonly_fields(self, request, obj=None):
        names = {f.name for f in self.model._meta.get_fields()}
        return [*super().get_readonly_fields(request, obj), *(f for f in WORKFLOW_FIELDS if f in names)]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and policy.is_unit_staff(request.user)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return policy.can_change(request.user, obj) if obj is not None else policy.is_unit_staff(request.user)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return policy.can_change(request.user, obj) if obj is not None else policy.is_unit_staff(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A row is added to, or moved to, only a budget or project the user may change.
        related = db_field.related_model
        if db_field.name in ("budget", "project") and hasattr(related, "access_unit_path"):
            kwargs["queryset"] = policy.restrict(related.objects.all(), request.user, policy.CHANGE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # The last word, whatever the form let through: the row as it would be saved.
        if not policy.can_change(request.user, obj):
            raise PermissionDenied
        if hasattr(obj, "version") and change:
            obj.version += 1
        obj._history_user = request.user
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        if not policy.can_change(request.user, obj):
            raise PermissionDenied
        obj._history_user = request.user
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        for inline in formset.forms:
            instance = inline.instance
            if inline.has_changed() and not policy.can_change(request.user, instance):
                raise PermissionDenied
        super().save_formset(request, form, formset, change)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Old versions may be looked at, never saved back: that would bypass the workflow.
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class CodeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent_code"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    ordering = ["code"]

    @admin.display(description=_("parent code"), ordering="parent__code")
    def parent_code(self, obj):
        return obj.parent or "—"


@admin.register(FunctionalCode)
class FunctionalCodeAdmin(CodeAdmin):
    pass


@admin.register(EconomicCode)
class EconomicCodeAdmin(CodeAdmin):
    pass


@admin.register(FundingSource)
class FundingSourceAdmin(CodeAdmin):
    list_display = ["code", "name", "parent_code", "is_fiscal", "sort_order"]
    list_filter = ["is_fiscal"]


class CatalogueUploadForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx，列：品目编码、品目名称）"))

    def clean_file(self):
        file = self.cleaned_data["file"]
        if not file.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 文件"))
        return file


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(admin.ModelAdmin):
    """A catalogue version; its change page offers "从 Excel 导入品目" to administrators
    (budgets.catalogue.catalogue_load_xlsx: all or nothing, every bad row reported)."""

    list_display = ["code", "name", "item_count"]
    search_fields = ["code", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_count=Count("items"))

    @admin.display(description=_("品目数"), ordering="item_count")
    def item_count(self, obj):
        return obj.item_count

    def get_urls(self):
        view = self.admin_site.admin_view(self.load_items_view)
        return [
            path("<path:object_id>/import/", view, name="budgets_catalogueversion_import"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_load_items": policy.can_manage_codes(request.user)}
        return super().change_view(request, object_id, form_url, extra_context)

    def load_items_view(self, request, object_id):
        if not policy.can_manage_codes(request.user):
            raise PermissionDenied
        catalogue = self.get_object(request, object_id)
        if catalogue is None:
            raise Http404
        summary = None
        form = CatalogueUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            summary = catalogue_load_xlsx(
                actor=request.user, catalogue=catalogue, file=form.cleaned_data["file"]
            )
            if summary.ok:
                self.message_user(
                    request,
                    _("已导入：新增 %(added)d 个品目，更新 %(updated)d 个，未变 %(unchanged)d 个")
                    % {
                        "added": len(summary.added),
                        "updated": len(summary.updated),
                        "unchanged": summary.unchanged,
                    },
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    _("文件有 %(count)d 处错误，未导入任何品目") % {"count": len(summary.errors)},
                    messages.ERROR,
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("从 Excel 导入品目：%(catalogue)s") % {"catalogue": catalogue},
            "opts": self.model._meta,
            "original": catalogue,
            "form": form,
            "summary": summary,
        }
        return TemplateResponse(request, "admin/budgets/catalogueversion/load_items.html", context)


@admin.register(ProcurementItem)
class ProcurementItemAdmin(CodeAdmin):
    list_display = ["code", "name", "catalogue", "parent_code", "listed"]
    list_filter = ["catalogue", "listed"]


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
        "floor_area",
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
    """A project's sub-items, changed with it: the same rule as the project."""

    model = ProjectSubItem
    extra = 0

    def has_add_permission(self, request, obj=None):
        return (
            super().has_add_permission(request, obj)
            and obj is not None
            and policy.can_change(request.user, obj)
        )

    def has_change_permission(self, request, obj=None):
        return (
            super().has_change_permission(request, obj)
            and obj is not None
            and policy.can_change(request.user, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return (
            super().has_delete_permission(request, obj)
            and obj is not None
            and policy.can_change(request.user, obj)
        )


@admin.register(Project)
class ProjectAdmin(UnitScopedAdmin):
    list_display = ["name", "budget", "category", "project_type", "fiscal_amount", "other_amount"]
    list_filter = ["budget__cycle", "budget__unit", "project_type", "use_of_funds", "category"]
    search_fields = ["name", "purpose", "annual_goal"]
    list_select_related = ["budget__unit", "budget__cycle", "category"]
    inlines = [ProjectSubItemInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "budget":
            kwargs["queryset"] = policy.restrict(UnitBudget.objects.all(), request.user, policy.VIEW).filter(
                cycle__state=CycleState.PREPARATION
            )
            return admin.ModelAdmin.formfield_for_foreignkey(self, db_field, request, **kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # A new project request: the rule of the page (budgets.services.can_add_project).
        if not change and not budget_services.can_add_project(request.user, obj.budget):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


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

"""The library in the admin: the suggestion rules and the settings are HQ's to edit; the
projects, plans, assessments and decisions are records to read (they change through the
library's pages and services only)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from budgets.money import format_money
from core import policy
from core.admin import ReadOnlyAdmin

from .models import (
    Assessment,
    LibraryProject,
    LibrarySettings,
    LibraryYear,
    PlanRow,
    SuggestionDecision,
    SuggestionRule,
)


class HQEditable(admin.ModelAdmin):
    """HQ's deciders edit; every HQ role and the auditor read."""

    def has_module_permission(self, request):
        return policy.is_bureau_wide(request.user)

    def has_view_permission(self, request, obj=None):
        return policy.is_bureau_wide(request.user)

    def has_add_permission(self, request):
        return policy.is_hq_decider(request.user)

    def has_change_permission(self, request, obj=None):
        return policy.is_hq_decider(request.user)

    def has_delete_permission(self, request, obj=None):
        return policy.is_hq_decider(request.user)


@admin.register(SuggestionRule)
class SuggestionRuleAdmin(HQEditable):
    list_display = ["name", "condition", "grade", "threshold", "effect", "percent", "active", "sort_order"]
    list_editable = ["active", "sort_order"]
    list_filter = ["condition", "effect", "active"]


@admin.register(LibrarySettings)
class LibrarySettingsAdmin(HQEditable):
    list_display = ["cycle", "assessment_threshold"]


class RestrictedRecords(ReadOnlyAdmin):
    def get_queryset(self, request):
        return policy.restrict(super().get_queryset(request), request.user)


@admin.register(LibraryProject)
class LibraryProjectAdmin(RestrictedRecords):
    list_display = ["code", "name", "unit", "kind", "state", "first_year"]
    list_filter = ["state", "kind", "unit"]
    search_fields = ["code", "name"]
    list_select_related = ["unit"]


@admin.register(LibraryYear)
class LibraryYearAdmin(RestrictedRecords):
    list_display = ["library_project", "cycle", "project"]
    list_select_related = ["library_project", "cycle", "project"]


@admin.register(PlanRow)
class PlanRowAdmin(RestrictedRecords):
    list_display = ["library_project", "made_in", "year", "amount"]
    list_filter = ["made_in"]


@admin.register(Assessment)
class AssessmentAdmin(RestrictedRecords):
    list_display = ["library_project", "cycle", "conclusion", "assessed_by", "assessed_at"]
    list_filter = ["conclusion", "cycle"]


@admin.register(SuggestionDecision)
class SuggestionDecisionAdmin(RestrictedRecords):
    list_display = ["project", "event", "requested", "suggested", "decided", "distance_yuan"]
    list_select_related = ["project", "event"]

    @admin.display(description=_("distance from the suggestion (yuan)"))
    def distance_yuan(self, obj):
        return format_money(obj.distance, "yuan")

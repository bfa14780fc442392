"""Read-only API. Every queryset is cut down to the units the caller may see (core.policy)."""

import django_filters
from rest_framework import viewsets

from budgets.adjustments import with_initial_amounts
from budgets.models import (
    BudgetCycle,
    EconomicCode,
    FunctionalCode,
    FundingSource,
    ProcurementItem,
    Project,
    UnitBudget,
)
from budgets.selectors import budgets_with_totals, projects_for_units
from core.policy import visible_units

from . import serializers
from .workflow import TransitionMixin


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.UnitSerializer
    lookup_field = "code"
    filterset_fields = ["kind"]

    def get_queryset(self):
        return visible_units(self.request.user)


class BudgetCycleViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.BudgetCycleSerializer
    lookup_field = "year"
    queryset = BudgetCycle.objects.select_related("procurement_catalogue").prefetch_related("deadlines")


class FunctionalCodeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.FunctionalCodeSerializer
    lookup_field = "code"
    queryset = FunctionalCode.objects.select_related("parent")


class EconomicCodeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.EconomicCodeSerializer
    lookup_field = "code"
    queryset = EconomicCode.objects.select_related("parent")


class FundingSourceViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.FundingSourceSerializer
    lookup_field = "code"
    queryset = FundingSource.objects.select_related("parent")


class ProcurementItemFilter(django_filters.FilterSet):
    catalogue = django_filters.CharFilter(field_name="catalogue__code")
    code = django_filters.CharFilter(field_name="code", lookup_expr="startswith")

    class Meta:
        model = ProcurementItem
        fields = ["catalogue", "code", "listed"]


class ProcurementItemViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.ProcurementItemSerializer
    queryset = ProcurementItem.objects.select_related("catalogue", "parent")
    filterset_class = ProcurementItemFilter


class ProjectFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="budget__cycle__year")
    unit = django_filters.CharFilter(field_name="budget__unit__code")

    class Meta:
        model = Project
        fields = ["year", "unit", "project_type"]


class ProjectViewSet(TransitionMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.ProjectSerializer
    filterset_class = ProjectFilter

    def get_queryset(self):
        return with_initial_amounts(projects_for_units(visible_units(self.request.user)))


class UnitBudgetFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="cycle__year")
    unit = django_filters.CharFilter(field_name="unit__code")

    class Meta:
        model = UnitBudget
        fields = ["year", "unit"]


class UnitBudgetViewSet(TransitionMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.UnitBudgetSerializer
    filterset_class = UnitBudgetFilter

    def get_queryset(self):
        units = visible_units(self.request.user)
        return budgets_with_totals(UnitBudget.objects.filter(unit__in=units)).order_by(
            "cycle__year", "unit__sort_order"
        )

from rest_framework import serializers

from budgets.models import (
    BudgetCycle,
    CycleDeadline,
    EconomicCode,
    FunctionalCode,
    FundingSource,
    ProcurementItem,
    Project,
    ProjectSubItem,
    UnitBudget,
)
from core.models import Unit


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["code", "name", "short_name", "kind"]


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["code", "name"]


class CycleDeadlineSerializer(serializers.ModelSerializer):
    class Meta:
        model = CycleDeadline
        fields = ["kind", "due_date"]


class BudgetCycleSerializer(serializers.ModelSerializer):
    deadlines = CycleDeadlineSerializer(many=True, read_only=True)
    procurement_catalogue = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = BudgetCycle
        fields = ["year", "state", "disclosure_format", "procurement_catalogue", "deadlines"]


class FunctionalCodeSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = FunctionalCode
        fields = ["code", "name", "parent", "level"]


class EconomicCodeSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = EconomicCode
        fields = ["code", "name", "parent"]


class FundingSourceSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = FundingSource
        fields = ["code", "name", "parent", "is_fiscal"]


class ProcurementItemSerializer(serializers.ModelSerializer):
    catalogue = serializers.SlugRelatedField(slug_field="code", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = ProcurementItem
        fields = ["catalogue", "code", "name", "parent", "category"]


class ProjectSubItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectSubItem
        fields = ["name", "amount", "description"]


class ProjectSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="budget.cycle.year", read_only=True)
    unit = UnitRefSerializer(source="budget.unit", read_only=True)
    category = serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)
    functional_code = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    funding_source = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)
    sub_items = ProjectSubItemSerializer(many=True, read_only=True)
    initial_amount = serializers.DecimalField(
        max_digits=18,
        decimal_places=2,
        read_only=True,
        help_text="年初预算: this year's amount before the approved adjustments (yuan).",
    )

    class Meta:
        model = Project
        fields = [
            "id",
            "year",
            "unit",
            "name",
            "category",
            "project_type",
            "use_of_funds",
            "start_date",
            "end_date",
            "total_amount",
            "amount",
            "initial_amount",
            "fiscal_amount",
            "other_amount",
            "functional_code",
            "funding_source",
            "asset_purchase_amount",
            "asset_catalogue",
            "background",
            "content",
            "scope",
            "purpose",
            "midterm_goal",
            "annual_goal",
            "last_year_amount",
            "change_reason",
            "sub_items",
        ]


class UnitBudgetSerializer(serializers.ModelSerializer):
    """A unit's budget with its totals, computed from the lines, as yuan decimal strings."""

    year = serializers.IntegerField(source="cycle.year", read_only=True)
    unit = UnitRefSerializer(read_only=True)
    total = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)
    basic_total = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)
    project_total = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)
    procurement_total = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)
    sme_total = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)
    small_micro_total = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)
    carried_over_total = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)

    class Meta:
        model = UnitBudget
        fields = [
            "id",
            "year",
            "unit",
            "total",
            "basic_total",
            "project_total",
            "procurement_total",
            "sme_total",
            "small_micro_total",
            "carried_over_total",
        ]

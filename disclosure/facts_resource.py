"""A unit's assets (资产: holdings and planned purchases) and its staffing facts (人员编制) in the
budget workbook import: the figures the text part and the rules read beside the tables."""

from django.utils.translation import gettext_lazy as _

from budgets.models import AssetCategory, AssetLine, BudgetCycle, StaffingFact
from core.models import Unit

from .resources import (
    UNIT,
    AmountWidget,
    BudgetResource,
    BudgetWidget,
    ImportKind,
    IntWidget,
    LabelWidget,
    Lookups,
    OptionalAmountWidget,
    _field,
    _in_cycle,
)

# The categories as the template writes them (a file format, in Chinese).
ASSET_CATEGORY_LABELS = {
    AssetCategory.VEHICLE: "公务用车",
    AssetCategory.GENERAL_EQUIPMENT: "通用设备（单价50万元以上）",
    AssetCategory.SPECIAL_EQUIPMENT: "专用设备（单价100万元以上）",
}


class AssetResource(BudgetResource):
    sheet = "资产"
    title = "资产 Assets (holdings and planned purchases)"

    def __init__(self, lookups: Lookups) -> None:
        super().__init__(lookups)
        self.fields = {
            "budget": _field("budget", UNIT, BudgetWidget(lookups)),
            "category": _field(
                "category",
                "资产类别",
                LabelWidget(ASSET_CATEGORY_LABELS, _("asset category"), sheet="代码-资产类别"),
            ),
            "held_quantity": _field("held_quantity", "现有数量", IntWidget(_("quantity"))),
            "planned_quantity": _field("planned_quantity", "计划购置数量", IntWidget(_("quantity"))),
            "planned_amount": _field("planned_amount", "计划购置金额（元）", AmountWidget(required=False)),
        }

    class Meta(BudgetResource.Meta):
        model = AssetLine
        import_id_fields = ["budget", "category"]
        fields = ["budget", "category", "held_quantity", "planned_quantity", "planned_amount"]


class UnitWidget(BudgetWidget):
    """单位代码 → the unit (for facts kept per unit and cycle rather than on the budget)."""

    def clean(self, value, row=None, **kwargs):
        return super().clean(value, row=row, **kwargs).unit

    def render(self, value, obj=None, **kwargs):
        return value.code if value else ""


class OptionalIntWidget(IntWidget):
    """A whole number that may be left empty (not recorded), as the office floor area."""

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return super().clean(value, row=row, **kwargs)


class StaffingResource(BudgetResource):
    sheet = "人员编制"
    title = "人员编制 Staffing facts"

    def __init__(self, lookups: Lookups) -> None:
        super().__init__(lookups)
        self.fields = {
            "unit": _field("unit", UNIT, UnitWidget(lookups)),
            "authorised_headcount": _field(
                "authorised_headcount", "编制数", IntWidget(_("authorised headcount"), default=None)
            ),
            "actual_headcount": _field(
                "actual_headcount", "实有在编人数", IntWidget(_("staff on the establishment"), default=None)
            ),
            "retired": _field("retired", "退休人员", IntWidget(_("retired"))),
            "retired_pre1949": _field("retired_pre1949", "离休人员", IntWidget(_("retired"))),
            "outsourced_staff": _field("outsourced_staff", "编外人员", IntWidget(_("staff"))),
            "vehicles": _field("vehicles", "公务用车（辆）", IntWidget(_("vehicles"))),
            "floor_area": _field(
                "floor_area", "办公用房面积（平方米）", OptionalIntWidget(_("office floor area"))
            ),
            "fixed_assets_original_value": _field(
                "fixed_assets_original_value", "固定资产原值（元）", OptionalAmountWidget()
            ),
            "fixed_assets_in_use_value": _field(
                "fixed_assets_in_use_value", "在用固定资产（元）", OptionalAmountWidget()
            ),
        }

    def get_queryset(self):
        return StaffingFact.objects.filter(cycle=self.lookups.cycle)

    def before_save_instance(self, instance, row, **kwargs):
        instance.cycle = self.lookups.cycle

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        instance.cycle = self.lookups.cycle

    class Meta(BudgetResource.Meta):
        model = StaffingFact
        import_id_fields = ["unit"]
        fields = [
            "unit", "authorised_headcount", "actual_headcount", "retired", "retired_pre1949",
            "outsourced_staff", "vehicles", "floor_area", "fixed_assets_original_value", "fixed_assets_in_use_value",
        ]  # fmt: skip


def staffing_in(cycle: BudgetCycle, unit: Unit | None):
    qs = StaffingFact.objects.filter(cycle=cycle).select_related("unit")
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.order_by("unit__sort_order")


ASSETS = ImportKind(AssetResource.sheet, AssetResource, _in_cycle(AssetLine))
STAFFING = ImportKind(StaffingResource.sheet, StaffingResource, staffing_in)

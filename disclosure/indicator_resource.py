"""Performance indicators in the budget workbook import (django-import-export): one row per
indicator of a project's target table, found again by unit, project and 序号."""

from django.utils.translation import gettext_lazy as _

from budgets.models import BudgetCycle
from core.models import Unit
from performance.models import Indicator, Level1, Level2

from .resources import (
    UNIT,
    BudgetResource,
    ImportKind,
    IntWidget,
    LabelWidget,
    Lookups,
    ProjectWidget,
    TextWidget,
    _field,
    _text,
)


class IndicatorResource(BudgetResource):
    sheet = "绩效指标"
    title = "绩效指标 Performance indicators"
    notes = {
        "序号": "项目绩效目标表中的行次，从 1 开始",
        "一级指标": "产出指标 / 效益指标 / 满意度指标",
        "指标值": "如 ≥95%、=380宗、及时；原文保留并解析",
    }

    def __init__(self, lookups: Lookups) -> None:
        super().__init__(lookups)
        self.fields = {
            "unit": _field(None, UNIT, TextWidget()),
            "project": _field("project", "项目名称", ProjectWidget(lookups, required=True)),
            "sort_order": _field("sort_order", "序号", IntWidget(_("order"), default=None)),
            "level1": _field("level1", "一级指标", LabelWidget(dict(Level1.choices), _("level-1 indicator"))),
            "level2": _field("level2", "二级指标", LabelWidget(dict(Level2.choices), _("level-2 indicator"))),
            "printed_level1": _field("printed_level1", "一级指标（原表）", TextWidget()),
            "printed_level2": _field("printed_level2", "二级指标（原表）", TextWidget()),
            "name": _field("name", "三级指标", TextWidget()),
            "target_text": _field("target_text", "指标值", TextWidget()),
            "target_source": _field("target_source", "目标值来源", TextWidget()),
        }

    def key_of(self, row) -> tuple:
        return (_text(row.get(UNIT)), _text(row.get("项目名称")), _text(row.get("序号")))

    def dehydrate_unit(self, obj) -> str:
        return obj.project.budget.unit.code

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        # The parsed form always follows the text; a new row starts with its target as initial.
        instance.set_target(instance.target_text or "")
        if not instance.initial_target_text:
            instance.initial_target_text = instance.target_text

    class Meta(BudgetResource.Meta):
        model = Indicator
        import_id_fields = ["project", "sort_order"]
        fields = ["unit", "project", "sort_order", "level1", "level2", "printed_level1", "printed_level2",
                  "name", "target_text", "target_source"]  # fmt: skip


def project_indicators_in(cycle: BudgetCycle, unit: Unit | None):
    qs = Indicator.objects.filter(project__budget__cycle=cycle).select_related("project__budget__unit")
    if unit is not None:
        qs = qs.filter(project__budget__unit=unit)
    return qs.order_by("project__budget__unit__sort_order", "project__sort_order", "project_id", "sort_order")


INDICATORS = ImportKind(IndicatorResource.sheet, IndicatorResource, project_indicators_in)

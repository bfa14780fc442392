"""Performance indicators in the budget workbook import (django-import-export): one row per
indicator of a project's target table, found again by unit, project and 序号. The department-wide
target's indicators (disclosure/department_resource.py) are the same rows with another owner.

The rules are the entry form's (performance): a level 2 belongs to its level 1
(``performance.rules``), and targets change only while ``performance.services.targets_editable``
says the cycle's targets are open; once the budget is approved no indicator sheet is imported.
"""

from django.utils.translation import gettext as _

from budgets.models import BudgetCycle
from core.models import Unit
from performance.models import Indicator, Level1, Level2
from performance.rules import TargetRow, target_problems
from performance.services import targets_editable

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
)


def targets_locked(lookups: Lookups) -> str:
    """Why no target may be imported into the cycle now (the entry form's rule), or ""."""
    if targets_editable(lookups.cycle):
        return ""
    return _(
        "The %(year)s budget is approved: its performance targets can no longer be changed, neither in "
        "the form nor by an import (a target changes through a target change approved by HQ). Remove the "
        "rows of this sheet, or the sheet."
    ) % {"year": lookups.cycle.year}


def level_fields() -> dict:
    return {
        "level1": _field(
            "level1",
            "一级指标",
            LabelWidget(dict(Level1.choices), _("level-1 indicator"), sheet="代码-一级指标"),
        ),
        "level2": _field(
            "level2",
            "二级指标",
            LabelWidget(dict(Level2.choices), _("level-2 indicator"), sheet="代码-二级指标"),
        ),
    }


# An indicator's own columns and their notes, whoever owns it (a project here, the department-wide
# target on 部门绩效指标): the owner's columns come first.
INDICATOR_FIELDS = ["sort_order", "level1", "level2", "printed_level1", "printed_level2", "name", "target_text",
                    "target_source"]  # fmt: skip
INDICATOR_NOTES = {
    "一级指标": "产出指标 / 效益指标 / 满意度指标",
    "指标值": "如 ≥95%、=380宗、及时；原文保留并解析",
}


class IndicatorResource(BudgetResource):
    sheet = "绩效指标"
    title = "绩效指标 Performance indicators"
    notes = {"序号": "项目绩效目标表中的行次，从 1 开始", **INDICATOR_NOTES}

    def __init__(self, lookups: Lookups) -> None:
        super().__init__(lookups)
        self.fields = {
            **self.owner_fields(lookups),
            "sort_order": _field("sort_order", "序号", IntWidget(_("order"), default=None)),
            **level_fields(),
            "printed_level1": _field("printed_level1", "一级指标（原表）", TextWidget()),
            "printed_level2": _field("printed_level2", "二级指标（原表）", TextWidget()),
            "name": _field("name", "三级指标", TextWidget()),
            "target_text": _field("target_text", "指标值", TextWidget()),
            "target_source": _field("target_source", "目标值来源", TextWidget()),
        }

    def owner_fields(self, lookups: Lookups) -> dict:
        return {
            "unit": _field(None, UNIT, TextWidget()),
            "project": _field("project", "项目名称", ProjectWidget(lookups, required=True)),
        }

    def dehydrate_unit(self, obj) -> str:
        return obj.project.budget.unit.code

    def sheet_refusal(self) -> str:
        return targets_locked(self.lookups)

    def import_instance(self, instance, row, **kwargs):
        try:
            super().import_instance(instance, row, **kwargs)
        finally:
            # The parsed form always follows the text, even when another cell of the row is wrong
            # (so that the row's one error is that cell's); a new row starts with its target as
            # initial.
            instance.set_target(instance.target_text or "")
            if not instance.initial_target_text:
                instance.initial_target_text = instance.target_text

    def clean_exclude(self, instance) -> set[str]:
        # The parsed form and the initial target follow 指标值; a blank target is a warning.
        columns = {f.attribute for f in self.fields.values() if f.attribute}
        derived = {f.name for f in Indicator._meta.fields if f.name.startswith(("target_", "initial_target"))}
        return (derived - columns) | (set() if instance.target_text else {"target_text"})

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if not instance.target_text and not errors:
            # As the published tables have it (two 表14 cells of 2020 are blank): kept, flagged
            # for review by the parser, never dropped (DOMAIN §6).
            self.lookups.warn(
                "指标值", _("No target value: the indicator is imported without one and flagged for review.")
            )
        if not {"level1", "level2"} & set(errors):
            row = TargetRow(instance.level1, instance.level2, instance.name, instance.target_text, "")
            mismatch = [p for p in target_problems([row]) if p.code == "level_mismatch"]
            if mismatch:
                errors["level2"] = [str(p.message) for p in mismatch]
        super().validate_instance(instance, errors, validate_unique)

    class Meta(BudgetResource.Meta):
        model = Indicator
        import_id_fields = ["project", "sort_order"]
        fields = ["unit", "project", *INDICATOR_FIELDS]


def project_indicators_in(cycle: BudgetCycle, unit: Unit | None):
    qs = Indicator.objects.filter(project__budget__cycle=cycle).select_related("project__budget__unit")
    if unit is not None:
        qs = qs.filter(project__budget__unit=unit)
    return qs.order_by("project__budget__unit__sort_order", "project__sort_order", "project_id", "sort_order")


INDICATORS = ImportKind(IndicatorResource.sheet, IndicatorResource, project_indicators_in)

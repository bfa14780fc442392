"""The department-wide target of 表11 (部门整体支出绩效目标, DOMAIN §6 and §9) in the budget
workbook import: one sheet for the target and its annual main tasks, one for its indicators.

部门整体目标: one row per main task of a unit (任务名称, 主要内容, 财政拨款, 其他资金); 主管部门 and
年度总体目标 are the unit's, written on any of its rows (on several rows they must agree; a blank
cell leaves what is saved). A row without 任务名称 sets only those two: a unit whose 表11 tasks are
computed from its lines has just that row. 部门绩效指标: the indicators, as on 绩效指标 with the unit
as their owner.

The rules are the entry form's (``performance.services.department_target_save``): the unit's own
preparer or head (``policy.can_edit_unit_performance``), only while the cycle's targets are open
(``performance.services.targets_editable``), a level 2 under its level 1.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from budgets.models import BudgetCycle
from core import policy
from core.models import Unit
from performance.models import DepartmentTarget, DepartmentTask, Indicator

from .indicator_resource import INDICATOR_FIELDS, INDICATOR_NOTES, IndicatorResource, targets_locked
from .resources import (
    UNIT,
    AmountWidget,
    BudgetResource,
    BudgetWidget,
    ImportKind,
    IntWidget,
    Lookups,
    TextWidget,
    _field,
    _text,
)

SUPERVISOR, GOAL, TASK = "主管部门", "年度总体目标", "任务名称"


class DepartmentTargetWidget(BudgetWidget):
    """单位代码 → the unit's department-wide target in the import's cycle (created when it has
    none yet)."""

    def clean(self, value, row=None, **kwargs):
        target, _created = DepartmentTarget.objects.get_or_create(
            cycle=self.lookups.cycle, unit=self.lookups.units[self.unit_code_of(value)]
        )
        return target

    def render(self, value, obj=None, **kwargs):
        return value.unit.code if value else ""


class DepartmentTargetResource(BudgetResource):
    sheet = "部门整体目标"
    title = "部门整体支出绩效目标（表11）：主管部门、年度总体目标、年度主要任务 Department-wide target and its main tasks"
    notes = {
        SUPERVISOR: "本单位的主管部门，每个单位填写一次即可。\nThe supervising department, once per unit.",
        GOAL: "年度总体目标，每个单位填写一次即可。\nThe overall annual goal, once per unit.",
        TASK: "年度主要任务；留空时该行只填写主管部门和年度总体目标（表11 的任务按预算数据生成）。\n"
        "A main task; blank: the row sets only the supervisor and the goal.",
    }

    def __init__(self, lookups: Lookups) -> None:
        super().__init__(lookups)
        self.fields = {
            "department_target": _field("department_target", UNIT, DepartmentTargetWidget(lookups)),
            "supervisor": _field(None, SUPERVISOR, TextWidget()),
            "overall_goal": _field(None, GOAL, TextWidget()),
            "name": _field("name", TASK, TextWidget()),
            "content": _field("content", "主要内容", TextWidget()),
            "fiscal_amount": _field("fiscal_amount", "财政拨款（元）", AmountWidget(required=False)),
            "other_amount": _field("other_amount", "其他资金（元）", AmountWidget(required=False)),
            "sort_order": _field("sort_order", "排序", IntWidget(_("order"))),
        }
        # (target, column) → (text, Excel row) of the first row that gave it.
        self._given: dict[tuple[int, str], tuple[str, int | None]] = {}

    def sheet_refusal(self) -> str:
        return targets_locked(self.lookups)

    def dehydrate_supervisor(self, obj) -> str:
        return obj.department_target.supervisor if getattr(obj, "first_of_unit", False) else ""

    def dehydrate_overall_goal(self, obj) -> str:
        return obj.department_target.overall_goal if getattr(obj, "first_of_unit", False) else ""

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        try:
            target = self.fields["department_target"].clean(row)
        except ValueError as exc:
            raise ValidationError({"department_target": str(exc)}) from exc
        user = self.lookups.user
        if user is not None and not policy.can_edit_unit_performance(user, target.unit):
            raise ValidationError(
                {NON_FIELD_ERRORS: _("Only the unit's own preparer or head may enter its targets.")}
            )
        if not _text(row.get(TASK)) and any(
            _text(row.get(c)) for c in ("主要内容", "财政拨款（元）", "其他资金（元）")
        ):
            raise ValidationError({"name": _("The task name is required for a task's content or amounts.")})
        self._save_target_texts(target, row)

    def _save_target_texts(self, target: DepartmentTarget, row) -> None:
        number = self.lookups.position[1]
        changed = []
        for attribute, column in (("supervisor", SUPERVISOR), ("overall_goal", GOAL)):
            text = _text(row.get(column))
            if not text:
                continue
            first = self._given.setdefault((target.pk, column), (text, number))
            if first[0] != text:
                raise ValidationError(
                    {
                        column: _("Another %(column)s than on row %(row)s for the same unit.")
                        % {"column": column, "row": first[1]}
                    }
                )
            setattr(target, attribute, text)
            changed.append(attribute)
        if not changed:
            return
        try:
            target.clean_fields(exclude=[f.name for f in target._meta.fields if f.name not in changed])
        except ValidationError as exc:
            raise ValidationError(
                {
                    SUPERVISOR if name == "supervisor" else GOAL: messages
                    for name, messages in exc.message_dict.items()
                }
            ) from exc
        target.save(update_fields=changed)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return not _text(row.get(TASK)) and not import_validation_errors

    def _refusal(self, instance) -> str:
        return ""  # the unit's right is checked on the target, above

    class Meta(BudgetResource.Meta):
        model = DepartmentTask
        import_id_fields = ["department_target", "name"]
        fields = ["department_target", "supervisor", "overall_goal", "name", "content", "fiscal_amount",
                  "other_amount", "sort_order"]  # fmt: skip


def department_tasks_in(cycle: BudgetCycle, unit: Unit | None) -> list[DepartmentTask]:
    """Every unit's tasks, the unit's supervisor and goal on its first row; a target without
    tasks as one row without a task name."""
    targets = DepartmentTarget.objects.filter(cycle=cycle).select_related("unit").prefetch_related("tasks")
    if unit is not None:
        targets = targets.filter(unit=unit)
    rows = []
    for target in targets.order_by("unit__sort_order"):
        tasks = list(target.tasks.all()) or [DepartmentTask(department_target=target, name="")]
        tasks[0].first_of_unit = True
        rows += tasks
    return rows


class DepartmentIndicatorResource(IndicatorResource):
    sheet = "部门绩效指标"
    title = "部门整体支出绩效指标（表11） Department-wide performance indicators"
    notes = {"序号": "表11 年度绩效指标中的行次，从 1 开始", **INDICATOR_NOTES}

    def owner_fields(self, lookups: Lookups) -> dict:
        return {"department_target": _field("department_target", UNIT, DepartmentTargetWidget(lookups))}

    class Meta(IndicatorResource.Meta):
        import_id_fields = ["department_target", "sort_order"]
        fields = ["department_target", *INDICATOR_FIELDS]


def department_indicators_in(cycle: BudgetCycle, unit: Unit | None):
    qs = Indicator.objects.filter(department_target__cycle=cycle).select_related("department_target__unit")
    if unit is not None:
        qs = qs.filter(department_target__unit=unit)
    return qs.order_by("department_target__unit__sort_order", "sort_order")


DEPARTMENT_TARGETS = ImportKind(DepartmentTargetResource.sheet, DepartmentTargetResource, department_tasks_in)
DEPARTMENT_INDICATORS = ImportKind(
    DepartmentIndicatorResource.sheet, DepartmentIndicatorResource, department_indicators_in
)

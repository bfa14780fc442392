"""Loads the 2020 performance targets of the demo: every project target table (表15) and every
department-wide target table (表14), as transcribed in ``demo_data``.

Idempotent by natural keys: a project's indicator is (project, its row in the table), a
department-wide target is (cycle, unit), a task is (target, name), a department indicator is
(target, its row). Loading twice changes nothing. A target changed through an approved
:class:`~performance.models.TargetChange` is not put back to the printed value.

The older form of 表15 (产出目标 / 效果目标, with 满意度 under 效果目标) is placed in the tree
of DOMAIN §6 by its level-2 label; what was printed is kept in ``printed_level1/2``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol

from budgets.models import BudgetCycle, Project
from budgets.money import wan_to_yuan
from core.models import Unit

from .models import LEVEL1_OF, DepartmentTarget, DepartmentTask, Indicator, Level2

BUDGET_DEMO_DIR = Path(__file__).resolve().parents[1] / "budgets" / "demo_data"
DEMO_DIR = Path(__file__).resolve().parent / "demo_data"

# Printed level-2 labels (both forms) → the tree. "满意度" alone is the older form's only
# satisfaction row; the seed does not say whose satisfaction, so it counts as the service
# recipients'.
PRINTED_LEVEL2 = {
    "数量": Level2.QUANTITY,
    "质量": Level2.QUALITY,
    "时效": Level2.TIMELINESS,
    "成本": Level2.COST,
    "经济效益": Level2.ECONOMIC,
    "社会效益": Level2.SOCIAL,
    "生态效益": Level2.ECOLOGICAL,
    "可持续影响": Level2.SUSTAINABLE,
    "服务对象满意度": Level2.SERVICE_SATISFACTION,
    "其他满意度": Level2.OTHER_SATISFACTION,
    "满意度": Level2.SERVICE_SATISFACTION,
}


class _Result(Protocol):
    def record(self, model: type, created: bool) -> None: ...


def level2_of(printed: str) -> Level2:
    label = printed.strip()
    return PRINTED_LEVEL2[label.removesuffix("指标") if label not in PRINTED_LEVEL2 else label]


def _read(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def performance_demo_load(*, cycle: BudgetCycle, result: _Result) -> None:
    """Load 表15 and 表14 of ``cycle.year`` (called at the end of ``budgets.demo.demo_load``)."""
    year = str(cycle.year)
    _project_targets(cycle, _read(BUDGET_DEMO_DIR / year / "table15.json"), result)
    _department_targets(cycle, _read(DEMO_DIR / year / "table14.json"), result)


def _project_targets(cycle: BudgetCycle, table15: dict[str, Any], result: _Result) -> None:
    projects = {
        (p.budget.unit.code, p.name): p
        for p in Project.objects.filter(budget__cycle=cycle).select_related("budget__unit")
    }
    for block in table15["projects"]:
        project = projects[(block["unit"], block["name"])]
        for order, row in enumerate(block["indicators"], start=1):
            _indicator(result, {"project": project, "sort_order": order}, row, source=row["source"] or "")


def _department_targets(cycle: BudgetCycle, table14: dict[str, Any], result: _Result) -> None:
    units = {u.code: u for u in Unit.objects.all()}
    for table in table14["tables"]:
        target, created = DepartmentTarget.objects.update_or_create(
            cycle=cycle,
            unit=units[table["unit"]],
            defaults={"supervisor": table["supervisor"] or "", "overall_goal": table["overall_goal"] or ""},
        )
        result.record(DepartmentTarget, created)
        for order, task in enumerate(table["tasks"], start=1):
            _, created = DepartmentTask.objects.update_or_create(
                department_target=target,
                name=task["name"],
                defaults={
                    "content": task["content"] or "",
                    "fiscal_amount": wan_to_yuan(task["fiscal"]),
                    "other_amount": wan_to_yuan(task["other"]),
                    "sort_order": order,
                },
            )
            result.record(DepartmentTask, created)
        for order, row in enumerate(table["indicators"], start=1):
            _indicator(result, {"department_target": target, "sort_order": order}, row, source="")


def _indicator(result: _Result, key: dict[str, Any], row: dict[str, Any], *, source: str) -> None:
    level2 = level2_of(row["level2"])
    indicator = Indicator.objects.filter(**key).first()
    created = indicator is None
    if indicator is None:
        indicator = Indicator(**key)
    indicator.level1 = LEVEL1_OF[level2]
    indicator.level2 = level2
    indicator.printed_level1 = row["level1"]
    indicator.printed_level2 = row["level2"]
    indicator.name = row["name"]
    indicator.target_source = source
    if created or not indicator.is_adjusted:
        # Two 表14 cells are blank in the seed: kept blank, flagged for review by the parser.
        indicator.set_target(row["target"] or "")
        indicator.initial_target_text = indicator.target_text
    indicator.save()
    result.record(Indicator, created)

"""The performance tables of the disclosure workbook (2020's 表14 and 表15 indicators, 2022's
表11) read their targets from here: the records of this app, in the shape the builders take
(disclosure/workbook/performance.py). Amounts are yuan; the tasks' total is their sum."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from budgets.models import ZERO, BudgetCycle, Project
from core.models import Unit
from performance.models import DepartmentTarget, DepartmentTask, Indicator, Level1, Level2

# An indicator as a row (no model instance: a cycle has hundreds), what ``_indicator`` reads.
INDICATOR_COLUMNS = ("project_id", "department_target_id", "level1", "level2", "printed_level1",
                     "printed_level2", "name", "target_text", "target_source")  # fmt: skip
LEVEL1_LABELS = dict(Level1.choices)
LEVEL2_LABELS = dict(Level2.choices)


def _indicator(row) -> dict[str, Any]:
    """As printed: the level as the source table printed it, else the label of its choice
    (``get_level1_display``: the stored value itself if it is no longer a choice)."""
    return {
        "level1": row.printed_level1 or str(LEVEL1_LABELS.get(row.level1, row.level1)),
        "level2": row.printed_level2 or str(LEVEL2_LABELS.get(row.level2, row.level2)),
        "name": row.name,
        "target": row.target_text,
        "source": row.target_source,
    }


class PerformanceRecords:
    """Reads a cycle's targets at most once per source: every unit's department targets in one
    query (and one each for their tasks and indicators), every project's indicators in one query,
    so that a workbook takes the same number of queries whatever the number of projects."""

    def __init__(self) -> None:
        self._targets: dict[int, dict[int, dict[str, Any]]] = {}
        self._indicators: dict[int, dict[int, list[dict[str, Any]]]] = {}

    def _targets_of(self, cycle: BudgetCycle) -> dict[int, dict[str, Any]]:
        """Every unit's department target of the cycle, by unit id, with its tasks and its
        indicators (read as rows), each in its model's order."""
        if cycle.pk not in self._targets:
            tasks: dict[int, list] = {}
            for task in DepartmentTask.objects.filter(department_target__cycle=cycle):
                tasks.setdefault(task.department_target_id, []).append(task)
            indicators: dict[int, list] = {}
            for row in Indicator.objects.filter(department_target__cycle=cycle).values_list(
                *INDICATOR_COLUMNS, named=True
            ):
                indicators.setdefault(row.department_target_id, []).append(_indicator(row))
            self._targets[cycle.pk] = {
                target.unit_id: {
                    "supervisor": target.supervisor,
                    "overall_goal": target.overall_goal,
                    "tasks": tasks.get(target.pk, []),
                    "indicators": indicators.get(target.pk, []),
                }
                for target in DepartmentTarget.objects.filter(cycle=cycle)
            }
        return self._targets[cycle.pk]

    def department_targets(self, *, cycle: BudgetCycle, unit: Unit) -> dict[str, Any] | None:
        target = self._targets_of(cycle).get(unit.pk)
        if target is None:
            return None
        tasks = [
            {
                "name": task.name,
                "content": task.content,
                "total": task.total_amount,
                "fiscal": task.fiscal_amount,
                "other": task.other_amount,
            }
            for task in target["tasks"]
        ]

        def total(key: str) -> Decimal:
            return sum((task[key] for task in tasks), ZERO)

        return {
            "supervisor": target["supervisor"],
            "tasks_total": {"total": total("total"), "fiscal": total("fiscal"), "other": total("other")},
            "tasks": tasks,
            "overall_goal": target["overall_goal"],
            "indicators": list(target["indicators"]),
        }

    def project_indicators(self, *, project: Project) -> list[dict[str, Any]]:
        cycle_id = project.budget.cycle_id
        if cycle_id not in self._indicators:
            by_project: dict[int, list[dict[str, Any]]] = {}
            for row in Indicator.objects.filter(project__budget__cycle_id=cycle_id).values_list(
                *INDICATOR_COLUMNS, named=True
            ):
                by_project.setdefault(row.project_id, []).append(_indicator(row))
            self._indicators[cycle_id] = by_project
        return self._indicators[cycle_id].get(project.pk, [])

    def projects_with_indicators(self, *, cycle: BudgetCycle) -> set[int]:
        """The ids of the cycle's projects that have indicators (one query)."""
        return set(
            Indicator.objects.filter(project__budget__cycle=cycle)
            .values_list("project_id", flat=True)
            .distinct()
        )

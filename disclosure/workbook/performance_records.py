"""The performance tables of the disclosure workbook (2020's 表14 and 表15 indicators, 2022's
表11) read their targets from here: the records of this app, in the shape the builders take
(disclosure/workbook/performance.py). Amounts are yuan; the tasks' total is their sum."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from budgets.models import ZERO, BudgetCycle, Project
from core.models import Unit
from performance.models import DepartmentTarget, Indicator


def _indicator(indicator: Indicator) -> dict[str, Any]:
    return {
        "level1": indicator.printed_level1 or str(indicator.get_level1_display()),
        "level2": indicator.printed_level2 or str(indicator.get_level2_display()),
        "name": indicator.name,
        "target": indicator.target_text,
        "source": indicator.target_source,
    }


class PerformanceRecords:
    """Reads a cycle's targets at most once per source: every unit's department targets in one
    query (and one each for their tasks and indicators), every project's indicators in one query,
    so that a workbook takes the same number of queries whatever the number of projects."""

    def __init__(self) -> None:
        self._targets: dict[int, dict[int, DepartmentTarget]] = {}
        self._indicators: dict[int, dict[int, list[dict[str, Any]]]] = {}

    def _targets_of(self, cycle: BudgetCycle) -> dict[int, DepartmentTarget]:
        if cycle.pk not in self._targets:
            self._targets[cycle.pk] = {
                target.unit_id: target
                for target in DepartmentTarget.objects.filter(cycle=cycle).prefetch_related(
                    "tasks", "indicators"
                )
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
            for task in target.tasks.all()
        ]

        def total(key: str) -> Decimal:
            return sum((task[key] for task in tasks), ZERO)

        return {
            "supervisor": target.supervisor,
            "tasks_total": {"total": total("total"), "fiscal": total("fiscal"), "other": total("other")},
            "tasks": tasks,
            "overall_goal": target.overall_goal,
            "indicators": [_indicator(i) for i in target.indicators.all()],
        }

    def project_indicators(self, *, project: Project) -> list[dict[str, Any]]:
        cycle_id = project.budget.cycle_id
        if cycle_id not in self._indicators:
            by_project: dict[int, list[dict[str, Any]]] = {}
            for indicator in Indicator.objects.filter(project__budget__cycle_id=cycle_id):
                by_project.setdefault(indicator.project_id, []).append(_indicator(indicator))
            self._indicators[cycle_id] = by_project
        return self._indicators[cycle_id].get(project.pk, [])

    def projects_with_indicators(self, *, cycle: BudgetCycle) -> set[int]:
        """The ids of the cycle's projects that have indicators (one query)."""
        return set(
            Indicator.objects.filter(project__budget__cycle=cycle)
            .values_list("project_id", flat=True)
            .distinct()
        )

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
    def department_targets(self, *, cycle: BudgetCycle, unit: Unit) -> dict[str, Any] | None:
        target = (
            DepartmentTarget.objects.filter(cycle=cycle, unit=unit)
            .prefetch_related("tasks", "indicators")
            .first()
        )
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
        return [_indicator(i) for i in project.indicators.all()]

    def projects_with_indicators(self, *, cycle: BudgetCycle) -> set[int]:
        """The ids of the cycle's projects that have indicators (one query)."""
        return set(
            Indicator.objects.filter(project__budget__cycle=cycle)
            .values_list("project_id", flat=True)
            .distinct()
        )

"""Where the performance tables (2020's 表14 and 表15 indicators, 2022's 表11) get their targets.

Targets belong to the performance app. The builders read them through a *source* with two
methods:

- ``department_targets(cycle, unit)`` → ``{"supervisor", "tasks_total": {"total", "fiscal",
  "other"}, "tasks": [{"name", "content", "total", "fiscal", "other"}], "overall_goal",
  "indicators": [{"level1", "level2", "name", "target"}]}`` in yuan, or ``None``;
- ``project_indicators(project)`` → ``[{"level1", "level2", "name", "target", "source"}]``.

The source is the performance app's records (``performance_records.py``). Amounts are yuan; a table's totals are the sums of its rows.
"""

from __future__ import annotations

from typing import Any, Protocol

from budgets.models import BudgetCycle, Project
from core.models import Unit

from .performance_records import PerformanceRecords


class PerformanceSource(Protocol):
    def department_targets(self, *, cycle: BudgetCycle, unit: Unit) -> dict[str, Any] | None: ...

    def project_indicators(self, *, project: Project) -> list[dict[str, Any]]: ...

    def projects_with_indicators(self, *, cycle: BudgetCycle) -> set[int]: ...


def performance_source() -> PerformanceSource:
    """The performance records of the application (performance/)."""
    return PerformanceRecords()

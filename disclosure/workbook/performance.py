"""Where the performance tables (2020's 表14 and 表15 indicators, 2022's 表11) get their targets.

Targets belong to the performance app (issue #4), which is not on this branch. The builders read
them through a *source* with two methods, in the shape of the demo transcription
(``performance/demo_data/2020/table14.json`` and ``budgets/demo_data/2020/table15.json``):

- ``department_targets(cycle, unit)`` → ``{"supervisor", "tasks_total": {"total", "fiscal",
  "other"}, "tasks": [{"name", "content", "total", "fiscal", "other"}], "overall_goal",
  "indicators": [{"level1", "level2", "name", "target"}]}`` in 万元, or ``None``;
- ``project_indicators(project)`` → ``[{"level1", "level2", "name", "target", "source"}]``.

The performance app calls ``register_performance_source(its_source)``. Until it does, the
transcription of the published 2020 tables answers for the cycles it covers (the demo) and
nothing for any other year.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings

from budgets.models import BudgetCycle, Project, Unit


class PerformanceSource(Protocol):
    def department_targets(self, *, cycle: BudgetCycle, unit: Unit) -> dict[str, Any] | None: ...

    def project_indicators(self, *, project: Project) -> list[dict[str, Any]]: ...


class TranscriptionSource:
    """The published tables as transcribed in the repository, read-only, by year."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or Path(settings.BASE_DIR)

    @cache  # noqa: B019 - one instance per process; the files never change at run time
    def _table14(self, year: int) -> dict[str, dict[str, Any]]:
        path = self.root / "performance" / "demo_data" / str(year) / "table14.json"
        if not path.exists():
            return {}
        with path.open(encoding="utf-8") as handle:
            return {t["unit"]: t for t in json.load(handle)["tables"]}

    @cache  # noqa: B019
    def _table15(self, year: int) -> dict[tuple[str, str], list[dict[str, Any]]]:
        path = self.root / "budgets" / "demo_data" / str(year) / "table15.json"
        if not path.exists():
            return {}
        with path.open(encoding="utf-8") as handle:
            return {(p["unit"], p["name"]): p.get("indicators") or [] for p in json.load(handle)["projects"]}

    def department_targets(self, *, cycle: BudgetCycle, unit: Unit) -> dict[str, Any] | None:
        return self._table14(cycle.year).get(unit.code)

    def project_indicators(self, *, project: Project) -> list[dict[str, Any]]:
        budget = project.budget
        return self._table15(budget.cycle.year).get((budget.unit.code, project.name), [])


_source: PerformanceSource | None = None


def register_performance_source(source: PerformanceSource | None) -> None:
    global _source
    _source = source


def performance_source() -> PerformanceSource:
    return _source or _transcription()


@cache
def _transcription() -> TranscriptionSource:
    return TranscriptionSource()

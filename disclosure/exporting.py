"""Builds a disclosure workbook: the checks first (their findings on the first sheet), then every
table of the cycle's format, one sheet each, named by its number."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from budgets.consistency import Finding
from budgets.models import BudgetCycle
from core.models import Unit

from .checks import workbook_findings
from .workbook.data import CycleData, cycle_data
from .workbook.registry import tables_for
from .workbook.table import Table
from .workbook.writer import write_workbook

Progress = Callable[[int, str], None]


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector paused while an export reads, builds and writes.

    An export allocates tens of thousands of objects that live until it ends (model instances,
    rows, cells); while they live, they push the collector into full collections, and a full
    collection walks every object of the process (some 150,000 in a worker with Django loaded):
    at 1x, one every two or three exports, each as long as half an export (docs/benchmarks.md).
    Paused, the export's objects are freed by their reference counts when it ends, and the
    cycles among them (a prefetched line and its budget) by one young collection, here, which
    reads only the objects the export left: the export pays for its own garbage.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            gc.collect(0)


@dataclass
class BuiltWorkbook:
    """The checks' findings and the tables, read and built; ``to_bytes`` writes the xlsx."""

    title: str
    tables: list[Table]
    findings: list[Finding]

    def to_bytes(self) -> bytes:
        with without_cycle_collection():
            return write_workbook(self.tables, self.findings, title=self.title)


def build_tables(data: CycleData, progress: Progress | None = None) -> list[Table]:
    specs = tables_for(data.cycle.disclosure_format)
    tables = []
    for index, spec in enumerate(specs):
        if progress:
            progress(10 + 80 * index // max(1, len(specs)), f"{spec.number} {spec.title}")
        table = spec.build(data)
        if table is not None:
            tables.append(table)
    return tables


def build_workbook(
    *, cycle: BudgetCycle, unit: Unit | None = None, progress: Progress | None = None
) -> BuiltWorkbook:
    with without_cycle_collection():
        return _build_workbook(cycle=cycle, unit=unit, progress=progress)


def _build_workbook(*, cycle: BudgetCycle, unit: Unit | None, progress: Progress | None) -> BuiltWorkbook:
    if progress:
        progress(2, "读取预算数据")
    data = cycle_data(cycle=cycle, unit=unit)
    if progress:
        progress(5, "跨表检查")
    findings = workbook_findings(data)
    tables = build_tables(data, progress)
    if progress:
        progress(92, "写入工作簿")
    return BuiltWorkbook(f"{cycle.year}年预算公开表 跨表检查（{data.name}）", tables, findings)

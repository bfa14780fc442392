"""Builds a disclosure workbook: the checks first (their findings on the first sheet), then every
table of the cycle's format, one sheet each, named by its number."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from openpyxl import Workbook

from budgets.consistency import Finding
from budgets.models import BudgetCycle
from core.models import Unit

from .checks import workbook_findings
from .workbook.data import CycleData, cycle_data
from .workbook.registry import tables_for
from .workbook.table import Table
from .workbook.writer import new_workbook, text_cells_only, write_check_sheet, write_table

Progress = Callable[[int, str], None]


@dataclass
class BuiltWorkbook:
    workbook: Workbook
    tables: list[Table]
    findings: list[Finding]

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        text_cells_only(self.workbook).save(buffer)
        return buffer.getvalue()


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
    if progress:
        progress(2, "读取预算数据")
    data = cycle_data(cycle=cycle, unit=unit)
    if progress:
        progress(5, "跨表检查")
    findings = workbook_findings(data)
    tables = build_tables(data, progress)
    if progress:
        progress(92, "写入工作簿")
    workbook = new_workbook()
    write_check_sheet(workbook, findings, title=f"{cycle.year}年预算公开表 跨表检查（{data.name}）")
    for table in tables:
        write_table(workbook, table)
    return BuiltWorkbook(workbook, tables, findings)

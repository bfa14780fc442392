"""Proposing library projects from a spreadsheet: one row per project, with its three-year plan.

The sheet's first row names the columns (项目名称, 项目属性, 立项必要性, 中期目标, then the three
planned years' amounts in 元, headed by the years, e.g. 2021 2022 2023). Every row goes through
``services.library_propose``, so the import obeys the same rules as the page and the API; all or
nothing: one refused row writes no row, and every refused row is reported with its number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO
from zipfile import BadZipFile

import openpyxl
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl.utils.exceptions import InvalidFileException

from budgets.models import BudgetCycle
from core.errors import BusinessRuleError

from . import services
from .models import LibraryProject, ProjectKind

KINDS = {str(label): value for value, label in ProjectKind.choices} | {
    "一次性": ProjectKind.ONE_OFF,
    "经常性": ProjectKind.RECURRING,
    "延续性": ProjectKind.CONTINUING,
}
TEXT_COLUMNS = {"项目名称": "name", "项目属性": "kind", "立项必要性": "necessity", "中期目标": "midterm_goal",
                "项目内容": "content"}  # fmt: skip


@dataclass(frozen=True)
class RowError:
    row: int
    message: str


class ImportRefused(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(errors)
        self.errors = errors


def _cell(value) -> str:
    return "" if value is None else str(value).strip()


def library_import(*, actor, unit, cycle: BudgetCycle, file: IO[bytes]) -> list[LibraryProject]:
    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportRefused([RowError(0, _("The file is not an Excel workbook (.xlsx)."))]) from error
    rows = list(workbook.active.iter_rows(values_only=True))
    if not rows:
        raise ImportRefused([RowError(0, _("The sheet is empty."))])
    header = [_cell(h) for h in rows[0]]
    years = [str(cycle.year + i) for i in range(3)]
    missing = [h for h in ("项目名称", "项目属性", *years) if h not in header]
    if missing:
        raise ImportRefused(
            [RowError(1, _("Missing columns: %(columns)s") % {"columns": "、".join(missing)})]
        )
    where = {name: header.index(name) for name in header if name}
    errors: list[RowError] = []
    created: list[LibraryProject] = []
    with transaction.atomic():
        for number, row in enumerate(rows[1:], start=2):
            values = {key: _cell(row[where[h]]) if where[h] < len(row) else "" for h, key in TEXT_COLUMNS.items()
                      if h in where}  # fmt: skip
            if not any(_cell(v) for v in row):
                continue
            try:
                project = services.library_propose(
                    actor=actor, unit=unit, cycle=cycle, name=values.get("name", ""),
                    kind=KINDS.get(values.get("kind", ""), values.get("kind", "")),
                    content=values.get("content", ""), necessity=values.get("necessity", ""),
                    midterm_goal=values.get("midterm_goal", ""),
                    plan=[_cell(row[where[y]]) if where[y] < len(row) else "" for y in years],
                )  # fmt: skip
                created.append(project)
            except BusinessRuleError as error:
                errors.append(RowError(number, str(error.message)))
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ImportRefused(errors)
    return created

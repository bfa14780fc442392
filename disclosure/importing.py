"""Imports a budget workbook: all or nothing, with every problem reported by sheet, row and column.

1. The file itself: size, a real .xlsx (not an .xls renamed, not junk, not a zip bomb).
2. Its shape: known sheet names, every column of each sheet; a formula is read by its saved value.
3. The rows, through the import-export resources, in one transaction: every sheet is imported
   (later sheets may name projects of earlier ones), then the transaction is rolled back when
   this is a dry run or any row failed. Nothing is written unless every row of every sheet is
   good.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import openpyxl
import tablib
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.utils.translation import gettext as _

from budgets.models import BudgetCycle
from core import policy
from core.models import Unit

from .kinds import kinds
from .resources import BudgetResource, Lookups
from .template import REFERENCE_SHEETS

Progress = Callable[[int, str], None]

MB = 1024 * 1024
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Django's constraint names, as a preparer would read them.
CONSTRAINT_MESSAGES = {
    "project_total_covers_this_year": "项目总金额不得小于本年财政拨款与其他资金之和。",
    "project_dates_ordered": "计划完成日期不得早于计划开始日期。",
    "project_name_unique_in_budget": "同一单位的项目名称不得重复。",
    "procurement_sme_within_amount": "面向中小企业的金额不得超过采购金额。",
    "procurement_small_micro_within_sme": "面向小型、微型企业的金额是面向中小企业金额的一部分（其中），不得超过它。",
    "procurement_current_year_has_item": "当年政府采购须填写采购品目编码（仅待支付以前年度采购可不填）。",
    "basic_line_has_a_code": "基本支出须至少填写功能科目编码或经济科目编码之一。",
    "three_public_unique_year": "同一单位同一年度的“三公”经费只能有一行。",
}


def max_bytes() -> int:
    return int(getattr(settings, "DISCLOSURE_IMPORT_MAX_BYTES", 10 * MB))


def max_unpacked_bytes() -> int:
    return int(getattr(settings, "DISCLOSURE_IMPORT_MAX_UNPACKED_BYTES", 100 * MB))


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}

    def line(self) -> str:
        where = "".join(
            part
            for part in (
                f"[{self.sheet}]" if self.sheet else "",
                _(" row %(row)s") % {"row": self.row} if self.row else "",
                f" «{self.column}»" if self.column else "",
            )
        )
        return f"{where.strip()}: {self.message}" if where else self.message


@dataclass
class SheetData:
    name: str
    headers: list[str]
    rows: list[tuple[int, list]]  # (Excel row number, values)


@dataclass
class ImportReport:
    problems: list[Problem] = field(default_factory=list)
    # What was (or would be) imported but should be checked, e.g. a procurement code the
    # catalogue lacks: never stops the import.
    warnings: list[Problem] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run


class WorkbookRejected(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.line() for p in problems))


# -- 1. the file ----------------------------------------------------------------------------


@contextmanager
def _opened(path: Path | str | None, file: BinaryIO | None) -> Iterator[BinaryIO]:
    """The workbook as one seekable binary file: a path on this machine (the command line,
    the tests) or a file already open (an upload read from the storage, which may be the
    object store: no path there)."""
    if (path is None) == (file is None):
        raise TypeError("import_workbook takes a path or a file, one of them")
    if file is not None:
        file.seek(0)
        yield file
        return
    with Path(path).open("rb") as handle:
        yield handle


def check_file(handle: BinaryIO) -> None:
    """Refuse what is not a readable, reasonably sized .xlsx before opening it."""
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    if size > max_bytes():
        raise WorkbookRejected(
            [
                Problem(
                    "",
                    None,
                    "",
                    _("The file is %(size).1f MB; the limit is %(limit)d MB.")
                    % {"size": size / MB, "limit": max_bytes() // MB},
                )
            ]
        )
    handle.seek(0)
    head = handle.read(8)
    if head == OLE2_MAGIC:
        raise WorkbookRejected(
            [
                Problem(
                    "",
                    None,
                    "",
                    _(
                        "This is an old Excel 97-2003 file (.xls) under an .xlsx name. "
                        "Open it in Excel and save it as an Excel workbook (.xlsx)."
                    ),
                )
            ]
        )
    not_xlsx = Problem("", None, "", _("This file is not an Excel workbook (.xlsx). Use the template."))
    if not zipfile.is_zipfile(handle):
        raise WorkbookRejected([not_xlsx])
    try:
        with zipfile.ZipFile(handle) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise WorkbookRejected([not_xlsx]) from exc
    if "xl/workbook.xml" not in names:
        raise WorkbookRejected([not_xlsx])
    if unpacked > max_unpacked_bytes():
        raise WorkbookRejected(
            [
                Problem(
                    "",
                    None,
                    "",
                    _("The workbook unpacks to %(size)d MB; the limit is %(limit)d MB.")
                    % {"size": unpacked // MB, "limit": max_unpacked_bytes() // MB},
                )
            ]
        )


# -- 2. its shape ---------------------------------------------------------------------------


def read_sheets(handle: BinaryIO) -> tuple[dict[str, SheetData], list[Problem]]:
    """Every data sheet as headers + rows; unknown sheets and formulas without a value as problems.

    A formula cell is read by the value Excel saved with it (``data_only``). A file written by a
    program that never calculated it has no such value: that cell is a problem, not a blank."""
    known = {kind.sheet: kind for kind in kinds()}
    problems: list[Problem] = []
    try:
        formulas = _formula_cells(handle)
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:
        raise WorkbookRejected(
            [Problem("", None, "", _("The workbook cannot be read: %(error)s") % {"error": exc})]
        ) from exc
    sheets: dict[str, SheetData] = {}
    try:
        for worksheet in workbook.worksheets:
            title = worksheet.title.strip()
            if title in REFERENCE_SHEETS:
                continue
            if title not in known:
                problems.append(
                    Problem(
                        title,
                        None,
                        "",
                        _("Unknown sheet “%(sheet)s”. The data sheets are: %(sheets)s.")
                        % {"sheet": title, "sheets": "、".join(known)},
                    )
                )
                continue
            sheets[title] = _read_sheet(title, worksheet, formulas.get(worksheet.title, {}), problems)
    finally:
        workbook.close()
    if not sheets and not problems:
        problems.append(
            Problem(
                "",
                None,
                "",
                _("No data sheet found. The data sheets are: %(sheets)s.") % {"sheets": "、".join(known)},
            )
        )
    return sheets, problems


# A formula cell in a worksheet's XML: <f>…</f>, <f t="shared" …/>, or with a namespace prefix.
FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formulas(handle: BinaryIO) -> bool:
    with zipfile.ZipFile(handle) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with archive.open(name) as member:
                    if FORMULA_TAG.search(member.read()):
                        return True
    return False


def _formula_cells(handle: BinaryIO) -> dict[str, dict[tuple[int, int], str]]:
    """Per sheet, the (row, column) of every formula cell and its formula. A workbook without
    any (what the template gives) is not read a second time for them."""
    if not _has_formulas(handle):
        return {}
    workbook = openpyxl.load_workbook(handle, read_only=True, data_only=False)
    try:
        return {
            worksheet.title: {
                (cell.row, cell.column): str(cell.value)
                for cells in worksheet.iter_rows()
                for cell in cells
                if getattr(cell, "data_type", None) == "f"
            }
            for worksheet in workbook.worksheets
        }
    finally:
        workbook.close()


def _read_sheet(
    title: str, worksheet, formulas: dict[tuple[int, int], str], problems: list[Problem]
) -> SheetData:
    rows_iter = worksheet.iter_rows()
    header_cells = next(rows_iter, ())
    headers = [str(c.value).strip() if c.value is not None else "" for c in header_cells]
    while headers and not headers[-1]:
        headers.pop()
    rows: list[tuple[int, list]] = []
    for cells in rows_iter:
        values = []
        number = None
        for index, cell in enumerate(cells[: len(headers)]):
            number = getattr(cell, "row", number)
            formula = formulas.get((getattr(cell, "row", None), getattr(cell, "column", None)))
            if formula is not None and cell.value is None:
                problems.append(
                    Problem(
                        title,
                        cell.row,
                        headers[index],
                        _(
                            "The formula %(formula)s has no calculated value: open the file in Excel, "
                            "save it, then import it again."
                        )
                        % {"formula": formula[:60]},
                    )
                )
            elif formula is not None and getattr(cell, "data_type", None) == "e":
                problems.append(
                    Problem(
                        title,
                        cell.row,
                        headers[index],
                        _("The formula %(formula)s gives the error %(error)s.")
                        % {"formula": formula[:60], "error": cell.value},
                    )
                )
            values.append(cell.value)
        if any(v not in (None, "") for v in values):
            values += [None] * (len(headers) - len(values))
            rows.append((number, values))
    return SheetData(title, headers, rows)


def check_columns(sheet: SheetData, resource: BudgetResource) -> list[Problem]:
    expected = [f.column_name for f in resource.fields.values()]
    problems = [
        Problem(sheet.name, 1, column, _("Column “%(column)s” is missing.") % {"column": column})
        for column in expected
        if column not in sheet.headers
    ]
    problems += [
        Problem(sheet.name, 1, header or "?", _("Unknown column “%(column)s”.") % {"column": header})
        for header in sheet.headers
        if header not in expected
    ]
    seen = set()
    for header in sheet.headers:
        if header in seen:
            problems.append(
                Problem(sheet.name, 1, header, _("Column “%(column)s” appears twice.") % {"column": header})
            )
        seen.add(header)
    return problems


# -- 3. the rows ----------------------------------------------------------------------------


def _message(text: str) -> str:
    for name, message in CONSTRAINT_MESSAGES.items():
        if name in text:
            return message
    return text


def _row_problems(sheet: SheetData, resource: BudgetResource, result) -> list[Problem]:
    columns = {f.attribute: f.column_name for f in resource.fields.values() if f.attribute}
    problems = []

    def excel_row(number: int | None) -> int | None:
        return sheet.rows[number - 1][0] if number and number <= len(sheet.rows) else number

    for invalid in result.invalid_rows:
        for attribute, messages in invalid.error_dict.items():
            column = "" if attribute == NON_FIELD_ERRORS else columns.get(attribute, attribute)
            for message in messages:
                problems.append(
                    Problem(sheet.name, excel_row(invalid.number), column, _message(str(message)))
                )
    for number, errors in result.row_errors():
        for error in errors:
            problems.append(Problem(sheet.name, excel_row(number), "", _message(str(error.error))))
    for error in result.base_errors:
        problems.append(Problem(sheet.name, None, "", _message(str(error.error))))
    return problems


def _bump_versions(lookups: Lookups) -> None:
    """A budget or project whose lines the import changed is a new version of it, as a form's
    save would make it: a page opened before the import cannot overwrite it."""
    for model, pks in lookups.touched.items():
        for holder in model.objects.select_for_update().filter(pk__in=pks):
            holder.version += 1
            if lookups.user is not None:
                holder._history_user = lookups.user
            holder.save(update_fields=["version"])


def import_workbook(
    *,
    path: Path | str | None = None,
    file: BinaryIO | None = None,
    cycle: BudgetCycle,
    unit: Unit | None = None,
    dry_run: bool,
    progress: Progress | None = None,
    user=None,
) -> ImportReport:
    """Check (``dry_run``) or import a workbook. Returns every problem found; writes nothing
    unless there is none.

    ``user`` is who imports (a web import): they must be the unit's own staff
    (``policy.can_import_for_unit``) and every row is held to ``policy.can_change``. Without one
    (the command line) the rows are still held to the workflow's editable states.

    The workbook is ``path`` (a file on this machine) or ``file`` (open, binary, seekable: a
    stored upload, ``job.file.open("rb")``)."""
    report = ImportReport(dry_run=dry_run)
    with _opened(path, file) as handle:
        try:
            check_file(handle)
            if progress:
                progress(10, _("Reading the workbook"))
            sheets, problems = read_sheets(handle)
        except WorkbookRejected as rejected:
            report.problems = rejected.problems
            return report
    if user is not None and (unit is None or not policy.can_import_for_unit(user, unit)):
        report.problems = [
            Problem("", None, "", _("Only the unit's own preparer or head may import its figures."))
        ]
        return report
    lookups = Lookups(cycle, unit, user)
    plan = []
    for kind in kinds():
        if kind.sheet in sheets:
            resource = kind.resource(lookups)
            shape = check_columns(sheets[kind.sheet], resource)
            problems += shape
            # A sheet whose columns are wrong is not read further; every other sheet's rows are
            # still checked, so that one preview lists every problem of the file.
            # A sheet the rules close as a whole (targets once the budget is approved) is one
            # error, not one per row.
            refusal = resource.sheet_refusal() if sheets[kind.sheet].rows else ""
            if refusal:
                problems.append(Problem(kind.sheet, None, "", refusal))
            elif not shape:
                plan.append((sheets[kind.sheet], resource))
    report.problems = list(problems)
    # A cell already reported (a formula without a value) is not reported again as blank.
    reported = {(p.sheet, p.row, p.column) for p in problems if p.row}
    if progress:
        progress(30, _("Checking the rows"))
    with transaction.atomic():
        for sheet, resource in plan:
            resource.excel_rows = [number for number, _values in sheet.rows]
            dataset = tablib.Dataset(headers=sheet.headers)
            for _number, values in sheet.rows:
                dataset.append(values)
            result = resource.import_data(dataset, dry_run=False, use_transactions=True, raise_errors=False)
            report.problems += [
                p
                for p in _row_problems(sheet, resource, result)
                if (p.sheet, p.row, p.column) not in reported
            ]
            report.counts[sheet.name] = {
                "rows": len(sheet.rows),
                "new": result.totals.get("new", 0),
                "update": result.totals.get("update", 0),
            }
        report.warnings = [Problem(*where) for where in lookups.warnings]
        if report.problems or dry_run:
            transaction.set_rollback(True)
        else:
            _bump_versions(lookups)
    if progress:
        progress(95, _("Done"))
    return report

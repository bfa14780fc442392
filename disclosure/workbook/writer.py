"""Writes ``Table`` objects into an openpyxl workbook, one sheet per table, in the seed's layout:
table number, title, 单位名称 and 单位：万元, the header with its merged cells, rows, the note."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from budgets.consistency import Finding

from .table import Label, Table, Wan, Yuan

THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="E8EEF7")
TOTAL_FILL = PatternFill("solid", fgColor="F3F6FA")
CHECK_SHEET = "检查结果"


def as_text(cell) -> None:
    """A cell holding text is a text cell: user text such as ``=HYPERLINK(...)`` must not become
    a formula in the workbook (openpyxl reads every string starting with "=" as one)."""
    if isinstance(cell.value, str):
        cell.data_type = "s"


def text_cells_only(workbook: Workbook) -> Workbook:
    """No formula in a workbook this app writes: every string cell is stored as text."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    as_text(cell)
    return workbook


def new_workbook() -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def write_table(workbook: Workbook, table: Table) -> Worksheet:
    sheet = workbook.create_sheet(title=table.number)
    width = table.width
    row = 1
    sheet.cell(row=row, column=1, value=table.number).font = Font(bold=True)
    row += 1
    title = sheet.cell(row=row, column=1, value=table.title)
    title.font = Font(bold=True, size=14)
    title.alignment = Alignment(horizontal="center")
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    if table.subtitle:
        row += 1
        cell = sheet.cell(row=row, column=1, value=table.subtitle)
        cell.alignment = Alignment(horizontal="center")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    row += 1
    sheet.cell(row=row, column=1, value=f"{table.name_label}：{table.unit_name}")
    if table.money_unit:
        sheet.cell(row=row, column=width, value=table.money_unit).alignment = Alignment(horizontal="right")
    row += 1
    row = _write_header(sheet, table, row)
    merges = []
    for data_row in table.rows:
        merges += [
            (row, column + 1, row + rowspan - 1, column + colspan)
            for column, (colspan, rowspan) in data_row.spans.items()
            if colspan > 1 or rowspan > 1
        ]
        for column, value in enumerate(data_row.cells, start=1):
            cell = sheet.cell(row=row, column=column)
            _put(cell, value)
            cell.border = BOX
            if data_row.style in {"total", "group"}:
                cell.font = Font(bold=True)
            if data_row.style == "total":
                cell.fill = TOTAL_FILL
        row += 1
    # merged after every row is written: a covered cell takes no value (openpyxl's MergedCell)
    for top, left, bottom, right in merges:
        sheet.merge_cells(start_row=top, start_column=left, end_row=bottom, end_column=right)
    for offset, line in enumerate(table.note.splitlines() if table.note else []):
        sheet.cell(row=row + 1 + offset, column=1, value=line).font = Font(italic=True, size=9)
    for index, chars in enumerate(table.widths or _default_widths(table), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = chars
    sheet.freeze_panes = None
    return sheet


def _write_header(sheet: Worksheet, table: Table, row: int) -> int:
    """Places header cells left to right, skipping cells covered by a rowspan from above."""
    covered: set[tuple[int, int]] = set()
    for offset, line in enumerate(table.header):
        column = 1
        r = row + offset
        for head in line:
            while (r, column) in covered:
                column += 1
            cell = sheet.cell(row=r, column=column, value=head.text)
            cell.font = Font(bold=True)
            cell.fill = HEAD_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            for dr in range(head.rowspan):
                for dc in range(head.colspan):
                    covered.add((r + dr, column + dc))
                    sheet.cell(row=r + dr, column=column + dc).border = BOX
            if head.colspan > 1 or head.rowspan > 1:
                sheet.merge_cells(
                    start_row=r,
                    start_column=column,
                    end_row=r + head.rowspan - 1,
                    end_column=column + head.colspan - 1,
                )
            column += head.colspan
    return row + len(table.header)


def _put(cell, value) -> None:
    if isinstance(value, Wan):
        shown = value.shown
        cell.value = None if shown is None else (int(shown) if value.places == 0 else shown)
        cell.number_format = "#,##0" if value.places == 0 else "#,##0.00"
        cell.alignment = Alignment(horizontal="right")
    elif isinstance(value, Yuan):
        cell.value = value.yuan
        cell.number_format = "0.00"
        cell.alignment = Alignment(horizontal="right")
    elif isinstance(value, Label):
        cell.value = value.text
        as_text(cell)
        cell.alignment = Alignment(indent=value.indent * 2, vertical="top")
    elif isinstance(value, Decimal):
        cell.value = value
        cell.alignment = Alignment(horizontal="right")
    else:
        cell.value = value
        as_text(cell)
        cell.alignment = Alignment(wrap_text=isinstance(value, str) and len(value) > 30, vertical="top")


def _default_widths(table: Table) -> list[int]:
    widths = [12] * table.width
    for data_row in table.rows[:200]:
        for index, value in enumerate(data_row.cells):
            if isinstance(value, str | Label):
                widths[index] = min(60, max(widths[index], len(str(value)) * 2 + 2))
    return widths


def write_check_sheet(workbook: Workbook, findings: Iterable[Finding], *, title: str, index: int = 0) -> None:
    """The cross-table checks run before the tables are written; their findings, first sheet."""
    sheet = workbook.create_sheet(title=CHECK_SHEET, index=index)
    sheet.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    findings = list(findings)
    sheet.cell(
        row=2,
        column=1,
        value=(
            f"发现 {len(findings)} 处不一致（超出尾数误差可以解释的范围），金额单位：万元。"
            if findings
            else "全部检查通过，未发现超出尾数误差的不一致。"
        ),
    )
    headers = ["表", "单位", "项目", "应为", "依据", "实为", "差额"]
    for column, text in enumerate(headers, start=1):
        cell = sheet.cell(row=4, column=column, value=text)
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
        cell.border = BOX
    for row, finding in enumerate(findings, start=5):
        values = [
            finding.table,
            finding.unit,
            finding.item,
            finding.expected,
            finding.detail,
            finding.found,
            finding.difference,
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            as_text(cell)
            cell.border = BOX
    for letter, chars in zip("ABCDEFG", (10, 16, 36, 12, 36, 12, 10), strict=True):
        sheet.column_dimensions[letter].width = chars

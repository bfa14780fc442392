"""Writes the disclosure workbook with xlsxwriter, one sheet per ``Table``, in the seed's layout:
table number, title, 单位名称 and 单位：万元, the header with its merged cells, rows, the note; the
check sheet first.

The workbook is the one the openpyxl writer of the first versions produced, cell for cell and
style for style (``scripts/xlsx_compare.py``; docs/benchmarks.md, Workbook): that writer's save
alone took as long as reading, checking and building every table. Two of its habits are
kept on purpose so that the file stays the same: a merged range's covered cells carry the edges
of its border (what openpyxl's ``MergedCellRange.format`` writes, and what Excel draws), and the
page margins are openpyxl's defaults. The import templates users fill in are still built with
openpyxl (``disclosure/template.py``: comments, data validation); ``text_cells_only`` is theirs.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal

import xlsxwriter
from openpyxl import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from budgets.consistency import Finding

from .table import Label, Table, Wan, Yuan

CHECK_SHEET = "检查结果"

# Thin grey lines around every table cell; the header's and the total rows' fills.
BORDER_COLOR = "#999999"
SIDES = ("top", "left", "right", "bottom")
BOX = dict.fromkeys(SIDES, 1) | {f"{side}_color": BORDER_COLOR for side in SIDES}
HEAD_FILL = {"pattern": 1, "bg_color": "#E8EEF7"}
TOTAL_FILL = {"pattern": 1, "bg_color": "#F3F6FA"}
HEAD = {"bold": True, **HEAD_FILL, "align": "center", "valign": "vcenter", "text_wrap": True, **BOX}

RIGHT = {"align": "right"}
TOP = {"valign": "top"}
TOP_WRAP = {"valign": "top", "text_wrap": True}

# openpyxl's page margins (inches), which the workbook has always had; xlsxwriter's differ.
MARGINS = {"left": 0.75, "right": 0.75, "top": 1, "bottom": 1}
HEADER_MARGIN = 0.5
# A column width in characters of the default font is this many pixels (Calibri 11: 7 px a digit).
PIXELS_A_CHARACTER = 7


class Formats:
    """Each distinct cell format of a workbook is added once, under a key its caller chooses."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self._book = book
        self._formats: dict = {}

    def get(self, key, properties: dict) -> Format:
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = self._formats[key] = self._book.add_format(properties)
        return fmt

    def cell(self, style: str, number_format: str, kind, alignment: dict) -> Format:
        """A table cell's format: boxed, aligned by the kind of its value (``kind`` names the
        alignment in the key), its number format, bold on total and group rows, filled on totals."""
        key = (style, number_format, kind)
        fmt = self._formats.get(key)
        if fmt is not None:
            return fmt
        properties = {**BOX, **alignment}
        if number_format:
            properties["num_format"] = number_format
        if style:
            properties["bold"] = True
        if style == "total":
            properties |= TOTAL_FILL
        return self.get(key, properties)

    def edges(self, sides: tuple[str, ...]) -> Format:
        """The border a covered cell of a boxed merged range keeps: the range's outer edges."""
        return self.get(("edges", sides), {p: v for p, v in BOX.items() if p.split("_")[0] in sides})


def write_workbook(tables: Iterable[Table], findings: Iterable[Finding], *, title: str) -> bytes:
    """The workbook's bytes: the check sheet, then one sheet per table."""
    buffer = io.BytesIO()
    # Every string is written as text (write_string): user text such as "=HYPERLINK(...)" never
    # becomes a formula or a link.
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    formats = Formats(book)
    write_check_sheet(book, formats, findings, title=title)
    for table in tables:
        write_table(book, formats, table)
    book.close()
    return buffer.getvalue()


def _new_sheet(book: xlsxwriter.Workbook, name: str) -> Worksheet:
    sheet = book.add_worksheet(name)
    sheet.set_margins(**MARGINS)
    sheet.set_header("", {"margin": HEADER_MARGIN})
    sheet.set_footer("", {"margin": HEADER_MARGIN})
    return sheet


def _widths(sheet: Worksheet, widths: Iterable[float]) -> None:
    for column, chars in enumerate(widths):
        sheet.set_column_pixels(column, column, chars * PIXELS_A_CHARACTER)


def _merge(sheet: Worksheet, formats: Formats, top: int, left: int, bottom: int, right: int, *, boxed: bool):
    """Merges the range (0-based, inclusive) around its top-left cell, written by the caller; the
    covered cells of a boxed range keep the outer edges of its border."""
    sheet.merge_range(top, left, bottom, right, None)  # no format: registers the range, writes nothing
    if not boxed:
        return
    for r in range(top, bottom + 1):
        for c in range(left, right + 1):
            if (r, c) == (top, left):
                continue
            sides = tuple(
                side
                for side, on_edge in zip(SIDES, (r == top, c == left, c == right, r == bottom), strict=True)
                if on_edge
            )
            if sides:
                sheet.write_blank(r, c, None, formats.edges(sides))


def write_table(book: xlsxwriter.Workbook, formats: Formats, table: Table) -> Worksheet:
    sheet = _new_sheet(book, table.number)
    width = table.width
    row = 0
    sheet.write_string(row, 0, table.number, formats.get("number", {"bold": True}))
    row += 1
    sheet.write_string(
        row, 0, table.title, formats.get("title", {"bold": True, "font_size": 14, "align": "center"})
    )
    _merge(sheet, formats, row, 0, row, width - 1, boxed=False)
    if table.subtitle:
        row += 1
        sheet.write_string(row, 0, table.subtitle, formats.get("subtitle", {"align": "center"}))
        _merge(sheet, formats, row, 0, row, width - 1, boxed=False)
    row += 1
    sheet.write_string(row, 0, f"{table.name_label}：{table.unit_name}")
    if table.money_unit:
        sheet.write_string(row, width - 1, table.money_unit, formats.get("right", RIGHT))
    row += 1
    row = _write_header(sheet, formats, table, row)
    merges = []
    covered: set[tuple[int, int]] = set()  # by a merged body cell: written by _merge, if at all
    for data_row in table.rows:
        for column, (colspan, rowspan) in data_row.spans.items():
            if colspan > 1 or rowspan > 1:
                merges.append((row, column, row + rowspan - 1, column + colspan - 1))
                covered.update((row + dr, column + dc) for dr in range(rowspan) for dc in range(colspan))
                covered.discard((row, column))
        style = data_row.style if data_row.style in {"total", "group"} else ""
        for column, value in enumerate(data_row.cells):
            if (row, column) not in covered:
                _put(sheet, formats, row, column, value, style)
        row += 1
    for top, left, bottom, right in merges:
        _merge(sheet, formats, top, left, bottom, right, boxed=True)
    note = formats.get("note", {"italic": True, "font_size": 9})
    for offset, line in enumerate(table.note.splitlines() if table.note else []):
        sheet.write_string(row + 1 + offset, 0, line, note)
    _widths(sheet, table.widths or _default_widths(table))
    return sheet


def _write_header(sheet: Worksheet, formats: Formats, table: Table, row: int) -> int:
    """Places header cells left to right, skipping cells covered by a rowspan from above."""
    head = formats.get("head", HEAD)
    covered: set[tuple[int, int]] = set()
    for offset, line in enumerate(table.header):
        column = 0
        r = row + offset
        for cell in line:
            while (r, column) in covered:
                column += 1
            _text(sheet, r, column, cell.text, head)
            covered.update((r + dr, column + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan))
            if cell.colspan > 1 or cell.rowspan > 1:
                _merge(sheet, formats, r, column, r + cell.rowspan - 1, column + cell.colspan - 1, boxed=True)
            column += cell.colspan
    return row + len(table.header)


def _text(sheet: Worksheet, row: int, column: int, text: str, fmt: Format | None) -> None:
    if text == "":
        sheet.write_blank(row, column, None, fmt)
    else:
        sheet.write_string(row, column, text, fmt)


def _put(sheet: Worksheet, formats: Formats, row: int, column: int, value, style: str) -> None:
    """Writes a table cell: its value, its number format and alignment by kind, bold on total and
    group rows, the fill on total rows, the box around it."""
    if isinstance(value, Wan):
        shown = value.shown
        number_format = "#,##0" if value.places == 0 else "#,##0.00"
        fmt = formats.cell(style, number_format, "right", RIGHT)
        if shown is None:
            sheet.write_blank(row, column, None, fmt)
        else:
            sheet.write_number(row, column, int(shown) if value.places == 0 else shown, fmt)
    elif isinstance(value, Yuan):
        sheet.write_number(row, column, value.yuan, formats.cell(style, "0.00", "right", RIGHT))
    elif isinstance(value, Label):
        _text(
            sheet,
            row,
            column,
            value.text,
            formats.cell(style, "", ("indent", value.indent), _indent(value.indent)),
        )
    elif isinstance(value, Decimal):
        sheet.write_number(row, column, value, formats.cell(style, "", "right", RIGHT))
    elif isinstance(value, str):
        wrap = len(value) > 30
        _text(
            sheet,
            row,
            column,
            value,
            formats.cell(style, "", "wrap" if wrap else "top", TOP_WRAP if wrap else TOP),
        )
    elif value is None:
        sheet.write_blank(row, column, None, formats.cell(style, "", "top", TOP))
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value, formats.cell(style, "", "top", TOP))
    elif isinstance(value, int | float):
        sheet.write_number(row, column, value, formats.cell(style, "", "top", TOP))
    else:
        raise TypeError(
            f"a table cell holds text, a number or an amount, not {type(value).__name__}: {value!r}"
        )


def _indent(indent: int) -> dict:
    # vertical top keeps xlsxwriter from setting horizontal="left" beside an indent
    return {"indent": indent * 2, "valign": "top"} if indent else TOP


def _default_widths(table: Table) -> list[int]:
    widths = [12] * table.width
    for data_row in table.rows[:200]:
        for index, value in enumerate(data_row.cells):
            if isinstance(value, str | Label):
                widths[index] = min(60, max(widths[index], len(str(value)) * 2 + 2))
    return widths


def write_check_sheet(
    book: xlsxwriter.Workbook, formats: Formats, findings: Iterable[Finding], *, title: str
) -> None:
    """The cross-table checks run before the tables are written; their findings, first sheet."""
    sheet = _new_sheet(book, CHECK_SHEET)
    sheet.write_string(0, 0, title, formats.get("title_left", {"bold": True, "font_size": 14}))
    findings = list(findings)
    sheet.write_string(
        1,
        0,
        (
            f"发现 {len(findings)} 处不一致（超出尾数误差可以解释的范围），金额单位：万元。"
            if findings
            else "全部检查通过，未发现超出尾数误差的不一致。"
        ),
    )
    head = formats.get("check_head", {"bold": True, **HEAD_FILL, **BOX})
    for column, text in enumerate(["表", "单位", "项目", "应为", "依据", "实为", "差额"]):
        sheet.write_string(3, column, text, head)
    box = formats.get("box", BOX)
    for row, finding in enumerate(findings, start=4):
        values = [
            finding.table,
            finding.unit,
            finding.item,
            finding.expected,
            finding.detail,
            finding.found,
            finding.difference,
        ]
        for column, value in enumerate(values):
            if isinstance(value, str):
                _text(sheet, row, column, value, box)
            elif value is None:
                sheet.write_blank(row, column, None, box)
            else:
                sheet.write_number(row, column, value, box)
    _widths(sheet, (10, 16, 36, 12, 36, 12, 10))


def as_text(cell) -> None:
    """A cell holding text is a text cell: user text such as ``=HYPERLINK(...)`` must not become
    a formula in the workbook (openpyxl reads every string starting with "=" as one)."""
    if isinstance(cell.value, str):
        cell.data_type = "s"


def text_cells_only(workbook: Workbook) -> Workbook:
    """No formula in an openpyxl workbook this app writes (the import templates): every string
    cell is stored as text."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    as_text(cell)
    return workbook

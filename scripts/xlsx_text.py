"""Print an exported disclosure workbook as text, sheet by sheet, so that a person can read it
beside the layout of DOMAIN §9 (or paste it into a note).

    .venv/bin/python scripts/xlsx_text.py WORKBOOK.xlsx [--sheet 表1 --sheet 表11] [--rows 40]

Each non-empty row is printed as ``row│ cell │ cell …``; a cell is ``A=text``, its column letter
and what Excel shows (whole numbers with thousands separators, as the workbook's number format
prints them); a merged cell is named by its range (``A4:A6=预算单位``, ``C4:O4=本年收入``) and the
cells it covers are left out; an indented label (a 款 beneath its 类) is printed with two dots per
indent level (``C7=··人力资源和社会保障管理事务``). Notes and footnotes are rows like any other.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from decimal import Decimal

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

INDENT = "··"


def shown(cell) -> str:
    """A cell's value as the workbook prints it."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        places = 2 if "0.00" in (cell.number_format or "") else 0
        if places == 0 and value == int(value):
            return f"{int(value):,}"
        return f"{Decimal(str(value)):,.{places or 2}f}"
    text = str(value).replace("\n", "⏎")
    indent = int(cell.alignment.indent or 0) // 2 if cell.alignment else 0
    return INDENT * indent + text


def sheet_lines(sheet: Worksheet, *, max_rows: int | None = None) -> Iterator[str]:
    """The sheet's non-empty rows as text lines, merged cells as spans."""
    spans = {(r.min_row, r.min_col): r.coord for r in sheet.merged_cells.ranges}
    covered = {
        (row, col)
        for r in sheet.merged_cells.ranges
        for row in range(r.min_row, r.max_row + 1)
        for col in range(r.min_col, r.max_col + 1)
        if (row, col) != (r.min_row, r.min_col)
    }
    printed = 0
    for row in sheet.iter_rows():
        cells = []
        for cell in row:
            key = (cell.row, cell.column)
            if key in covered or cell.value is None:
                continue
            name = spans.get(key) or get_column_letter(cell.column)
            cells.append(f"{name}={shown(cell)}")
        if not cells:
            continue
        if max_rows is not None and printed >= max_rows:
            yield "   … (further rows left out)"
            return
        printed += 1
        yield f"{row[0].row:>3}│ " + " │ ".join(cells)


def workbook_lines(path, *, sheets: Iterable[str] = (), max_rows: int | None = None) -> Iterator[str]:
    book = load_workbook(path)
    wanted = list(sheets) or book.sheetnames
    for name in wanted:
        yield f"=== {name} ==="
        yield from sheet_lines(book[name], max_rows=max_rows)
        yield ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("workbook")
    parser.add_argument("--sheet", action="append", default=[], help="only this sheet (repeatable)")
    parser.add_argument("--rows", type=int, default=None, help="at most this many non-empty rows a sheet")
    args = parser.parse_args(argv)
    for line in workbook_lines(args.workbook, sheets=args.sheet, max_rows=args.rows):
        sys.stdout.write(line + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Compare two xlsx workbooks as Excel shows them: the sheets in order, each cell's value, type,
number format, font, fill, border and alignment, the merged ranges, column widths, row heights,
frozen panes, print settings and data validation. Prints the differences; exits 1 if any.

    .venv/bin/python scripts/xlsx_compare.py OLD.xlsx NEW.xlsx [--limit 40]

Cells are read as stored: openpyxl's loader rewrites the cells a merged range covers, so that
rewrite is turned off here and a covered cell's border is compared as the file has it. Defaults
spelt out by one writer and left out by the other compare equal: a font without a name or size is
the workbook's default (Calibri 11), a colour is its RGB (the alpha byte, which Excel ignores,
left out), a solid fill's background colour is not drawn.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string
from openpyxl.worksheet import _reader


@contextmanager
def merged_cells_as_stored() -> Iterator[None]:
    """Within: ``load_workbook`` keeps a merged range's covered cells as the file stores them."""
    original = _reader.WorksheetReader.bind_merged_cells

    def bind(self):
        from openpyxl.worksheet.cell_range import MultiCellRange

        if self.parser.merged_cells:
            self.ws.merged_cells = MultiCellRange([c.ref for c in self.parser.merged_cells.mergeCell])

    _reader.WorksheetReader.bind_merged_cells = bind
    try:
        yield
    finally:
        _reader.WorksheetReader.bind_merged_cells = original


def _color(color) -> str | None:
    if color is None:
        return None
    if color.type == "rgb":
        return str(color.rgb)[-6:].upper()
    if color.type == "theme":
        return None if color.theme == 1 and not color.tint else f"theme{color.theme}{color.tint or ''}"
    return f"{color.type}:{color.value}"


def _font(font) -> tuple:
    return (
        font.name or "Calibri",
        float(font.sz or 11),
        bool(font.b),
        bool(font.i),
        font.u,
        bool(font.strike),
        font.vertAlign,
        _color(font.color),
    )


def _fill(fill) -> tuple:
    pattern = getattr(fill, "patternType", None)
    if not pattern:
        return ()
    background = None if pattern == "solid" else _color(fill.bgColor)
    return (pattern, _color(fill.fgColor), background)


def _border(border) -> tuple:
    def side(s):
        return (s.style, _color(s.color) if s.style else None) if s is not None and s.style else None

    return tuple(side(getattr(border, n)) for n in ("left", "right", "top", "bottom", "diagonal"))


def _alignment(a) -> tuple:
    return (
        a.horizontal or "general",
        a.vertical or "bottom",
        bool(a.wrap_text),
        int(a.indent or 0),
        int(a.textRotation or 0),
        bool(a.shrink_to_fit),
    )


def _value(cell):
    value = cell.value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return ("number", float(value))
    return (cell.data_type if value is not None else "empty", value)


def cell_facts(cell) -> dict:
    return {
        "value": _value(cell),
        "number_format": cell.number_format,
        "font": _font(cell.font),
        "fill": _fill(cell.fill),
        "border": _border(cell.border),
        "alignment": _alignment(cell.alignment),
        "protection": (cell.protection.locked, cell.protection.hidden),
    }


def _default_facts(book) -> dict:
    """What a cell the file does not store looks like."""
    sheet = book.create_sheet("__compare_default__")
    facts = cell_facts(sheet.cell(row=1, column=1))
    book.remove(sheet)
    return facts


def _columns(dimension) -> range:
    first = dimension.min or column_index_from_string(dimension.index)
    return range(first, (dimension.max or first) + 1)


def sheet_facts(sheet) -> dict:
    def tree(obj):
        from openpyxl.xml.functions import tostring

        return tostring(obj.to_tree()).decode() if obj is not None else None

    return {
        "merged": sorted(str(r) for r in sheet.merged_cells.ranges),
        # one <col> element may give several columns (min to max) their width
        "columns": {
            column: (round(float(d.width), 4) if d.customWidth else None, d.hidden, d.outlineLevel)
            for d in sheet.column_dimensions.values()
            if d.customWidth or d.hidden or d.outlineLevel
            for column in _columns(d)
        },
        "rows": {
            key: (d.height, d.hidden, d.outlineLevel)
            for key, d in sheet.row_dimensions.items()
            if d.height is not None or d.hidden or d.outlineLevel
        },
        "freeze_panes": sheet.freeze_panes,
        "page_margins": tree(sheet.page_margins),
        "page_setup": dict(sheet.page_setup),
        "print_options": dict(sheet.print_options),
        "print_titles": (sheet.print_title_rows, sheet.print_title_cols),
        "print_area": sheet.print_area,
        "header_footer": (
            [str(getattr(sheet.oddHeader, part).text or "") for part in ("left", "center", "right")],
            [str(getattr(sheet.oddFooter, part).text or "") for part in ("left", "center", "right")],
        ),
        "data_validations": sorted(
            (str(v.sqref), v.type, v.formula1, v.allow_blank) for v in sheet.data_validations.dataValidation
        ),
        "conditional_formatting": sorted(str(r.sqref) for r in sheet.conditional_formatting),
        "auto_filter": sheet.auto_filter.ref,
        "grid_lines": sheet.sheet_view.showGridLines,
        "zoom": sheet.sheet_view.zoomScale,
        "state": sheet.sheet_state,
        "tab_color": _color(sheet.sheet_properties.tabColor),
    }


def differences(old_path, new_path) -> Iterator[str]:
    with merged_cells_as_stored():
        old, new = load_workbook(old_path), load_workbook(new_path)
    if old.sheetnames != new.sheetnames:
        yield f"sheets: {old.sheetnames} != {new.sheetnames}"
    defaults = _default_facts(old), _default_facts(new)
    for name in old.sheetnames:
        if name not in new.sheetnames:
            continue
        a, b = old[name], new[name]
        fa, fb = sheet_facts(a), sheet_facts(b)
        for key in fa:
            if fa[key] != fb[key]:
                yield f"{name}: {key}: {fa[key]!r} != {fb[key]!r}"
        coords = set(a._cells) | set(b._cells)
        for coord in sorted(coords):
            ca = cell_facts(a._cells[coord]) if coord in a._cells else defaults[0]
            cb = cell_facts(b._cells[coord]) if coord in b._cells else defaults[1]
            for key in ca:
                if ca[key] != cb[key]:
                    ref = a.cell(*coord).coordinate if coord in a._cells else b.cell(*coord).coordinate
                    yield f"{name}!{ref}: {key}: {ca[key]!r} != {cb[key]!r}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--limit", type=int, default=40, help="print at most this many differences")
    args = parser.parse_args(argv)
    found = 0
    for line in differences(args.old, args.new):
        found += 1
        if found <= args.limit:
            sys.stdout.write(line + "\n")
    if found > args.limit:
        sys.stdout.write(f"… {found - args.limit} more\n")
    sys.stdout.write(f"{found} differences\n")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

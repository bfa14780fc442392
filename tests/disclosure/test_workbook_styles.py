"""The workbook's formats as the file stores them (docs/benchmarks.md, Workbook: the writer moved
from openpyxl to xlsxwriter and kept the workbook the same): fonts, fills, borders, alignment,
number formats, merged ranges and the borders their covered cells keep, column widths, margins.
Read with ``scripts/xlsx_compare.py``'s loader, which leaves a merged range's covered cells as
stored (openpyxl's own loader rebuilds them from the range's first cell)."""

import io

import pytest
from openpyxl import load_workbook
from openpyxl.utils.cell import coordinate_to_tuple

from disclosure.exporting import build_workbook
from scripts.xlsx_compare import cell_facts, merged_cells_as_stored

from .test_workbook_2022 import create_unit_2022

pytestmark = pytest.mark.django_db

CALIBRI = ("Calibri", 11.0)
BOX = (*(("thin", "999999"),) * 4, None)
HEAD_FILL = ("solid", "E8EEF7", None)
TOTAL_FILL = ("solid", "F3F6FA", None)


def stored(content: bytes):
    with merged_cells_as_stored():
        return load_workbook(io.BytesIO(content))


def facts(sheet, ref: str) -> dict:
    """What the file stores for the cell; {} for a cell it does not store."""
    cell = sheet._cells.get(coordinate_to_tuple(ref))
    return cell_facts(cell) if cell is not None else {}


def font(f: dict) -> tuple:
    name, size, bold, italic, *_ = f["font"]
    return name, size, bold, italic


def borders(*sides: str) -> tuple:
    thin = ("thin", "999999")
    return (*(thin if s in sides else None for s in ("left", "right", "top", "bottom")), None)


@pytest.fixture
def book_2020(demo):
    return stored(build_workbook(cycle=demo).to_bytes())


def test_the_check_sheet_has_its_title_header_and_widths(book_2020):
    sheet = book_2020.worksheets[0]
    assert sheet.title == "检查结果"
    assert font(facts(sheet, "A1")) == (*CALIBRI[:1], 14.0, True, False)
    assert font(facts(sheet, "A2")) == (*CALIBRI, False, False)
    head = facts(sheet, "A4")
    assert (font(head)[2], head["fill"], head["border"]) == (True, HEAD_FILL, BOX)
    widths = [sheet.column_dimensions[c].width for c in "ABCDEFG"]
    assert widths == [10, 16, 36, 12, 36, 12, 10]


def test_a_table_sheet_keeps_its_title_header_body_and_note_formats(book_2020):
    sheet = book_2020["表1"]
    assert font(facts(sheet, "A1")) == (*CALIBRI, True, False)
    title = facts(sheet, "A2")
    assert (font(title), title["alignment"][0]) == (("Calibri", 14.0, True, False), "center")
    assert "A2:D2" in {str(r) for r in sheet.merged_cells.ranges}
    assert facts(sheet, "B2") == {}  # covered by the title, no border: not stored
    assert facts(sheet, "D3")["alignment"][0] == "right"  # 单位：万元
    head = facts(sheet, "A4")
    assert head["fill"] == HEAD_FILL and head["border"] == BOX
    assert head["alignment"][:3] == ("center", "center", True)
    # B4 is covered by A4:B4: the outer edges of the range's box, nothing else
    covered = facts(sheet, "B4")
    assert covered["border"] == borders("right", "top", "bottom")
    assert (covered["fill"], font(covered)[2], covered["value"]) == ((), False, ("empty", None))
    label, amount = facts(sheet, "A6"), facts(sheet, "B6")
    assert (label["alignment"][1], label["border"], label["number_format"]) == ("top", BOX, "General")
    assert (amount["value"], amount["number_format"]) == (("number", 62591.0), "#,##0")
    assert (amount["alignment"][0], amount["border"], font(amount)[2]) == ("right", BOX, False)
    total = facts(sheet, "B35")  # 收 入 总 计
    assert (font(total)[2], total["fill"], total["number_format"]) == (True, TOTAL_FILL, "#,##0")
    blank = facts(sheet, "B11")  # 政府性基金预算拨款: blank, still boxed
    assert (blank["value"], blank["border"]) == (("empty", None), BOX)
    note = facts(sheet, "A37")
    assert font(note) == ("Calibri", 9.0, False, True)
    assert [sheet.column_dimensions[c].width for c in "ABCD"] == [30, 14, 36, 14]


def test_every_sheet_has_the_same_page_margins_and_no_frozen_panes(book_2020):
    for sheet in book_2020.worksheets:
        m = sheet.page_margins
        assert (m.left, m.right, m.top, m.bottom, m.header, m.footer) == (0.75, 0.75, 1, 1, 0.5, 0.5)
        assert sheet.freeze_panes is None


def test_yuan_amounts_have_two_places_and_long_text_wraps(book_2020):
    sheet = book_2020["表15"]
    amount = facts(sheet, "B10")  # 项目总金额, in yuan
    assert (amount["number_format"], amount["alignment"][0]) == ("0.00", "right")
    wrapped = [
        cell_facts(c)
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, str) and len(c.value) > 30 and c.row > 4
    ]
    assert wrapped and all(f["alignment"][1:3] == ("top", True) for f in wrapped)


def test_merged_body_cells_of_table11_keep_the_edges_of_their_box(demo):
    cycle, unit = create_unit_2022()
    sheet = stored(build_workbook(cycle=cycle, unit=unit).to_bytes())["表11"]
    assert {"A6:A12", "B12:C12", "B13:F13"} <= {str(r) for r in sheet.merged_cells.ranges}
    assert facts(sheet, "A6")["border"] == BOX
    assert facts(sheet, "A7")["border"] == borders("left", "right")
    assert facts(sheet, "A12")["border"] == borders("left", "right", "bottom")
    assert facts(sheet, "C12")["border"] == borders("right", "top", "bottom")
    assert facts(sheet, "D13")["border"] == borders("top", "bottom")
    assert facts(sheet, "D13")["value"] == ("empty", None)
    indented = [
        cell_facts(c) for row in stored(build_workbook(cycle=cycle, unit=unit).to_bytes())["表1"].iter_rows()
        for c in row if isinstance(c.value, str) and c.value == "社会保险经办机构"
    ]  # fmt: skip
    assert [f["alignment"][:4] for f in indented] == [("general", "top", False, 4)]

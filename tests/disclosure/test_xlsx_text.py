"""The text dump of a 2022 workbook (scripts/xlsx_text.py), of a whole unit and of an empty one:
what docs/disclosure-2022-check.md shows beside DOMAIN §9.

Set ``XLSX_DUMP_DIR`` to keep the two workbooks and their dumps:
``XLSX_DUMP_DIR=var/dump .venv/bin/pytest -p no:xdist -q tests/disclosure/test_xlsx_text.py``.
"""

import os
from pathlib import Path

import pytest

from disclosure.exporting import build_workbook
from scripts.xlsx_text import workbook_lines

from . import unit_2022 as u22
from .test_workbook_2022 import create_unit_2022, empty_unit_2022

pytestmark = pytest.mark.django_db


def dump(cycle, unit, tmp_path, name: str) -> list[str]:
    path = Path(os.environ.get("XLSX_DUMP_DIR") or tmp_path)
    path.mkdir(parents=True, exist_ok=True)
    workbook = path / f"{name}.xlsx"
    workbook.write_bytes(build_workbook(cycle=cycle, unit=unit).to_bytes())
    lines = list(workbook_lines(workbook))
    (path / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines


def sheet(lines: list[str], name: str) -> list[str]:
    start = lines.index(f"=== {name} ===") + 1
    return lines[start : lines.index("", start)]


def test_the_dump_of_a_whole_unit_shows_spans_indents_and_notes(demo, tmp_path):
    cycle, unit = create_unit_2022()
    lines = dump(cycle, unit, tmp_path, "unit_2022")
    table2 = sheet(lines, "表2")
    assert table2[:3] == [
        "  1│ A=表2",
        "  2│ A2:P2=收入总表",
        f"  3│ A=部门名称：{u22.UNIT_NAME} │ P=单位：万元",
    ]
    assert table2[3] == "  4│ A4:A6=预算单位 │ B4:B6=收入总计 │ C4:O4=本年收入 │ P4:P6=上年结余、结转"
    table1 = sheet(lines, "表1")
    assert any("C=一、社会保障和就业支出" in line and "C" in line for line in table1)
    assert any("C=··人力资源和社会保障管理事务" in line for line in table1)
    assert any("C=····社会保险经办机构" in line for line in table1)
    assert table1[-1].endswith("A=本套报表金额单位转换时可能存在尾数误差。")
    assert sheet(lines, "表9")[-1].endswith("A=注：本表本年无发生额。")


def test_the_dump_of_an_empty_unit_shows_every_table_with_its_zero_row_and_note(demo, tmp_path):
    cycle, budget = empty_unit_2022()
    lines = dump(cycle, budget.unit, tmp_path, "empty_2022")
    for number in range(1, 11):
        table = sheet(lines, f"表{number}")
        assert any(line.endswith("A=注：本表本年无发生额。") for line in table), number
    assert f"  6│ A={u22.UNIT_NAME} │ B=0 │ C=0 │ D=0 │ E=0 │ F=0 │ G=0" in sheet(lines, "表3")
    table11 = sheet(lines, "表11")
    assert "  6│ A6:A9=年度主要任务 │ B6:B7=任务名称 │ C6:C7=主要内容 │ D6:F6=预算金额" in table11
    assert "  9│ B9:C9=金额合计 │ D=0 │ E=0 │ F=0" in table11
    # no indicator: the block is its heading row alone, not a merge of one cell
    assert " 11│ A=年度绩效指标 │ B=一级指标 │ C=二级指标 │ D=三级指标 │ E11:F11=目标值" in table11

"""The 2020 workbook exported from the demo against the seed's printed figures (PublishedFigure).

Every cell is computed from the lines and rounded on its own, so a cell may differ from the seed
by what rounding explains: half a 万元 per part that was itself a rounded figure, plus half for
the printed one. Where the seed is inconsistent beyond that, the check sheet must say so.
"""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from budgets.models import PublishedFigure
from core.models import Unit
from disclosure.exporting import build_workbook

from .conftest import load, row_by_first, sheet_rows

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "budgets" / "demo_data" / "2020"
TABLE3_COLUMNS = ["total", "basic", "project", "procurement", "sme", "small_micro", "carried_over"]


@pytest.fixture
def workbook(demo):
    built = build_workbook(cycle=demo)
    return load(built.to_bytes())


def seed(demo, table, unit_code, row, column):
    unit = Unit.objects.get(code=unit_code) if unit_code else None
    figure = PublishedFigure.objects.filter(
        cycle=demo, table=table, unit=unit, row=row, column=column
    ).first()
    return figure.amount if figure else Decimal(0)


def near(found, printed, parts: int) -> bool:
    """Within what independent rounding of ``parts`` rounded parts and one printed cell explains."""
    return abs(Decimal(found or 0) - printed) <= Decimal("0.5") * (parts + 1)


def test_the_workbook_has_one_sheet_per_table_named_by_its_number_and_a_check_sheet(workbook):
    assert workbook.sheetnames == [
        "检查结果",
        "表1",
        "表3",
        "表6",
        "表7",
        "表11",
        "表12",
        "表13",
        "表14",
        "表15",
    ]
    sheet = workbook["表3"]
    assert sheet["A1"].value == "表3"
    assert sheet["A2"].value == "部门支出预算总表"
    assert sheet["A3"].value == "单位名称：深圳市社会保险基金管理局"
    assert "单位：万元" in [c.value for c in sheet[3]]
    assert any("尾数误差" in str(row[0]) for row in sheet_rows(workbook, "表3") if row[0])


def test_table3_carries_the_seed_figures_for_every_unit(demo, workbook):
    rows = {row[0]: row for row in sheet_rows(workbook, "表3") if row[0] and "管理局" in str(row[0])}
    for unit in Unit.objects.all():
        row = rows[unit.name]
        parts = unit.budgets.get(cycle=demo).basic_lines.count() + 1
        for index, column in enumerate(TABLE3_COLUMNS, start=1):
            printed = seed(demo, "表3", unit.code, "budget", column)
            if (unit.code, column) == ("nanshan", "procurement"):
                # The seed prints 17 where its own 表11 lines add up to 34 (A03 17 + A10 17).
                assert row[index] == 34
                continue
            assert near(row[index], printed, parts), (unit.code, column, row[index], printed)


def test_table7_basic_lines_are_the_seed_lines_and_units_add_up(demo, workbook):
    table7 = json.loads((DEMO / "table07.json").read_text(encoding="utf-8"))["rows"]
    rows = sheet_rows(workbook, "表7")
    for unit_row in table7:
        if unit_row["unit"] is None:
            continue
        unit = Unit.objects.get(code=unit_row["unit"])
        start = next(i for i, r in enumerate(rows) if r[0] == unit.name)
        block = []
        for r in rows[start + 1 :]:
            if r[0] or r[2] is None:
                break
            block.append(r)
        printed_basic = {
            line["code"]: Decimal(line["basic"]) for line in unit_row["lines"] if line["project"] is None
        }
        assert {r[1]: Decimal(r[4]) for r in block if r[1] and r[4]} == printed_basic
        exported = rows[start]
        parts = len(printed_basic) + 1
        assert near(exported[4], Decimal(unit_row["basic"]), parts)
        assert near(exported[5], Decimal(unit_row["project"]), 1)
        assert near(exported[3], Decimal(unit_row["total"]), parts + 1)


def test_table11_items_are_the_seed_lines(demo, workbook):
    table11 = json.loads((DEMO / "table11.json").read_text(encoding="utf-8"))["rows"]
    rows = sheet_rows(workbook, "表11")
    for unit_row in table11:
        if unit_row["unit"] is None:
            continue
        name = Unit.objects.get(code=unit_row["unit"]).name
        start = next(i for i, r in enumerate(rows) if r[0] == name)
        block = {}
        for r in rows[start + 1 :]:
            if r[0] or not r[1]:
                break
            block[r[1]] = Decimal(r[3] or 0)
        for line in unit_row["lines"]:
            if len(line["code"]) > 1:
                assert block[line["code"]] == Decimal(line["amount"]), (name, line)


def test_table12_three_public_expenses_match_the_seed(demo, workbook):
    rows = sheet_rows(workbook, "表12")
    columns = ["total", "abroad", "reception", "vehicle_subtotal", "vehicle_purchase", "vehicle_operation"]
    for unit in Unit.objects.exclude(code="special"):
        start = next(i for i, r in enumerate(rows) if r[0] == unit.name)
        for offset, year in enumerate((2019, 2020)):
            row = rows[start + offset]
            assert row[1] == f"{year}年"
            for index, column in enumerate(columns, start=2):
                assert near(row[index], seed(demo, "表12", unit.code, str(year), column), 2), (
                    unit,
                    year,
                    column,
                )


def test_table13_lists_every_project_with_its_seed_amount(demo, workbook):
    links = json.loads((DEMO / "project_links.json").read_text(encoding="utf-8"))["links"]
    table15 = {
        p["seq"]: p for p in json.loads((DEMO / "table15.json").read_text(encoding="utf-8"))["projects"]
    }
    rows = {(r[0], r[1]): r for r in sheet_rows(workbook, "表13") if r[1]}
    for link in links:
        unit = Unit.objects.get(code=link["unit"])
        row = rows[(unit.name, table15[link["table15_seq"]]["name"])]
        printed = seed(demo, "表13", unit.code, table15[link["table15_seq"]]["name"], "total")
        assert abs(Decimal(row[2]) - printed) <= 1, (unit.code, link)
        # The project's own dates: two 表15 blocks print 2019 where 表13 says 2020 (docs/demo-data.md).
        assert row[5].endswith(".12.31") and row[5][:4] in {"2019", "2020"}
    assert len(rows) == 1 + len(links)  # the header row has a 项目名称 too


def test_table15_prints_every_project_in_yuan(demo, workbook):
    table15 = json.loads((DEMO / "table15.json").read_text(encoding="utf-8"))["projects"]
    rows = sheet_rows(workbook, "表15")
    names = [r[1] for r in rows if r[0] == "项目名称"]
    assert len(names) == len(table15) == 69
    amounts = [r for r in rows if r[0] == "项目总金额"]
    exported = sorted(Decimal(str(r[3])) for r in amounts)
    assert exported == sorted(Decimal(p["year_amount"]) for p in table15)
    first = rows.index(next(r for r in rows if r[0] == "目标内容"))
    assert rows[first + 1][2] == "综合业务受理培训开展次数"


def test_table14_has_the_target_table_of_every_unit(workbook):
    rows = sheet_rows(workbook, "表14")
    units = [r[1] for r in rows if r[0] == "部门（单位）名称"]
    assert len(units) == 12
    hq_total = rows[next(i for i, r in enumerate(rows) if r[1] == "合计")]
    assert Decimal(str(hq_total[3])) == Decimal("21195.00")


def test_income_equals_expenditure_in_tables_1_and_6(workbook):
    for name in ("表1", "表6"):
        income = row_by_first(workbook, name, "本年收入合计")
        assert income[1] == income[3]
        grand = row_by_first(workbook, name, "收 入 总 计")
        assert grand[1] == grand[3] == 62591  # the unit rows of 表3 add up to 62,591 (seed: 62,590)


def test_the_check_sheet_lists_the_seed_inconsistencies(workbook):
    rows = sheet_rows(workbook, "检查结果")
    found = {(r[0], r[1], r[2]) for r in rows[4:] if r[0]}
    assert ("表11", "南山分局", "A 货物类") in found
    assert ("表3/表7", "福田分局", "基本支出") in found
    assert ("正文", "盐田分局", "对个人和家庭的补助") in found


def test_a_unit_workbook_holds_only_that_unit(demo):
    baoan = Unit.objects.get(code="baoan")
    built = build_workbook(cycle=demo, unit=baoan)
    workbook = load(built.to_bytes())
    assert workbook["表3"]["A3"].value == "单位名称：深圳市社会保险基金管理局宝安分局"
    names = {r[0] for r in sheet_rows(workbook, "表3")[5:] if r[0] and "管理局" in str(r[0])}
    assert names == {baoan.name}
    assert all(f.unit == "宝安分局" for f in built.findings)
    assert row_by_first(workbook, "表3", baoan.name)[1] == 7656


def test_table7_project_lines_by_functional_code_are_the_seeds_for_every_unit(demo, workbook):
    """Project spending by functional code, unit by unit, as the seed prints it: the projects' own
    codes, sub-items with a code of their own (社保专项), and the parts 表7 does not pin to a
    project (培训支出 of eight units) moved from the unit's main code."""
    table7 = json.loads((DEMO / "table07.json").read_text(encoding="utf-8"))["rows"]
    rows = sheet_rows(workbook, "表7")
    for unit_row in table7:
        if unit_row["unit"] is None:
            continue
        printed = {
            line["code"]: Decimal(line["project"])
            for line in unit_row["lines"]
            if line["project"] is not None
        }
        unit = Unit.objects.get(code=unit_row["unit"])
        start = next(i for i, r in enumerate(rows) if r[0] == unit.name)
        exported = {}
        for r in rows[start + 1 :]:
            if r[0] or r[2] is None:
                break
            if r[1] and r[5]:
                exported[r[1]] = Decimal(r[5])
        # Each exported cell is the rounded exact amount; the printed one may differ by rounding.
        assert exported.keys() == printed.keys(), unit.code
        for code, amount in printed.items():
            assert near(exported[code], amount, len(printed)), (unit.code, code, exported[code], amount)


def test_the_check_sheet_and_the_bureau_page_report_the_same_findings(demo, client):
    """Reserve and carried-over items never have 表15 targets: the workbook does not flag them,
    so its check sheet and the bureau page agree (issue #10, point 10)."""
    from django.utils import translation

    with translation.override("zh-hans"):
        built = build_workbook(cycle=demo)
    client.login(username="hq_reviewer", password="demo-2020")
    page = client.get(reverse("budgets:bureau", args=[2020]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    on_page = {(f.table, f.unit, f.item) for f in page.context["findings"]}
    in_workbook = {(f.table, f.unit, f.item) for f in built.findings}
    assert in_workbook == on_page and len(on_page) > 0

"""A 2022-format workbook for one unit, with the columns of DOMAIN §9."""

from decimal import Decimal

import pytest

from budgets.models import (
    BasicExpenditureLine,
    BudgetCycle,
    CatalogueVersion,
    DisclosureFormat,
    EconomicCode,
    FunctionalCode,
    FundingSource,
    Project,
    ThreePublicExpense,
    UnitBudget,
)
from core.models import Unit
from disclosure.exporting import build_workbook

from .conftest import load, row_by_first, sheet_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle_2022(demo):
    cycle = BudgetCycle.objects.create(
        year=2022,
        disclosure_format=DisclosureFormat.F2022,
        procurement_catalogue=CatalogueVersion.objects.get(code="2022"),
    )
    unit = Unit.objects.get(code="baoan")
    budget = UnitBudget.objects.create(cycle=cycle, unit=unit)
    general = FundingSource.objects.get(code="general_operating")
    f = {c.code: c for c in FunctionalCode.objects.all()}
    e = {c.code: c for c in EconomicCode.objects.all()}
    for functional, economic, amount in [
        ("2080109", "30101", "12000000.00"),
        ("2080109", "30102", "3000000.00"),
        ("2080505", "30108", "1500000.00"),
        ("2210201", "30113", "800000.00"),
        ("2080109", "30201", "450000.40"),
        ("2080109", "30231", "100000.00"),
    ]:
        BasicExpenditureLine.objects.create(
            budget=budget,
            functional_code=f[functional],
            economic_code=e[economic],
            funding_source=general,
            amount=Decimal(amount),
        )
    Project.objects.create(
        budget=budget,
        name="社会保险业务管理",
        functional_code=f["2080109"],
        funding_source=general,
        fiscal_amount=Decimal("2345678.90"),
        total_amount=Decimal("2345678.90"),
    )
    ThreePublicExpense.objects.create(
        budget=budget, year=2021, reception=Decimal("20000"), vehicle_operation=Decimal("110000")
    )
    ThreePublicExpense.objects.create(
        budget=budget, year=2022, reception=Decimal("10000"), vehicle_operation=Decimal("100000")
    )
    return cycle, unit


def test_a_unit_exports_every_2022_table_with_its_columns(cycle_2022):
    cycle, unit = cycle_2022
    built = build_workbook(cycle=cycle, unit=unit)
    workbook = load(built.to_bytes())
    assert workbook.sheetnames == ["检查结果", *[f"表{n}" for n in range(1, 11)]]  # 表11 needs targets
    titles = {name: workbook[name]["A2"].value for name in workbook.sheetnames[1:]}
    assert titles == {
        "表1": "收支总表", "表2": "收入总表", "表3": "支出总表", "表4": "基本支出总表", "表5": "项目支出总表",
        "表6": "政府预算拨款收支总表", "表7": "一般公共预算支出表", "表8": "“三公”经费支出表",
        "表9": "政府性基金预算支出表", "表10": "国有资本经营预算支出表",
    }  # fmt: skip
    assert workbook["表3"]["A3"].value == "单位名称：深圳市社会保险基金管理局宝安分局"

    # 表4 by economic code: 301 personnel, 302 public.
    assert row_by_first(workbook, "表4", "301")[2:5] == (1730, 1730, None)
    assert row_by_first(workbook, "表4", "302")[2:5] == (55, None, 55)
    assert row_by_first(workbook, "表4", "合计", column=1)[2:5] == (1785, 1730, 55)
    # 表7 with 类/款/项 subtotals: 208 = 20801 + 20805, each rounded on its own.
    rows7 = {r[0]: r for r in sheet_rows(workbook, "表7") if r[0]}
    assert rows7["208"][2:5] == (1940, 1705, 235)
    assert rows7["20801"][2] == 1790 and rows7["2080109"][2] == 1790
    assert rows7["221"][2] == 80
    # 表8: last year, this year, the change.
    three = sheet_rows(workbook, "表8")[-3]
    assert three[0:6] == (13, None, 11, None, 11, 2)
    assert three[6:12] == (11, None, 10, None, 10, 1)
    assert three[12:18] == (-2, None, -1, None, -1, -1)
    # 表9 and 表10: nothing of the kind.
    assert any("无政府性基金" in str(r[1]) for r in sheet_rows(workbook, "表9"))
    # 表1: income = expenditure.
    income = row_by_first(workbook, "表1", "本年收入合计")
    assert income[1] == income[3] == 2020


def test_basic_lines_without_an_economic_code_are_a_2022_finding(cycle_2022):
    cycle, unit = cycle_2022
    BasicExpenditureLine.objects.filter(budget__cycle=cycle, economic_code__code="30113").update(
        economic_code=None
    )
    built = build_workbook(cycle=cycle, unit=unit)
    assert [f.table for f in built.findings] == ["表4"]

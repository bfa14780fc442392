"""Each cross-table rule with data that breaks it and data that does not, on a cycle of its own;
then the rules on the real 2020 tables."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation

from budgets.consistency import check_cycle, printed
from budgets.models import BudgetCycle, CatalogueVersion, PublishedFigure
from core.models import Unit
from tests.factories import BudgetFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    # Findings name their items in the active language; these tests read the English ones.
    with translation.override("en"):
        yield


@pytest.fixture
def cycle(db):
    return BudgetCycle.objects.create(
        year=2035, procurement_catalogue=CatalogueVersion.objects.get(code="2020")
    )


@pytest.fixture
def unit(db):
    return Unit.objects.get(code="nanshan")


def fig(cycle, table, unit, row, column, amount, label=""):
    PublishedFigure.objects.create(
        cycle=cycle, table=table, unit=unit, row=row, column=column, amount=Decimal(amount), label=label
    )


def items(findings):
    return [(f.table, f.item, f.expected, f.found) for f in findings]


def test_printed_figures_carry_half_their_last_digit():
    assert printed(Decimal("17")).error == Decimal("0.5")
    assert printed(Decimal("17.00")).error == Decimal("0.5")
    assert printed(Decimal("0.35")).error == Decimal("0.005")


def test_procurement_category_that_is_not_the_sum_of_its_items(cycle, unit):
    fig(cycle, "表11", unit, "A", "amount", "17", "货物类")
    fig(cycle, "表11", unit, "A03", "amount", "17")
    fig(cycle, "表11", unit, "A10", "amount", "17")
    assert ("表11", "A 货物类", Decimal("34"), Decimal("17")) in items(check_cycle(cycle))


@pytest.mark.parametrize("category", ["34", "35", "33"])
def test_a_category_within_rounding_of_its_items_passes(cycle, unit, category):
    # Two items and the category each rounded on its own: up to 1 万元 apart is honest rounding.
    fig(cycle, "表11", unit, "A", "amount", category, "货物类")
    fig(cycle, "表11", unit, "A03", "amount", "17")
    fig(cycle, "表11", unit, "A10", "amount", "17")
    fig(cycle, "表11", unit, "budget", "amount", category)
    assert check_cycle(cycle) == []


def test_one_item_category_must_print_the_same(cycle, unit):
    fig(cycle, "表11", unit, "A", "amount", "9", "货物类")
    fig(cycle, "表11", unit, "A03", "amount", "8")
    assert ("表11", "A 货物类", Decimal("8"), Decimal("9")) in items(check_cycle(cycle))


def test_the_same_figure_in_two_tables_must_print_the_same(cycle, unit):
    fig(cycle, "表3", unit, "budget", "basic", "5370")
    fig(cycle, "表7", unit, "budget", "basic", "5371")
    assert ("表3/表7", "basic expenditure", Decimal("5370"), Decimal("5371")) in items(check_cycle(cycle))


def test_equal_restatements_pass(cycle, unit):
    for table in ("表3", "表7"):
        fig(cycle, table, unit, "budget", "basic", "5370")
    assert [f for f in check_cycle(cycle) if f.table == "表3/表7"] == []


def test_income_must_equal_expenditure(cycle):
    fig(cycle, "表1", None, "income_year_total", "total", "100")
    fig(cycle, "表1", None, "expenditure_year_total", "total", "101")
    assert ("表1", "income = expenditure", Decimal("100"), Decimal("101")) in items(check_cycle(cycle))


def test_functional_class_against_its_items(cycle):
    fig(cycle, "表1", None, "221", "expenditure", "8323", "住房保障支出")
    fig(cycle, "表1", None, "22102", "expenditure", "8330", "住房改革支出")
    fig(cycle, "表1", None, "2210201", "expenditure", "2703", "住房公积金")
    fig(cycle, "表1", None, "2210203", "expenditure", "5620", "购房补贴")
    found = items(check_cycle(cycle))
    assert ("表1", "221 住房保障支出", Decimal("8330"), Decimal("8323")) in found
    assert ("表1", "22102 住房改革支出", Decimal("8323"), Decimal("8330")) in found


def test_three_public_subtotals(cycle, unit):
    fig(cycle, "表12", unit, "2020", "vehicle_purchase", "20")
    fig(cycle, "表12", unit, "2020", "vehicle_operation", "11")
    fig(cycle, "表12", unit, "2020", "vehicle_subtotal", "35")
    fig(cycle, "表12", unit, "2020", "total", "35")
    assert ("表12", "2020 vehicles", Decimal("31"), Decimal("35")) in items(check_cycle(cycle))


def test_three_public_total_within_rounding_passes(cycle, unit):
    # 宝安分局 2019 as printed: reception 1 + vehicles 31 = 32 against a total of 31. With an
    # operation cost of 3.5 万 per vehicle that is honest rounding (e.g. 0.6 + 30.5 = 31.1).
    for column, amount in [
        ("total", "31"),
        ("reception", "1"),
        ("vehicle_subtotal", "31"),
        ("vehicle_purchase", "20"),
        ("vehicle_operation", "11"),
    ]:
        fig(cycle, "表12", unit, "2019", column, amount)
    assert check_cycle(cycle) == []


def test_text_stating_one_figure_twice_differently(cycle, unit):
    fig(cycle, "正文", unit, "budget", "individual", "93")
    fig(cycle, "正文", unit, "budget-restated", "individual", "95")
    assert ("正文", "subsidies to individuals and families", Decimal("93"), Decimal("95")) in items(
        check_cycle(cycle)
    )


def test_project_printed_amount_against_its_exact_amount(cycle, unit):
    budget = BudgetFactory(cycle=cycle, unit=unit)
    ProjectFactory(budget=budget, name="研究", fiscal_amount=Decimal("4512200.00"))
    ProjectFactory(budget=budget, name="管理", fiscal_amount=Decimal("4515000.00"))
    fig(cycle, "表13", unit, "研究", "total", "452")
    fig(cycle, "表13", unit, "管理", "total", "452")  # 451.5 rounds half up to 452: fine
    assert [i for i in items(check_cycle(cycle)) if i[0] == "表13"] == [
        ("表13", "研究", Decimal("451.22"), Decimal("452"))
    ]


def test_unit_row_against_the_lines(cycle, unit):
    budget = BudgetFactory(cycle=cycle, unit=unit)
    ProjectFactory(budget=budget, name="甲", fiscal_amount=Decimal("1000000.00"))
    fig(cycle, "表3", unit, "budget", "project", "103")
    fig(cycle, "表3", unit, "budget", "total", "103")
    found = items(check_cycle(cycle))
    assert ("表3", "project expenditure", Decimal("100"), Decimal("103")) in found


def test_the_2020_tables_report_their_real_inconsistencies(demo):
    findings = {(f.table, f.unit, f.item): (f.expected, f.found) for f in check_cycle(demo)}
    basic, procurement = "basic expenditure", "government procurement"
    # Each of these was found by reading the seed by hand (docs/consistency.md lists them).
    assert findings[("表11", "南山分局", "A 货物类")] == (Decimal("34"), Decimal("17"))
    assert findings[("表3", "南山分局", procurement)] == (Decimal("34"), Decimal("17"))
    assert findings[("正文", "盐田分局", "subsidies to individuals and families")] == (
        Decimal("93"),
        Decimal("95"),
    )
    assert findings[("表3/表7", "福田分局", basic)] == (Decimal("5370"), Decimal("5371"))
    assert findings[("表3/表7", "南山分局", basic)] == (Decimal("3412"), Decimal("3413"))
    assert findings[("表3/表7", "盐田分局", basic)] == (Decimal("1152"), Decimal("1153"))
    assert findings[("表13", "局本级", "社保政策法规研究")] == (Decimal("451.22"), Decimal("452"))
    assert findings[("表13/正文", "局本级", "社保综合管理")] == (Decimal("2583"), Decimal("2584"))
    # 表13 projects that 表15 prints without an indicator table (the seed's own gaps).
    assert findings[("表13/表15", "局本级", "严控类项目")] == (Decimal("2.48"), Decimal("0"))
    assert ("表13/表15", "局本级", "罗湖社保办事大厅及业务用房改造工程（结转）") in findings
    assert len(findings) == 14


def test_the_2020_tables_report_nothing_rounding_explains(demo):
    reported = {(f.table, f.unit) for f in check_cycle(demo)}
    assert ("表12", "宝安分局") not in reported  # 31 vs 1 + 31: rounding, see above
    assert ("表1", "whole bureau") not in reported  # 208: 53278 vs 53279, four rounded parts


def test_check_budget_command_prints_one_line_per_finding(demo, capsys):
    call_command("check_budget", "--year", "2020")
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 15
    assert out[-1].startswith("14 inconsistencies")
    assert any("南山分局 | A 货物类" in line for line in out)

"""Importing budget workbooks: the round trip, and every bad file refused with row/column errors
and nothing written."""

import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.utils import translation

from budgets.models import (
    BasicExpenditureLine,
    ProcurementLine,
    Project,
    ProjectSubItem,
    ThreePublicExpense,
    UnitBudget,
)
from disclosure.exporting import build_workbook
from disclosure.importing import import_workbook
from disclosure.template import build_template

from .conftest import reopen_targets

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data"


def snapshot():
    """Counts and sums of every kind of line: equal before and after means nothing was written."""
    return (
        UnitBudget.objects.count(),
        BasicExpenditureLine.objects.aggregate(n=Sum("id"), s=Sum("amount")),
        Project.objects.aggregate(n=Sum("id"), s=Sum("fiscal_amount")),
        ProjectSubItem.objects.aggregate(n=Sum("id"), s=Sum("amount")),
        ProcurementLine.objects.aggregate(n=Sum("id"), s=Sum("amount")),
        ThreePublicExpense.objects.aggregate(n=Sum("id"), s=Sum("reception")),
    )


@pytest.fixture
def baoan_file(demo, baoan, tmp_path):
    """宝安分局's 2020 data in the import template, to be spoilt by each test."""
    workbook = build_template(cycle=demo, unit=baoan, with_data=True)
    path = tmp_path / "baoan.xlsx"
    workbook.save(path)
    return workbook, path


def problems_of(report):
    return [(p.sheet, p.row, p.column) for p in report.problems]


def refused(path, demo, unit=None):
    before = snapshot()
    report = import_workbook(path=path, cycle=demo, unit=unit, dry_run=False)
    assert not report.ok
    assert snapshot() == before
    return report


def test_round_trip_export_import_into_an_empty_cycle_export_gives_identical_tables(demo, tmp_path):
    before = build_workbook(cycle=demo)
    data = tmp_path / "data.xlsx"
    build_template(cycle=demo, with_data=True).save(data)
    UnitBudget.objects.filter(cycle=demo).delete()  # every line of the cycle goes with its budget
    assert not Project.objects.filter(budget__cycle=demo).exists()
    reopen_targets(demo)

    report = import_workbook(path=data, cycle=demo, dry_run=False)

    assert report.ok, [p.line() for p in report.problems]
    assert report.counts["项目"] == {"rows": 69, "new": 69, "update": 0}
    after = build_workbook(cycle=demo)
    assert [t.number for t in after.tables] == [t.number for t in before.tables]
    for old, new in zip(before.tables, after.tables, strict=True):
        assert new.values() == old.values(), old.number


def test_importing_the_same_file_again_updates_and_adds_nothing(demo, baoan_file, baoan):
    _workbook, path = baoan_file
    before = snapshot()
    report = import_workbook(path=path, cycle=demo, unit=baoan, dry_run=False)
    assert report.ok
    assert report.counts["项目"]["update"] == Project.objects.filter(budget__unit=baoan).count()
    assert snapshot() == before


def test_a_dry_run_reports_counts_and_writes_nothing(demo, baoan_file, baoan):
    workbook, path = baoan_file
    workbook["项目"].append(
        ["baoan", "新增项目", "其他项目", "一般性项目支出", "业务类", None, None, 1000, 1000, 0]
    )
    workbook.save(path)
    before = snapshot()
    report = import_workbook(path=path, cycle=demo, unit=baoan, dry_run=True)
    assert report.ok, [p.line() for p in report.problems]
    assert report.counts["项目"]["new"] == 1
    assert snapshot() == before


def test_wrong_sheet(demo, baoan_file):
    workbook, path = baoan_file
    workbook["项目"].title = "Sheet1"
    workbook.save(path)
    report = refused(path, demo)
    assert ("Sheet1", None, "") in problems_of(report)
    assert "项目" in report.problems[0].message


def test_missing_column(demo, baoan_file):
    workbook, path = baoan_file
    workbook["基本支出"].delete_cols(5)  # 金额（元）
    workbook.save(path)
    report = refused(path, demo)
    assert problems_of(report) == [("基本支出", 1, "金额（元）")]


def test_text_in_an_amount(demo, baoan_file):
    workbook, path = baoan_file
    workbook["基本支出"]["E3"] = "一百万"
    workbook.save(path)
    report = refused(path, demo)
    assert problems_of(report) == [("基本支出", 3, "金额（元）")]
    assert "一百万" in report.problems[0].message


def test_unknown_code(demo, baoan_file):
    workbook, path = baoan_file
    workbook["基本支出"]["B4"] = "2999999"
    workbook.save(path)
    report = refused(path, demo)
    assert problems_of(report) == [("基本支出", 4, "功能科目编码")]
    assert "2999999" in report.problems[0].message


def test_duplicate_project(demo, baoan_file):
    workbook, path = baoan_file
    sheet = workbook["项目"]
    sheet.append([c.value for c in sheet[2]])
    workbook.save(path)
    report = refused(path, demo)
    assert problems_of(report) == [("项目", sheet.max_row, "项目名称")]
    assert "2" in report.problems[0].message  # names the first occurrence


def test_negative_amount(demo, baoan_file):
    workbook, path = baoan_file
    workbook["政府采购"]["E2"] = -100
    workbook.save(path)
    report = refused(path, demo)
    assert problems_of(report) == [("政府采购", 2, "金额（元）")]


def test_formula_cells(demo, baoan_file):
    workbook, path = baoan_file
    workbook["项目"]["I3"] = "=H3*0.5"
    workbook["三公经费"]["C2"] = "=SUM(D2:F2)"
    workbook.save(path)
    report = refused(path, demo)
    assert problems_of(report) == [("项目", 3, "财政拨款（元）"), ("三公经费", 2, "因公出国(境)费（元）")]


def test_a_20_mb_junk_file(demo, tmp_path):
    path = tmp_path / "junk.xlsx"
    path.write_bytes(os.urandom(20 * 1024 * 1024))
    report = refused(path, demo)
    assert problems_of(report) == [("", None, "")]
    assert "20.0 MB" in report.problems[0].message


def test_junk_within_the_size_limit(demo, tmp_path):
    path = tmp_path / "junk.xlsx"
    path.write_bytes(os.urandom(50_000))
    report = refused(path, demo)
    assert ".xlsx" in report.problems[0].message


def test_an_xls_renamed_xlsx(demo):
    report = refused(DATA / "budget_saved_as_xls.xlsx", demo)
    assert ".xls" in report.problems[0].message


def test_a_branch_import_refuses_rows_of_another_unit(demo, baoan_file, baoan):
    workbook, path = baoan_file
    workbook["三公经费"]["A2"] = "luohu"
    workbook.save(path)
    report = refused(path, demo, unit=baoan)
    assert problems_of(report) == [("三公经费", 2, "单位代码")]


def test_a_model_rule_is_reported_in_plain_words(demo, baoan_file):
    workbook, path = baoan_file
    workbook["项目"]["H2"] = 1  # 项目总金额 below this year's amount
    workbook.save(path)
    report = refused(path, demo)
    assert report.problems[0].sheet == "项目" and report.problems[0].row == 2
    assert "项目总金额" in report.problems[0].message


def test_several_problems_are_all_reported_at_once(demo, baoan_file):
    workbook, path = baoan_file
    workbook["基本支出"]["E2"] = "abc"
    workbook["基本支出"]["C3"] = "99999"
    workbook["政府采购"]["F2"] = -1
    workbook.save(path)
    report = refused(path, demo)
    assert len(report.problems) == 3


def test_import_budget_command(demo, baoan_file, capsys):
    workbook, path = baoan_file
    call_command("import_budget", str(path), "--year", "2020", "--unit", "baoan", "--dry-run")
    assert "baoan.xlsx checked (dry run, nothing written)." in capsys.readouterr().out
    workbook["基本支出"]["E3"] = "x"
    workbook.save(path)
    with pytest.raises(CommandError, match="1 problems"):
        call_command("import_budget", str(path), "--year", "2020")
    assert "[基本支出]" in capsys.readouterr().err


def test_the_template_has_a_sheet_per_kind_notes_and_code_lists(demo):
    workbook = build_template(cycle=demo)
    for name in (
        "填写说明",
        "基本支出",
        "项目",
        "项目明细",
        "政府采购",
        "三公经费",
        "代码-功能科目",
        "代码-采购品目",
    ):
        assert name in workbook.sheetnames
    assert workbook["基本支出"]["E1"].value == "金额（元）"
    assert "元" in workbook["基本支出"]["E1"].comment.text
    codes = [row[0] for row in workbook["代码-采购品目"].iter_rows(min_row=2, values_only=True)]
    assert "A03" in codes
    assert workbook["基本支出"].max_row == 1


def test_amounts_keep_their_fen(demo, baoan_file, baoan):
    workbook, path = baoan_file
    workbook["项目"]["I2"] = 12345.67
    workbook["项目"]["H2"] = 99999999
    workbook.save(path)
    report = import_workbook(path=path, cycle=demo, unit=baoan, dry_run=False)
    assert report.ok, [p.line() for p in report.problems]
    name = workbook["项目"]["B2"].value
    assert Project.objects.get(budget__unit=baoan, name=name).fiscal_amount == Decimal("12345.67")


def test_an_import_cannot_change_approved_items(demo, baoan_file, baoan):
    _workbook, path = baoan_file
    Project.objects.filter(budget__cycle=demo, budget__unit=baoan, name="预算准备金").update(state="approved")
    with translation.override("zh-hans"):
        report = refused(path, demo, unit=baoan)
    assert any("预算准备金" in p.message and "预算调整" in p.message for p in report.problems), [
        p.line() for p in report.problems
    ]

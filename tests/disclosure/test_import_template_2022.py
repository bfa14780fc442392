"""The import template for the 2022 tables (issue #9): codes written as names or "code name",
funding sources as leaves, formulas read by their value, every problem of a file at once, rows
naming a project of the same file, drop-downs and the instructions sheet."""

import re
import zipfile
from decimal import Decimal

import pytest
from django.utils import translation

from budgets.models import (
    AssetLine,
    BasicExpenditureLine,
    ProcurementLine,
    Project,
    ProjectSubItem,
    StaffingFact,
)
from disclosure.importing import import_workbook
from disclosure.kinds import kinds
from disclosure.template import SHEETS_HEADING, build_template
from performance.models import Indicator

from . import test_import
from .test_import import problems_of, refused

# 宝安分局's 2020 data reopened as drafts (conftest's baoan), in the template (test_import's fixture).
baoan_file = test_import.baoan_file

pytestmark = pytest.mark.django_db


def new_basic_line(workbook, functional, economic, funding, amount=1234.56):
    sheet = workbook["基本支出"]
    sheet.append(["baoan", functional, economic, funding, amount, "导入测试"])
    return sheet.max_row


def test_codes_may_be_written_as_their_name_or_as_code_and_name(demo, baoan_file, baoan):
    workbook, path = baoan_file
    new_basic_line(workbook, "2080109 社会保险经办机构", " 基本工资 ", "基本支出拨款", 1234.56)
    workbook.save(path)

    report = import_workbook(path=path, cycle=demo, unit=baoan, dry_run=False)

    assert report.ok, [p.line() for p in report.problems]
    line = BasicExpenditureLine.objects.get(budget__unit=baoan, budget__cycle=demo, note="导入测试")
    assert (line.functional_code.code, line.economic_code.code, line.funding_source.code) == (
        "2080109",
        "30101",
        "general_operating",
    )
    assert line.amount == Decimal("1234.56")


def test_an_ambiguous_name_is_refused_naming_the_candidates(demo, baoan_file):
    workbook, path = baoan_file
    row = new_basic_line(workbook, "其他社会保障和就业支出", "30101", "general_operating")
    workbook.save(path)
    with translation.override("zh-hans"):
        report = refused(path, demo)
    assert problems_of(report) == [("基本支出", row, "功能科目编码")]
    assert "20899 其他社会保障和就业支出" in report.problems[0].message
    assert "2089901 其他社会保障和就业支出" in report.problems[0].message


def test_a_code_with_the_wrong_name_is_refused(demo, baoan_file):
    workbook, path = baoan_file
    row = new_basic_line(workbook, "2080109 机关服务", "30101", "general_operating")
    workbook.save(path)
    report = refused(path, demo)
    assert problems_of(report) == [("基本支出", row, "功能科目编码")]
    assert "社会保险经办机构" in report.problems[0].message


@pytest.mark.parametrize("group", ["一般公共预算拨款", "general_budget", "政府预算拨款"])
def test_a_funding_source_group_is_refused_naming_its_leaves(demo, baoan_file, group):
    workbook, path = baoan_file
    row = new_basic_line(workbook, "2080109", "30101", group)
    workbook.save(path)
    with translation.override("zh-hans"):
        report = refused(path, demo)
    assert problems_of(report) == [("基本支出", row, "资金来源代码")]
    message = report.problems[0].message
    for leaf in ("基本支出拨款", "履职类项目拨款", "财政专项资金拨款", "政府投资项目拨款"):
        assert leaf in message
    assert ("政府性基金预算拨款" in message) == (group == "政府预算拨款")


def _with_cached_value(path, sheet_index: int, cell: str, value: str) -> None:
    """Give a formula the value Excel would have saved with it (openpyxl writes none)."""
    name = f"xl/worksheets/sheet{sheet_index}.xml"
    with zipfile.ZipFile(path) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    xml = files[name].decode()
    pattern = re.compile(rf'(<c r="{cell}"[^>]*>)(<f>[^<]*</f>)(<v\s*/>|<v>\s*</v>)?')
    assert pattern.search(xml), "the formula cell is in the sheet"
    files[name] = pattern.sub(lambda m: f"{m.group(1)}{m.group(2)}<v>{value}</v>", xml, count=1).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, content in files.items():
            archive.writestr(n, content)


def test_a_formula_is_read_by_its_saved_value(demo, baoan_file, baoan):
    workbook, path = baoan_file
    row = new_basic_line(workbook, "2080109", "30101", "general_operating", "=100+23.45")
    workbook.save(path)
    _with_cached_value(path, workbook.sheetnames.index("基本支出") + 1, f"E{row}", "123.45")

    report = import_workbook(path=path, cycle=demo, unit=baoan, dry_run=False)

    assert report.ok, [p.line() for p in report.problems]
    line = BasicExpenditureLine.objects.get(budget__unit=baoan, budget__cycle=demo, note="导入测试")
    assert line.amount == Decimal("123.45")


def test_a_formula_never_calculated_is_an_error_for_its_cell(demo, baoan_file):
    workbook, path = baoan_file
    row = new_basic_line(workbook, "2080109", "30101", "general_operating", "=100+23.45")
    workbook.save(path)
    with translation.override("zh-hans"):
        report = refused(path, demo)
    assert problems_of(report) == [("基本支出", row, "金额（元）")]
    assert "公式没有计算结果，请在 Excel 中打开并保存后再导入" in report.problems[0].message


def test_every_problem_of_every_sheet_is_reported_at_once(demo, baoan_file):
    workbook, path = baoan_file
    workbook["基本支出"]["E2"] = "abc"
    workbook["政府采购"]["E2"] = -1
    workbook["三公经费"]["C2"] = "=1+1"  # never calculated
    workbook["项目明细"].delete_cols(4)  # 金额（元）
    workbook.save(path)
    report = refused(path, demo)
    assert set(problems_of(report)) == {
        ("基本支出", 2, "金额（元）"),
        ("政府采购", 2, "金额（元）"),
        ("三公经费", 2, "因公出国(境)费（元）"),
        ("项目明细", 1, "金额（元）"),
    }


def _new_project_with_its_lines(workbook):
    workbook["项目"].append(
        ["baoan", "新增导入项目", "其他项目", "一般性项目支出", "业务类", None, None, 2000, 2000, 0,
         "2080109", "履职类项目拨款"]
    )  # fmt: skip
    workbook["项目明细"].append(["baoan", "新增导入项目", "明细一", 1500, "说明", 1, "2080109"])
    workbook["政府采购"].append(["baoan", "A03", "新增导入项目", "设备", 800, 0, 0, "否"])
    workbook["绩效指标"].append(
        ["baoan", "新增导入项目", 1, "产出指标", "数量指标", "", "", "服务人次", "≥100人次", "工作计划"]
    )  # fmt: skip


def test_a_dry_run_accepts_lines_of_a_project_defined_in_the_same_file(demo, baoan_file, baoan):
    workbook, path = baoan_file
    _new_project_with_its_lines(workbook)
    workbook.save(path)

    report = import_workbook(path=path, cycle=demo, unit=baoan, dry_run=True)

    assert report.ok, [p.line() for p in report.problems]
    assert report.counts["项目明细"]["new"] == 1
    assert report.counts["绩效指标"]["new"] == 1
    assert not Project.objects.filter(name="新增导入项目").exists()

    report = import_workbook(path=path, cycle=demo, unit=baoan, dry_run=False)

    assert report.ok, [p.line() for p in report.problems]
    project = Project.objects.get(budget__cycle=demo, budget__unit=baoan, name="新增导入项目")
    assert project.funding_source.code == "duty_projects"
    assert ProjectSubItem.objects.get(project=project).amount == Decimal("1500.00")
    assert ProcurementLine.objects.get(project=project).amount == Decimal("800.00")
    assert Indicator.objects.get(project=project).target_text == "≥100人次"


def test_the_instructions_list_exactly_the_data_sheets(demo):
    workbook = build_template(cycle=demo)
    lines = [row[0] for row in workbook["填写说明"].iter_rows(values_only=True)]
    start = lines.index(SHEETS_HEADING) + 1
    end = lines.index(None, start)
    listed = [line[2:].split("：")[0] for line in lines[start:end]]
    data_sheets = [
        name for name in workbook.sheetnames if name != "填写说明" and not name.startswith("代码-")
    ]
    assert listed == data_sheets == [kind.sheet for kind in kinds()]


def _validation_of(sheet, column: str):
    letter = next(c.column_letter for c in sheet[1] if c.value == column)
    found = [v for v in sheet.data_validations.dataValidation if f"{letter}2" in str(v.sqref).split(":")[0]]
    assert found, f"no drop-down on {sheet.title} «{column}»"
    return found[0]


def test_every_coded_column_has_a_drop_down_from_its_code_sheet(demo):
    workbook = build_template(cycle=demo)
    expected = {
        ("基本支出", "单位代码"): "代码-单位",
        ("基本支出", "功能科目编码"): "代码-功能科目",
        ("基本支出", "经济科目编码"): "代码-经济科目",
        ("基本支出", "资金来源代码"): "代码-资金来源",
        ("项目", "一级项目"): "代码-一级项目",
        ("项目", "项目类型"): "代码-项目类型",
        ("项目", "资金用途"): "代码-资金用途",
        ("项目", "资金来源代码"): "代码-资金来源",
        ("政府采购", "采购品目编码"): "代码-采购品目",
        ("项目明细", "功能科目编码"): "代码-功能科目",
    }
    for (sheet, column), codes in expected.items():
        validation = _validation_of(workbook[sheet], column)
        assert validation.type == "list"
        assert validation.formula1.startswith(f"'{codes}'!"), (sheet, column, validation.formula1)


def test_the_funding_source_drop_down_offers_leaves_only(demo):
    workbook = build_template(cycle=demo)
    formula = _validation_of(workbook["基本支出"], "资金来源代码").formula1
    cells = formula.split("!")[1].replace("$", "")
    offered = [c.value for row in workbook["代码-资金来源"][cells] for c in row]
    names = {choice.split(" ", 1)[1] for choice in offered}
    assert "基本支出拨款" in names and "事业收入" in names and "上年结余、结转" in names
    assert not names & {"政府预算拨款", "一般公共预算拨款", "单位资金"}
    functional = _validation_of(workbook["基本支出"], "功能科目编码").formula1
    first = workbook["代码-功能科目"][functional.split("!")[1].split(":")[0].replace("$", "")].value
    assert re.fullmatch(r"\d{3,7} \S+", first)


def test_assets_and_staffing_facts_are_imported_with_their_category_by_name(demo, baoan_file, baoan):
    workbook, path = baoan_file
    assert workbook["资产"].max_row >= 1 and workbook["人员编制"].max_row >= 1
    for row in list(workbook["资产"].iter_rows(min_row=2)):
        for cell in row:
            cell.value = None
    workbook["资产"].append(["baoan", "公务用车", 3, 1, 180000])
    staffing = workbook["人员编制"]
    if staffing.max_row == 1:
        staffing.append(["baoan", 50, 48, 10, 0, 5, 3, 1800, None, None])
    else:
        staffing["C2"] = 47
        staffing["H2"] = 1800
    assert staffing["H1"].value == "办公用房面积（平方米）"
    workbook.save(path)

    report = import_workbook(path=path, cycle=demo, unit=baoan, dry_run=False)

    assert report.ok, [p.line() for p in report.problems]
    line = AssetLine.objects.get(budget__cycle=demo, budget__unit=baoan, category="vehicle")
    assert (line.held_quantity, line.planned_quantity, line.planned_amount) == (3, 1, Decimal("180000.00"))
    fact = StaffingFact.objects.get(cycle=demo, unit=baoan)
    assert fact.actual_headcount in {47, 48}
    assert fact.floor_area == 1800


def test_the_floor_area_may_be_left_empty_but_not_be_anything_else(demo, baoan_file, baoan):
    workbook, path = baoan_file
    staffing = workbook["人员编制"]
    assert staffing["H1"].value == "办公用房面积（平方米）" and staffing["A2"].value == "baoan"
    staffing["H2"] = "一千平"
    workbook.save(path)
    report = import_workbook(path=path, cycle=demo, unit=baoan, dry_run=True)
    assert [(p.sheet, p.row) for p in report.problems] == [("人员编制", 2)]
    staffing["H2"] = None
    workbook.save(path)
    report = import_workbook(path=path, cycle=demo, unit=baoan, dry_run=False)
    assert report.ok, [p.line() for p in report.problems]
    assert StaffingFact.objects.get(cycle=demo, unit=baoan).floor_area is None


def test_the_staffing_facts_of_an_approved_budget_are_refused_without_pointing_to_an_adjustment(
    demo, baoan_file, baoan
):
    """An adjustment changes a project or a basic line (budgets.adjustments.is_adjustable), not
    the staffing facts: their refusal says they no longer change."""
    from django.utils import translation

    from budgets.models import UnitBudget

    workbook, path = baoan_file
    staffing = workbook["人员编制"]
    assert staffing["A2"].value == "baoan"
    staffing["H2"] = 1900
    workbook.save(path)
    UnitBudget.objects.filter(cycle=demo, unit=baoan).update(state="approved")
    with translation.override("zh-hans"):
        report = import_workbook(path=path, cycle=demo, unit=baoan, dry_run=True)
    staffing_refusals = [p.message for p in report.problems if p.sheet == "人员编制"]
    project_refusals = [p.message for p in report.problems if p.sheet == "项目"]
    assert staffing_refusals and all("不再修改" in m and "预算调整" not in m for m in staffing_refusals)
    assert project_refusals and all("预算调整" in m for m in project_refusals)

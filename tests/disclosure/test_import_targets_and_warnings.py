"""Issue #9, points 4 and 5 in the importer: 表11's department-wide target through the template,
held to the entry form's rules (targets close once the budget is approved); an unknown but
well-formed catalogue code is a warning, shown by sheet, row and column; and the small defects
(labels in either language, duplicates by meaning, one error per bad cell, a line of a failed
project pointing at its row)."""

from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from budgets.models import (
    BudgetCycle,
    CatalogueVersion,
    CycleState,
    DisclosureFormat,
    ProcurementItem,
    ProcurementLine,
    Project,
    UnitBudget,
)
from core.models import Unit
from disclosure.importing import import_workbook
from disclosure.kinds import kinds
from disclosure.models import ImportJob, ImportStatus
from disclosure.resources import Lookups
from disclosure.template import CODE_SHEETS, CODE_SHEETS_HEADING, SHEETS_HEADING, build_template
from performance.models import DepartmentTarget, DepartmentTask, Indicator

from .test_import import problems_of

pytestmark = pytest.mark.django_db


def small_book(cycle, path, sheets: dict[str, list[dict]]):
    """A workbook of only the given sheets, with the template's headers (fast: no code lists)."""
    lookups = Lookups(cycle, None)
    resources = {kind.sheet: kind.resource(lookups) for kind in kinds()}
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        header = [f.column_name for f in resources[name].fields.values()]
        sheet.append(header)
        for row in rows:
            unknown = set(row) - set(header)
            assert not unknown, unknown
            sheet.append([row.get(column) for column in header])
    book.save(path)
    return path


@pytest.fixture
def baoan_project(demo, baoan):
    return Project.objects.filter(budget__unit=baoan, budget__cycle=demo).first()


@pytest.fixture
def import_baoan(demo, baoan):
    """Imports a file into 宝安's 2020 budget as the importer's Chinese messages read."""

    def run(path, *, dry_run: bool):
        with translation.override("zh-hans"):
            return import_workbook(path=path, cycle=demo, unit=baoan, dry_run=dry_run)

    return run


def indicator(
    number: int, name: str, target: str, *, level1="产出指标", level2="数量指标", **columns
) -> dict:
    """A row of 部门绩效指标 for 宝安 (of 绩效指标 with a 项目名称 in ``columns``)."""
    return {"单位代码": "baoan", "序号": number, "一级指标": level1, "二级指标": level2, "三级指标": name,
            "指标值": target, **columns}  # fmt: skip


def targets_file(demo, tmp_path, tasks=None, indicators=None):
    return small_book(
        demo,
        tmp_path / "targets.xlsx",
        {
            "部门整体目标": tasks
            if tasks is not None
            else [
                {
                    "单位代码": "baoan",
                    "主管部门": "深圳市人力资源和社会保障局",
                    "年度总体目标": "按时足额发放待遇。",
                    "任务名称": "参保登记",
                    "主要内容": "参保、缴费经办",
                    "财政拨款（元）": 1200000,
                    "其他资金（元）": 0,
                },
                {
                    "单位代码": "深圳市社会保险基金管理局宝安分局",
                    "任务名称": "待遇发放",
                    "财政拨款（元）": 800000.5,
                    "其他资金（元）": 100,
                },
            ],
            "部门绩效指标": indicators
            if indicators is not None
            else [
                indicator(1, "参保登记办理量", "≥120000件", 目标值来源="工作计划"),
                indicator(2, "服务对象满意度", "≥95%", level1="satisfaction", level2="服务对象满意度指标"),
            ],
        },
    )


def test_the_department_target_its_tasks_and_indicators_come_in_through_the_template(demo, baoan, tmp_path):
    path = targets_file(demo, tmp_path)

    report = import_workbook(path=path, cycle=demo, unit=baoan, dry_run=False)

    assert report.ok, [p.line() for p in report.problems]
    target = DepartmentTarget.objects.get(cycle=demo, unit=baoan)
    assert (target.supervisor, target.overall_goal) == ("深圳市人力资源和社会保障局", "按时足额发放待遇。")
    tasks = {t.name: t for t in target.tasks.all()}
    assert (tasks["参保登记"].content, tasks["参保登记"].fiscal_amount) == (
        "参保、缴费经办",
        Decimal("1200000.00"),
    )
    assert tasks["待遇发放"].total_amount == Decimal("800100.50")
    indicators = {i.sort_order: i for i in target.indicators.all()}
    assert (indicators[1].level1, indicators[1].level2, indicators[1].target_comparator) == (
        "output",
        "quantity",
        "≥",
    )
    assert (indicators[2].level1, indicators[2].level2) == ("satisfaction", "service_satisfaction")
    assert indicators[2].target_text == "≥95%" and indicators[2].target_unit == "%"


def test_a_unit_with_only_its_goal_has_one_row_without_a_task(demo, baoan, tmp_path):
    before = DepartmentTask.objects.filter(department_target__unit=baoan).count()
    path = targets_file(
        demo, tmp_path, tasks=[{"单位代码": "baoan", "年度总体目标": "提升经办服务质量。"}], indicators=[]
    )

    report = import_workbook(path=path, cycle=demo, unit=baoan, dry_run=False)

    assert report.ok, [p.line() for p in report.problems]
    assert DepartmentTarget.objects.get(cycle=demo, unit=baoan).overall_goal == "提升经办服务质量。"
    assert DepartmentTask.objects.filter(department_target__unit=baoan).count() == before


def test_two_goals_for_one_unit_are_refused_naming_the_first_row(demo, baoan, import_baoan, tmp_path):
    path = targets_file(
        demo,
        tmp_path,
        tasks=[
            {"单位代码": "baoan", "年度总体目标": "目标甲", "任务名称": "任务一"},
            {"单位代码": "baoan", "年度总体目标": "目标乙", "任务名称": "任务二"},
        ],
        indicators=[],
    )
    report = import_baoan(path, dry_run=False)
    assert problems_of(report) == [("部门整体目标", 3, "年度总体目标")]
    assert "2" in report.problems[0].message
    assert not DepartmentTask.objects.filter(name__in=["任务一", "任务二"]).exists()


@pytest.mark.parametrize("state", [CycleState.APPROVED, CycleState.PUBLISHED])
def test_targets_cannot_be_imported_once_the_budget_is_approved(
    demo, baoan, baoan_project, import_baoan, tmp_path, state
):
    """The entry form's rule (performance.services.targets_editable): one clear error per target
    sheet, nothing written."""
    target = DepartmentTarget.objects.get(cycle=demo, unit=baoan)
    goal = target.overall_goal
    indicators = Indicator.objects.count()
    demo.state = state
    demo.save(update_fields=["state"])
    path = small_book(
        demo,
        tmp_path / "locked.xlsx",
        {
            "部门整体目标": [{"单位代码": "baoan", "年度总体目标": "改过的目标", "任务名称": "新任务"}],
            "部门绩效指标": [indicator(99, "新指标", "1次")],
            "绩效指标": [indicator(99, "新指标", "1次", 项目名称=baoan_project.name)],
        },
    )

    report = import_baoan(path, dry_run=False)

    assert problems_of(report) == [
        ("绩效指标", None, ""),
        ("部门整体目标", None, ""),
        ("部门绩效指标", None, ""),
    ]
    assert all("已批准" in p.message and "目标调整" in p.message for p in report.problems), report.problems
    target.refresh_from_db()
    assert target.overall_goal == goal and Indicator.objects.count() == indicators
    assert not DepartmentTask.objects.filter(name="新任务").exists()


def test_a_level_2_under_another_level_1_is_one_error_on_its_cell(demo, import_baoan, tmp_path):
    path = targets_file(
        demo, tmp_path, tasks=[], indicators=[indicator(1, "满意度", "≥90%", level2="服务对象满意度指标")]
    )
    report = import_baoan(path, dry_run=True)
    assert problems_of(report) == [("部门绩效指标", 2, "二级指标")]
    assert "二级指标与一级指标不对应" in report.problems[0].message or "不属于" in report.problems[0].message


def test_an_unknown_level_2_is_one_clear_error(demo, baoan_project, import_baoan, tmp_path):
    row = indicator(99, "服务人次", "≥100人次", level2="数量目标", 项目名称=baoan_project.name)
    path = small_book(demo, tmp_path / "x.xlsx", {"绩效指标": [row]})
    report = import_baoan(path, dry_run=True)
    assert problems_of(report) == [("绩效指标", 2, "二级指标")]
    assert "数量目标" in report.problems[0].message and "数量指标" in report.problems[0].message


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_indicator_levels_are_read_in_chinese_whatever_the_language(demo, baoan, tmp_path, language):
    path = targets_file(demo, tmp_path, tasks=[])
    with translation.override(language):
        report = import_workbook(path=path, cycle=demo, unit=baoan, dry_run=True)
    assert report.ok, [p.line() for p in report.problems]


def test_a_row_repeated_with_a_code_written_otherwise_is_a_duplicate(demo, baoan, tmp_path):
    path = small_book(
        demo,
        tmp_path / "dup.xlsx",
        {
            "基本支出": [
                {
                    "单位代码": "baoan",
                    "功能科目编码": "2080109",
                    "经济科目编码": "30199",
                    "资金来源代码": "general_operating",
                    "金额（元）": 100,
                },
                {
                    "单位代码": "深圳市社会保险基金管理局宝安分局",
                    "功能科目编码": "2080109 社会保险经办机构",
                    "经济科目编码": "30199",
                    "资金来源代码": "基本支出拨款",
                    "金额（元）": 200,
                },
            ],
            "项目": [
                {"单位代码": "baoan", "项目名称": "新项目 甲", "项目总金额（元）": 10, "财政拨款（元）": 10},
                {
                    "单位代码": "baoan",
                    "项目名称": "新项目\u3000甲 ",
                    "项目总金额（元）": 20,
                    "财政拨款（元）": 20,
                },
            ],
        },
    )
    report = import_workbook(path=path, cycle=demo, unit=baoan, dry_run=True)
    assert [(p.sheet, p.row) for p in report.problems] == [("基本支出", 3), ("项目", 3)]
    assert all("2" in p.message for p in report.problems)


def test_a_line_of_a_project_whose_row_failed_points_at_that_row(demo, import_baoan, tmp_path):
    path = small_book(
        demo,
        tmp_path / "failed.xlsx",
        {
            "项目": [
                {"单位代码": "baoan", "项目名称": "好项目", "项目总金额（元）": 10, "财政拨款（元）": 10},
                {"单位代码": "baoan", "项目名称": "坏项目", "项目总金额（元）": "十元", "财政拨款（元）": 10},
            ],
            "项目明细": [{"单位代码": "baoan", "项目名称": "坏项目", "明细名称": "明细一", "金额（元）": 5}],
        },
    )
    report = import_baoan(path, dry_run=True)
    assert problems_of(report) == [("项目", 3, "项目总金额（元）"), ("项目明细", 2, "项目名称")]
    message = report.problems[1].message
    assert "坏项目" in message and "第 3 行" in message and "项目" in message
    assert "No project" not in message


@pytest.fixture
def cycle_2022(demo):
    cycle = BudgetCycle.objects.create(
        year=2022,
        disclosure_format=DisclosureFormat.F2022,
        procurement_catalogue=CatalogueVersion.objects.get(code="2022"),
    )
    UnitBudget.objects.create(cycle=cycle, unit=Unit.objects.get(code="baoan"))
    return cycle


def procurement_file(cycle, tmp_path, *codes):
    return small_book(
        cycle,
        tmp_path / "procurement.xlsx",
        {
            "政府采购": [
                {"单位代码": "baoan", "采购品目编码": code, "说明": f"第{n}行", "金额（元）": 1000}
                for n, code in enumerate(codes, start=2)
            ]
        },
    )


def test_an_unknown_well_formed_catalogue_code_is_a_warning_and_the_row_is_imported(cycle_2022, tmp_path):
    unknown = "A02019999"
    assert not ProcurementItem.objects.filter(
        catalogue=cycle_2022.procurement_catalogue, code=unknown
    ).exists()
    path = procurement_file(cycle_2022, tmp_path, "A02010105", unknown)

    with translation.override("zh-hans"):
        report = import_workbook(path=path, cycle=cycle_2022, unit=None, dry_run=False)

    assert report.ok and report.written, [p.line() for p in report.problems]
    assert [(w.sheet, w.row, w.column) for w in report.warnings] == [("政府采购", 3, "采购品目编码")]
    assert unknown in report.warnings[0].message and "不在" in report.warnings[0].message
    line = ProcurementLine.objects.get(budget__cycle=cycle_2022, description="第3行")
    assert (line.item.code, line.item.listed) == (unknown, False)
    assert line.item.parent.code.startswith("A0201")  # under its nearest listed heading


def test_a_malformed_catalogue_code_is_still_an_error(cycle_2022, tmp_path):
    path = procurement_file(cycle_2022, tmp_path, "A0201010", "台式计算机")
    with translation.override("zh-hans"):
        report = import_workbook(path=path, cycle=cycle_2022, unit=None, dry_run=True)
    assert problems_of(report) == [("政府采购", 2, "采购品目编码")]
    assert "格式不正确" in report.problems[0].message
    assert not ProcurementItem.objects.filter(code="A0201010").exists()


def test_the_import_page_shows_the_warnings_by_sheet_row_and_column(
    cycle_2022, client, tmp_path, django_capture_on_commit_callbacks
):
    path = procurement_file(cycle_2022, tmp_path, "A02019999")
    assert client.login(username="baoan_preparer", password="demo-2020")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("disclosure:import-create"),
            {"year": 2022, "unit": "baoan", "file": SimpleUploadedFile("p.xlsx", path.read_bytes())},
        )
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.READY
    assert job.warnings == [
        {"sheet": "政府采购", "row": 2, "column": "采购品目编码", "message": job.warnings[0]["message"]}
    ]
    page = client.get(response.url).content.decode()
    assert 'data-testid="warnings"' in page and "A02019999" in page and "请核对" in page
    assert 'data-testid="confirm"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("disclosure:import-confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and len(job.warnings) == 1
    assert ProcurementLine.objects.filter(budget__cycle=cycle_2022, item__code="A02019999").exists()


def test_the_instructions_list_exactly_the_sheets_of_the_template(demo):
    workbook = build_template(cycle=demo)
    lines = [row[0] for row in workbook["填写说明"].iter_rows(values_only=True)]

    def listed(heading):
        start = lines.index(heading) + 1
        end = next((i for i in range(start, len(lines)) if not lines[i]), len(lines))
        return [line[2:].split("：")[0] for line in lines[start:end]]

    assert listed(SHEETS_HEADING) + listed(CODE_SHEETS_HEADING) == workbook.sheetnames[1:]
    assert "部门整体目标" in listed(SHEETS_HEADING) and "部门绩效指标" in listed(SHEETS_HEADING)
    assert list(CODE_SHEETS) == listed(CODE_SHEETS_HEADING)


def test_the_indicator_level_columns_have_drop_downs_of_their_chinese_labels(demo):
    workbook = build_template(cycle=demo)
    for sheet in ("绩效指标", "部门绩效指标"):
        for column, codes in (("一级指标", "代码-一级指标"), ("二级指标", "代码-二级指标")):
            letter = next(c.column_letter for c in workbook[sheet][1] if c.value == column)
            (validation,) = [
                v
                for v in workbook[sheet].data_validations.dataValidation
                if str(v.sqref).startswith(f"{letter}2")
            ]
            assert validation.formula1.startswith(f"'{codes}'!$A$2")
    assert [r[0] for r in workbook["代码-一级指标"].iter_rows(min_row=2, values_only=True)] == [
        "产出指标",
        "效益指标",
        "满意度指标",
    ]
    level2 = list(workbook["代码-二级指标"].iter_rows(min_row=2, values_only=True))
    assert ("服务对象满意度指标", "满意度指标") in level2 and ("数量指标", "产出指标") in level2


def test_the_data_template_carries_the_department_target_and_reads_it_back(demo, baoan, tmp_path):
    workbook = build_template(cycle=demo, unit=baoan, with_data=True)
    target = DepartmentTarget.objects.get(cycle=demo, unit=baoan)
    rows = list(workbook["部门整体目标"].iter_rows(min_row=2, values_only=True))
    assert rows[0][:3] == ("baoan", target.supervisor, target.overall_goal)
    assert len(rows) == max(1, target.tasks.count())
    assert len(list(workbook["部门绩效指标"].iter_rows(min_row=2))) == target.indicators.count()
    path = tmp_path / "back.xlsx"
    workbook.save(path)
    report = import_workbook(path=path, cycle=demo, unit=baoan, dry_run=True)
    assert report.ok, [p.line() for p in report.problems]
    assert report.counts["部门绩效指标"]["update"] == target.indicators.count()

"""The 2022 workbook of one unit, table by table against DOMAIN §9: titles, the unit line, header
cells and their merges, row labels in their order and position, and every figure against values
computed in ``unit_2022`` from the rows alone."""

from decimal import Decimal

import pytest
from django.utils import translation

from budgets.models import (
    BasicExpenditureLine,
    BudgetCycle,
    CatalogueVersion,
    DisclosureFormat,
    EconomicCode,
    FunctionalCode,
    FundingSource,
    ProcurementItem,
    ProcurementLine,
    Project,
    ProjectCategory,
    ThreePublicExpense,
    UnitBudget,
)
from core.models import Unit
from core.roles import Role
from disclosure.exporting import build_workbook
from performance.models import Level1, Level2
from performance.services import IndicatorData, TaskData, department_target_save
from tests.factories import user_with_role

from . import unit_2022 as u22
from .conftest import load, sheet_rows

pytestmark = pytest.mark.django_db

W = u22.wan
HEADER_TOP = 4  # 表号, title, 部门名称 line, then the header


def empty_unit_2022() -> tuple[BudgetCycle, UnitBudget]:
    """The 2022 cycle (its format and catalogue) and the unit's budget in it, with no line yet."""
    cycle = BudgetCycle.objects.create(
        year=u22.YEAR,
        disclosure_format=DisclosureFormat.F2022,
        procurement_catalogue=CatalogueVersion.objects.get(code="2022"),
    )
    return cycle, UnitBudget.objects.create(cycle=cycle, unit=Unit.objects.get(code=u22.UNIT))


def create_unit_2022(*, with_targets: bool = True, tasks=()) -> tuple[BudgetCycle, Unit]:
    """The unit of ``unit_2022`` put into the database row by row (the import test uses the
    template instead)."""
    cycle, budget = empty_unit_2022()
    unit = budget.unit
    f = {c.code: c for c in FunctionalCode.objects.all()}
    e = {c.code: c for c in EconomicCode.objects.all()}
    s = {c.code: c for c in FundingSource.objects.all()}
    for economic, functional, source, amount in u22.BASIC:
        BasicExpenditureLine.objects.create(
            budget=budget, functional_code=f[functional], economic_code=e[economic], funding_source=s[source],
            amount=Decimal(amount),
        )  # fmt: skip
    projects = {}
    for order, (name, category, functional, source, amount) in enumerate(u22.PROJECTS):
        projects[name] = Project.objects.create(
            budget=budget, name=name, category=ProjectCategory.objects.get(name=category), sort_order=order,
            functional_code=f[functional], funding_source=s[source], fiscal_amount=Decimal(amount),
            total_amount=Decimal(amount),
        )  # fmt: skip
    items = {i.code: i for i in ProcurementItem.objects.filter(catalogue=cycle.procurement_catalogue)}
    for code, project, amount, sme, small in u22.PROCUREMENT:
        ProcurementLine.objects.create(
            budget=budget, project=projects[project], item=items[code], amount=Decimal(amount),
            sme_amount=Decimal(sme), small_micro_amount=Decimal(small),
        )  # fmt: skip
    for year, (abroad, reception, purchase, operation) in u22.THREE_PUBLIC.items():
        ThreePublicExpense.objects.create(
            budget=budget, year=year, abroad=Decimal(abroad), reception=Decimal(reception),
            vehicle_purchase=Decimal(purchase), vehicle_operation=Decimal(operation),
            change_reason=u22.THREE_PUBLIC_REASON if year == u22.YEAR else "",
        )  # fmt: skip
    if with_targets:
        department_target_save(
            cycle=cycle, unit=unit, overall_goal=u22.OVERALL_GOAL, tasks=list(tasks),
            rows=[IndicatorData(None, l1, l2, name, target) for l1, l2, name, target in u22.DEPARTMENT_INDICATORS],
            actor=user_with_role(Role.BRANCH_PREPARER, unit),
        )  # fmt: skip
    return cycle, unit


def _fill(sheet, rows: list[dict[str, object]]) -> None:
    """Write rows under the template's header, each value in the column whose name starts with
    the given key (the template's names carry their unit, e.g. 金额（元）)."""
    header = [c.value or "" for c in sheet[1]]

    def column(key: str) -> int:
        matches = [i for i, name in enumerate(header, start=1) if str(name).startswith(key)]
        assert matches, f"{sheet.title} has no column {key}: {header}"
        return matches[0]

    for r, row in enumerate(rows, start=2):
        for key, value in row.items():
            cell = sheet.cell(row=r, column=column(key), value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # a target such as “=100%” typed as text, not a formula


def fill_unit_template(cycle: BudgetCycle, unit: Unit, path, *, typed_tasks: bool = False) -> None:
    """The unit of ``unit_2022`` typed into the import template as its preparer would, codes given
    by code or by Chinese name; with ``typed_tasks`` 表11's 主管部门 and main tasks typed too."""
    from disclosure.template import build_template

    names = {s.code: s.name for s in FundingSource.objects.all()}
    book = build_template(cycle=cycle, unit=unit)
    _fill(book["基本支出"], [
        {"功能科目编码": f, "经济科目编码": e, "资金来源": names[s] if n % 2 else s, "金额": Decimal(a)}
        for n, (e, f, s, a) in enumerate(u22.BASIC)
    ])  # fmt: skip
    _fill(book["项目"], [
        {"项目名称": name, "一级项目": category, "功能科目编码": f, "资金来源": s, "项目总金额": Decimal(a),
         "财政拨款": Decimal(a)}
        for name, category, f, s, a in u22.PROJECTS
    ])  # fmt: skip
    _fill(book["政府采购"], [
        {"采购品目编码": code, "项目名称": project, "金额": Decimal(a), "面向中小企业": Decimal(sme),
         "面向小型": Decimal(small)}
        for code, project, a, sme, small in u22.PROCUREMENT
    ])  # fmt: skip
    three = []
    for year, (abroad, reception, purchase, operation) in u22.THREE_PUBLIC.items():
        row = {"年度": year, "因公出国": Decimal(abroad), "公务接待": Decimal(reception),
               "公务用车购置": Decimal(purchase), "公务用车运行": Decimal(operation)}  # fmt: skip
        if year == u22.YEAR:
            row["变动原因"] = u22.THREE_PUBLIC_REASON
        three.append(row)
    _fill(book["三公经费"], three)
    # 表11: the unit's goal on a row without a task (its tasks come from the lines), or its
    # supervisor, goal and typed tasks; the indicators with their levels by label or by code.
    if typed_tasks:
        _fill(book["部门整体目标"], [
            {"任务名称": name, "主要内容": content, "财政拨款": fiscal, "其他资金": other, "排序": n,
             **({"主管部门": u22.SUPERVISOR, "年度总体目标": u22.OVERALL_GOAL} if n == 0 else {})}
            for n, (name, content, category) in enumerate(u22.TASKS)
            for fiscal, other in [u22.task_amounts(category)]
        ])  # fmt: skip
    else:
        _fill(book["部门整体目标"], [{"年度总体目标": u22.OVERALL_GOAL}])
    with translation.override("zh-hans"):
        labels = {**dict(Level1.choices), **dict(Level2.choices)}
        _fill(book["部门绩效指标"], [
            {"序号": n, "一级指标": str(labels[l1]) if n % 2 else l1, "二级指标": str(labels[l2]) if n % 2 else l2,
             "三级指标": name, "指标值": target}
            for n, (l1, l2, name, target) in enumerate(u22.DEPARTMENT_INDICATORS, start=1)
        ])  # fmt: skip
    book.save(path)


def enter_through_template(tmp_path, *, typed_tasks: bool = False) -> tuple[BudgetCycle, Unit]:
    """The unit typed into the template and imported as a user would (dry run, then import),
    表11's target and indicators included, into a cycle being prepared (targets open)."""
    from disclosure.importing import import_workbook

    cycle, budget = empty_unit_2022()
    unit = budget.unit
    path = tmp_path / "宝安2022.xlsx"
    fill_unit_template(cycle, unit, path, typed_tasks=typed_tasks)
    preparer = user_with_role(Role.BRANCH_PREPARER, unit)
    preview = import_workbook(path=path, cycle=cycle, unit=unit, dry_run=True, user=preparer)
    assert preview.ok, [p.line() for p in preview.problems]
    report = import_workbook(path=path, cycle=cycle, unit=unit, dry_run=False, user=preparer)
    assert report.ok and report.written, [p.line() for p in report.problems]
    return cycle, unit


@pytest.fixture(params=["entered row by row", "imported through the template"])
def workbook(demo, request, tmp_path):
    if request.param == "entered row by row":
        cycle, unit = create_unit_2022()
    else:
        cycle, unit = enter_through_template(tmp_path)
    built = build_workbook(cycle=cycle, unit=unit)
    return load(built.to_bytes()), built


def merged(sheet) -> set[str]:
    return {str(r) for r in sheet.merged_cells.ranges}


def body(workbook, name: str, header_rows: int) -> list[tuple]:
    """The data rows: everything between the header and the first empty row."""
    rows = sheet_rows(workbook, name)[HEADER_TOP - 1 + header_rows :]
    end = next((i for i, r in enumerate(rows) if all(v is None for v in r)), len(rows))
    return [tuple("" if v is None else v for v in r) for r in rows[:end]]


def note_lines(workbook, name: str) -> list[str]:
    rows = sheet_rows(workbook, name)
    return [r[0] for r in rows if isinstance(r[0], str) and r[0].startswith(("注：", "本套报表"))]


def test_every_sheet_has_its_number_title_unit_line_and_money_unit(workbook):
    book, built = workbook
    assert book.sheetnames == ["检查结果", *[f"表{n}" for n in range(1, 12)]]
    titles = {
        "表1": "收支总表", "表2": "收入总表", "表3": "支出总表", "表4": "基本支出总表", "表5": "项目支出总表",
        "表6": "政府预算拨款收支总表", "表7": "一般公共预算支出表（按功能分类）", "表8": "一般公共预算“三公”经费支出表",
        "表9": "政府性基金预算支出表", "表10": "国有资本经营预算支出表", "表11": f"{u22.UNIT_NAME}整体支出绩效目标表",
    }  # fmt: skip
    for name, title in titles.items():
        sheet = book[name]
        assert sheet["A1"].value == name
        assert sheet["A2"].value == title
        line = 4 if name == "表11" else 3
        assert sheet.cell(line, 1).value == f"部门名称：{u22.UNIT_NAME}", name
        assert "单位：万元" in [c.value for c in sheet[line]], name
    assert book["表11"]["A3"].value == "2022年度"
    assert built.findings == []


def test_table1_income_tree_and_functional_names_side_by_side(workbook):
    book, _ = workbook
    sheet = book["表1"]
    assert [c.value for c in sheet[4]][:4] == ["收入", None, "支出", None]
    assert [c.value for c in sheet[5]][:4] == ["项目", "2022年预算数", "项目", "2022年预算数"]
    assert {"A4:B4", "C4:D4"} <= merged(sheet)
    rows = body(book, "表1", 2)
    income_labels = ["一、政府预算拨款", "1、一般公共预算拨款", "2、政府性基金预算拨款", "3、国有资本经营预算拨款",
                     "二、财政专户管理资金", "三、单位资金", "1、事业收入", "2、事业单位经营收入", "3、上级补助收入",
                     "4、附属单位上缴收入", "5、其他收入"]  # fmt: skip
    codes = u22.functional_codes()
    classes = iter("一二三四五")
    expenditure_labels = [
        f"{next(classes)}、{u22.FUNCTIONAL_NAMES[c]}" if len(c) == 3 else u22.FUNCTIONAL_NAMES[c]
        for c in codes
    ]
    n = max(len(income_labels), len(expenditure_labels))
    assert [r[0] for r in rows[:n]] == income_labels + [""] * (n - len(income_labels))
    assert [r[2] for r in rows[:n]] == expenditure_labels + [""] * (n - len(expenditure_labels))
    assert [r[0] for r in rows[n:]] == ["本年收入合计", "上年结余、结转", "收入总计"]
    assert [r[2] for r in rows[n:]] == ["本年支出合计", "结转下年", "支出总计"]
    # 款 and 项 are indented beneath their 类; 类 are not.
    by_label = {sheet.cell(row, 3).value: sheet.cell(row, 3) for row in range(6, 6 + n)}
    assert (
        by_label["社会保险经办机构"].alignment.indent
        > by_label["人力资源和社会保障管理事务"].alignment.indent
        > 0
    )
    assert by_label["一、社会保障和就业支出"].alignment.indent == 0
    income = [r[1] for r in rows[: len(income_labels)]]
    assert income == [
        W(u22.amount(sources=u22.GOVERNMENT_LEAVES)), W(u22.amount(sources=u22.GENERAL_BUDGET_LEAVES)), 0, 0,
        0, W(u22.amount(sources=set(u22.UNIT_FUND_LEAVES))), *[W(u22.amount(sources={s})) for s in u22.UNIT_FUND_LEAVES],
    ]  # fmt: skip
    assert [r[3] for r in rows[: len(codes)]] == [W(u22.amount(functional_prefix=c)) for c in codes]
    this_year = u22.amount() - u22.amount(sources={"carryover"})
    assert [r[1] for r in rows[n:]] == [W(this_year), W(u22.amount(sources={"carryover"})), W(u22.amount())]
    assert [r[3] for r in rows[n:]] == [W(u22.amount()), 0, W(u22.amount())]
    assert note_lines(book, "表1")[-1] == "本套报表金额单位转换时可能存在尾数误差。"
    assert "财政拨款" in note_lines(book, "表1")[0]


def test_table2_funding_source_column_tree(workbook):
    book, _ = workbook
    sheet = book["表2"]
    assert [c.value for c in sheet[4]] == ["预算单位", "收入总计", "本年收入", *[None] * 12, "上年结余、结转"]
    assert [c.value for c in sheet[5]][2:15] == ["一般公共预算拨款", None, None, None, None, "政府性基金预算拨款",
        "国有资本经营预算拨款", "财政专户管理资金", "单位资金", None, None, None, None]  # fmt: skip
    assert [c.value for c in sheet[6]][2:7] == [
        "小计",
        "基本支出拨款",
        "履职类项目拨款",
        "财政专项资金拨款",
        "政府投资项目拨款",
    ]
    assert [c.value for c in sheet[6]][10:15] == [
        "事业收入",
        "事业单位经营收入",
        "上级补助收入",
        "附属单位上缴收入",
        "其他收入",
    ]
    assert {"A4:A6", "B4:B6", "C4:O4", "C5:G5", "H5:H6", "K5:O5", "P4:P6"} <= merged(sheet)
    (row,) = body(book, "表2", 3)
    one = lambda *sources: W(u22.amount(sources=set(sources)))  # noqa: E731
    assert row == (
        u22.UNIT_NAME, W(u22.amount()), W(u22.amount(sources=u22.GENERAL_BUDGET_LEAVES)),
        one("general_operating"), one("duty_projects"), one("special_funds"), one("investment"),
        one("government_fund"), one("state_capital"), one("special_account"),
        *[one(s) for s in u22.UNIT_FUND_LEAVES], one("carryover"),
    )  # fmt: skip


def test_table3_spending_and_procurement_per_unit(workbook):
    book, _ = workbook
    sheet = book["表3"]
    assert [c.value for c in sheet[4]] == [
        "预算单位",
        "支出总计",
        "基本支出",
        "项目支出",
        "2022年政府采购项目",
        None,
        None,
    ]
    assert [c.value for c in sheet[5]][4:] == [
        "小计",
        "其中：面向中小企业政府采购项目",
        "其中：面向小型、微型企业政府采购项目",
    ]
    assert "E4:G4" in merged(sheet)
    (row,) = body(book, "表3", 2)
    procurement = [sum(Decimal(p[i]) for p in u22.PROCUREMENT) for i in (2, 3, 4)]
    assert row == (
        u22.UNIT_NAME, W(u22.amount()), W(u22.amount(kind="basic")), W(u22.amount(kind="project")),
        *map(W, procurement),
    )  # fmt: skip


def test_table4_economic_classes_with_their_items_and_source_columns(workbook):
    book, _ = workbook
    sheet = book["表4"]
    assert [c.value for c in sheet[4]] == ["科目编码", "科目名称", "总计", "政府预算拨款", None, None, None,
        "财政专户管理资金", "单位资金", None, None, None, None, "上年结余、结转"]  # fmt: skip
    assert [c.value for c in sheet[5]][3:7] == [
        "小计",
        "一般公共预算拨款",
        "政府性基金预算拨款",
        "国有资本经营预算拨款",
    ]
    assert {"D4:G4", "I4:M4", "A4:A5", "N4:N5"} <= merged(sheet)
    rows = body(book, "表4", 2)
    amounts = u22.economic_amounts()
    codes = sorted(amounts)
    assert rows[0][:2] == ("", u22.UNIT_NAME)
    assert [r[0] for r in rows[1:]] == codes
    assert [r[1] for r in rows[1:]] == [u22.ECONOMIC_NAMES[c] for c in codes]
    for r in [rows[0], *rows[1:]]:
        by = (
            amounts[r[0]]
            if r[0]
            else {s: u22.amount(sources={s}, kind="basic") for s in {b[2] for b in u22.BASIC}}
        )
        general = sum((v for s, v in by.items() if s in u22.GENERAL_BUDGET_LEAVES), Decimal(0))
        assert r[2:] == (
            W(sum(by.values(), Decimal(0))), W(general), W(general), 0, 0, 0,
            *[W(by.get(s, 0)) for s in u22.UNIT_FUND_LEAVES], 0,
        ), r  # fmt: skip


def test_table5_unit_then_one_row_per_project(workbook):
    book, _ = workbook
    sheet = book["表5"]
    assert [c.value for c in sheet[4]] == ["预算单位及项目名称", "总计", "一般公共预算拨款", None, None, None,
        "政府性基金预算拨款", "国有资本经营预算拨款", "财政专户管理资金", "单位资金", None, None, None, None, "上年结余、结转"]  # fmt: skip
    assert [c.value for c in sheet[5]][2:6] == [
        "小计",
        "履职类项目拨款",
        "财政专项资金拨款",
        "政府投资项目拨款",
    ]
    rows = body(book, "表5", 2)
    assert [r[0] for r in rows] == [u22.UNIT_NAME, *[p[0] for p in u22.PROJECTS]]
    for (name, _c, _f, source, amount), row in zip(u22.PROJECTS, rows[1:], strict=True):
        a = W(amount)
        general = a if source in u22.GENERAL_BUDGET_LEAVES else 0
        expected = [a, general, *[a if source == s else 0 for s in ("duty_projects", "special_funds", "investment")],
                    0, 0, 0, *[0] * 5, a if source == "carryover" else 0]  # fmt: skip
        assert list(row[1:]) == expected, name
    assert rows[0][1] == W(u22.amount(kind="project"))
    assert rows[0][-1] == W(u22.amount(kind="project", sources={"carryover"}))


def test_table6_government_funds_only(workbook):
    book, _ = workbook
    rows = body(book, "表6", 2)
    codes = u22.functional_codes(u22.GOVERNMENT_LEAVES)
    n = max(4, len(codes))
    assert [r[0] for r in rows[:4]] == [
        "一、政府预算拨款",
        "1、一般公共预算拨款",
        "2、政府性基金预算拨款",
        "3、国有资本经营预算拨款",
    ]
    assert [r[3] for r in rows[: len(codes)]] == [
        W(u22.amount(functional_prefix=c, sources=u22.GOVERNMENT_LEAVES)) for c in codes
    ]
    government = W(u22.amount(sources=u22.GOVERNMENT_LEAVES))
    assert [r[:4] for r in rows[n:]] == [
        ("本年收入合计", government, "本年支出合计", government), ("上年结余、结转", 0, "结转下年", 0),
        ("收入总计", government, "支出总计", government),
    ]  # fmt: skip


def test_table7_functional_rows_of_the_general_budget(workbook):
    book, _ = workbook
    sheet = book["表7"]
    assert [c.value for c in sheet[4]] == [
        "预算单位",
        "科目编码",
        "科目名称",
        "支出总计",
        "基本支出",
        "项目支出",
    ]
    rows = body(book, "表7", 1)
    g = u22.GENERAL_BUDGET_LEAVES
    assert rows[0] == (u22.UNIT_NAME, "", "合计", W(u22.amount(sources=g)), W(u22.amount(sources=g, kind="basic")),
                       W(u22.amount(sources=g, kind="project")))  # fmt: skip
    codes = u22.functional_codes(g)
    assert [r[1] for r in rows[1:]] == codes
    assert [r[2] for r in rows[1:]] == [u22.FUNCTIONAL_NAMES[c] for c in codes]
    for code, r in zip(codes, rows[1:], strict=True):
        assert r[3:] == tuple(
            W(u22.amount(sources=g, functional_prefix=code, kind=k)) for k in (None, "basic", "project")
        )


def test_table8_three_public_last_year_this_year_and_change(workbook):
    book, _ = workbook
    sheet = book["表8"]
    assert [c.value for c in sheet[4]] == [
        "预算单位",
        "年度",
        "总计",
        "因公出国(境)费",
        "公务接待费",
        "公务用车购置及运行维护费",
        None,
        None,
    ]
    assert [c.value for c in sheet[5]][5:] == ["小计", "公务用车购置费", "公务用车运行维护费"]
    rows = body(book, "表8", 2)

    def figures(year):
        abroad, reception, purchase, operation = map(Decimal, u22.THREE_PUBLIC[year])
        return [
            abroad + reception + purchase + operation,
            abroad,
            reception,
            purchase + operation,
            purchase,
            operation,
        ]

    last, this = figures(2021), figures(2022)
    assert rows[0] == (u22.UNIT_NAME, "2021年", *map(W, last))
    assert rows[1] == ("", "2022年", *map(W, this))
    assert rows[2] == ("", "增减变化金额", *[W(b - a) for a, b in zip(last, this, strict=True)])
    assert note_lines(book, "表8") == ["注：" + u22.THREE_PUBLIC_REASON]


@pytest.mark.parametrize("name, title", [("表9", "政府性基金预算支出表"), ("表10", "国有资本经营预算支出表")])
def test_empty_tables_keep_their_zero_unit_row_and_note(workbook, name, title):
    book, _ = workbook
    assert [c.value for c in book[name][4]] == [
        "预算单位",
        "科目编码",
        "科目名称",
        "支出总计",
        "基本支出",
        "项目支出",
    ]
    assert body(book, name, 1) == [(u22.UNIT_NAME, "", "合计", 0, 0, 0)]
    assert note_lines(book, name) == ["注：本表本年无发生额。"]


def test_table11_tasks_from_the_lines_and_the_targets(workbook):
    book, _ = workbook
    rows = [r for r in sheet_rows(book, "表11")[4:] if any(v is not None for v in r)]
    assert rows[0][:5] == ("部门名称", u22.UNIT_NAME, None, "主管部门", "深圳市社会保险基金管理局")
    assert rows[1][:4] == ("年度主要任务", "任务名称", "主要内容", "预算金额")
    assert rows[2][3:6] == ("总额", "其中：财政拨款", "其中：其他资金")
    categories = list(dict.fromkeys(p[1] for p in u22.PROJECTS))
    tasks = rows[3 : 4 + len(categories)]
    assert [t[1] for t in tasks] == ["基本支出", *categories]

    def split(rows_):
        fiscal = sum((Decimal(a) for s, a in rows_ if s in u22.FISCAL_LEAVES), Decimal(0))
        whole = sum((Decimal(a) for _s, a in rows_), Decimal(0))
        return (W(whole), W(fiscal), W(whole - fiscal))

    assert tasks[0][3:6] == split([(s, a) for _e, _f, s, a in u22.BASIC])
    for category, task in zip(categories, tasks[1:], strict=True):
        assert task[3:6] == split([(p[3], p[4]) for p in u22.PROJECTS if p[1] == category]), category
    total = rows[4 + len(categories)]
    assert total[1] == "金额合计"
    assert total[3:6] == split([(s, a) for _f, s, a, _k in u22.lines()])
    assert total[3] == W(u22.amount())
    goal = rows[5 + len(categories)]
    assert goal[:2] == ("年度总体目标", u22.OVERALL_GOAL)
    assert rows[6 + len(categories)][:5] == ("年度绩效指标", "一级指标", "二级指标", "三级指标", "目标值")
    indicators = rows[7 + len(categories) :]
    assert [(r[3], r[4]) for r in indicators] == [(n, t) for _a, _b, n, t in u22.DEPARTMENT_INDICATORS]
    assert [r[1] for r in indicators] == ["产出指标", "产出指标", "满意度指标"]


def test_table11_is_laid_out_as_the_published_form_with_its_merged_cells(workbook):
    book, _ = workbook
    sheet = book["表11"]
    top = 5  # 表号, title, 年度, 部门名称 line
    tasks = 1 + len(dict.fromkeys(p[1] for p in u22.PROJECTS))  # 基本支出, then one per category
    total_row = top + 3 + tasks
    goal_row, indicators_row = total_row + 1, total_row + 2
    last_indicator = indicators_row + len(u22.DEPARTMENT_INDICATORS)
    expected = {
        f"B{top}:C{top}", f"E{top}:F{top}",  # 部门名称, 主管部门
        f"A{top + 1}:A{total_row}",  # 年度主要任务 down its block
        f"B{top + 1}:B{top + 2}", f"C{top + 1}:C{top + 2}", f"D{top + 1}:F{top + 1}",  # 任务名称, 主要内容, 预算金额
        f"B{total_row}:C{total_row}",  # 金额合计
        f"B{goal_row}:F{goal_row}",  # 年度总体目标
        f"A{indicators_row}:A{last_indicator}",  # 年度绩效指标 down its block
        *[f"E{r}:F{r}" for r in range(indicators_row, last_indicator + 1)],  # 目标值
    }  # fmt: skip
    assert merged(sheet) - {"A2:F2", "A3:F3"} == expected
    assert sheet[f"D{top + 1}"].value == "预算金额" and sheet[f"B{total_row}"].value == "金额合计"
    assert sheet[f"B{goal_row}"].value == u22.OVERALL_GOAL


def assert_typed_table11(book) -> None:
    """表11 of the unit whose 主管部门, goal, main tasks and indicators were typed in the template
    (``fill_unit_template(typed_tasks=True)``): each as typed, the amounts as computed here."""
    rows = [r for r in sheet_rows(book, "表11")[4:] if any(v is not None for v in r)]
    assert rows[0][:5] == ("部门名称", u22.UNIT_NAME, None, "主管部门", u22.SUPERVISOR)
    tasks = rows[3 : 3 + len(u22.TASKS)]
    expected = []
    for name, content, category in u22.TASKS:
        fiscal, other = u22.task_amounts(category)
        expected.append(("", name, content, W(fiscal + other), W(fiscal), W(other)))
    assert [tuple("" if v is None else v for v in t[:6]) for t in tasks] == expected
    fiscal = u22.amount(sources=u22.FISCAL_LEAVES)
    assert rows[3 + len(u22.TASKS)][1:6] == (
        "金额合计",
        None,
        W(u22.amount()),
        W(fiscal),
        W(u22.amount() - fiscal),
    )
    assert rows[4 + len(u22.TASKS)][:2] == ("年度总体目标", u22.OVERALL_GOAL)
    indicators = rows[6 + len(u22.TASKS) :]
    assert [(r[3], r[4]) for r in indicators] == [(n, t) for _a, _b, n, t in u22.DEPARTMENT_INDICATORS]
    assert [r[2] for r in indicators] == ["数量指标", "时效指标", "服务对象满意度指标"]


def test_table11_typed_in_the_template_keeps_its_supervisor_tasks_and_contents(demo, tmp_path):
    cycle, unit = enter_through_template(tmp_path, typed_tasks=True)
    built = build_workbook(cycle=cycle, unit=unit)
    assert built.findings == []  # the typed tasks add up to the unit's lines
    assert_typed_table11(load(built.to_bytes()))


def test_typed_tasks_that_miss_the_unit_total_are_a_finding(demo):
    cycle, unit = create_unit_2022(
        tasks=[TaskData(None, "社会保险经办", "参保、待遇经办", Decimal("8000000.00"), Decimal("0.00"))]
    )
    built = build_workbook(cycle=cycle, unit=unit)
    book = load(built.to_bytes())
    fiscal, other = (f for f in built.findings if f.table == "表11")
    assert (fiscal.item, other.item) == ("金额合计（财政拨款）", "金额合计（其他资金）")
    basic_fiscal = sum((Decimal(a) for _e, _f, s, a in u22.BASIC if s in u22.FISCAL_LEAVES), Decimal(0))
    everything_fiscal = u22.amount(sources=u22.FISCAL_LEAVES)
    assert (fiscal.expected, fiscal.found) == (
        round(everything_fiscal / 10000, 2),
        round((basic_fiscal + Decimal("8000000.00")) / 10000, 2),
    )
    basic_other = u22.amount(kind="basic") - basic_fiscal
    assert (other.expected, other.found) == (
        round((u22.amount() - everything_fiscal) / 10000, 2),
        round(basic_other / 10000, 2),
    )
    task_names = [r[1] for r in sheet_rows(book, "表11") if r[1]]
    assert "社会保险经办" in task_names and "基本支出" in task_names


def test_a_project_paid_from_basic_appropriation_is_a_2022_finding(demo):
    cycle, unit = create_unit_2022()
    Project.objects.filter(budget__cycle=cycle, name="预算准备金").update(
        funding_source=FundingSource.objects.get(code="general_operating")
    )
    built = build_workbook(cycle=cycle, unit=unit)
    assert [(f.table, f.item) for f in built.findings] == [("表5", "预算准备金")]


def test_basic_lines_without_an_economic_code_are_a_2022_finding(demo):
    cycle, unit = create_unit_2022()
    BasicExpenditureLine.objects.filter(budget__cycle=cycle, economic_code__code="30113").update(
        economic_code=None
    )
    built = build_workbook(cycle=cycle, unit=unit)
    assert [f.table for f in built.findings] == ["表4"]
    rows = body(load(built.to_bytes()), "表4", 2)
    assert rows[-1][1] == "未指定经济分类" and rows[-1][2] == W("1480000.00")

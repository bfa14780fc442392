"""The 2020 format (DOMAIN §9), laid out as the bureau published it (seed lines 421-860 and on):
表1, 表3, 表6, 表7, 表11, 表12, 表13 from the budget lines; 表14 and 表15 with the targets of
the performance source."""

from __future__ import annotations

from itertools import zip_longest

from budgets.models import ZERO, FundUse, ProjectType

from .common import (
    UNCLASSIFIED,
    date_range,
    functional_tree,
    in_general_budget,
    is_fiscal,
    under,
)
from .data import CycleData, UnitData, total
from .performance import performance_source
from .registry import register_table
from .table import STANDARD_NOTE_2, Head, Row, Table, Wan, Yuan

F = "2020"

PROJECT_TYPE_LABELS = {
    ProjectType.GENERAL: "一般性项目支出",
    ProjectType.SPECIAL: "专项性项目支出",
    ProjectType.INVESTMENT: "政府投资项目支出",
    ProjectType.FUND: "政府性基金项目支出",
}
FUND_USE_LABELS = {
    FundUse.BUSINESS: "业务类",
    FundUse.POLICY: "政策类（转移性支出）",
    FundUse.MAINTENANCE: "工程及维护类",
    FundUse.CONSTRUCTION: "基本建设",
    FundUse.IT: "信息化工程",
    FundUse.EQUIPMENT: "设备购置及维护",
}
CATEGORY_NAMES = {"A": "货物类", "B": "工程类", "C": "服务类"}


def _w(amount, blank_zero: bool = True) -> Wan:
    return Wan(amount, blank_zero=blank_zero)


# -- 表1 and 表6: income by funding source, expenditure by functional code -------------------


def _expenditure_rows(data: CycleData, keep) -> tuple[list[tuple[str, Wan]], object]:
    amounts: dict = {}
    for code, source, amount, kind in data.spending():
        if not keep(source):
            continue
        amounts.setdefault(code, {"basic": ZERO, "project": ZERO})[kind] += amount
    rows, unclassified = functional_tree(amounts, data.functional)
    lines = [(row.name, _w(row.total, blank_zero=False)) for row in rows]
    missing = unclassified["basic"] + unclassified["project"]
    if missing:
        lines.append((UNCLASSIFIED, _w(missing, blank_zero=False)))
    spent = total(a["basic"] + a["project"] for a in amounts.values())
    return lines, spent


def _side_by_side(income: list[tuple[str, object]], expenditure: list[tuple[str, object]]) -> list[Row]:
    rows = []
    for left, right in zip_longest(income, expenditure, fillvalue=("", None)):
        rows.append(Row([left[0], left[1], right[0], right[1]]))
    return rows


def _income_header(year: int) -> list[list[Head]]:
    return [
        [Head("收 入", colspan=2), Head("支 出", colspan=2)],
        [Head("项目"), Head(f"{year}年预算数"), Head("项目"), Head(f"{year}年预算数")],
    ]


@register_table(F, "表1", "部门收支预算总表")
def table1(data: CycleData) -> Table:
    by_source = data.by_funding_source()

    def amount(*codes: str) -> Wan:
        return _w(total(v for k, v in by_source.items() if k in codes))

    def root_amount(root: str) -> Wan:
        return _w(total(v for k, v in by_source.items() if under(k, root, data.funding)))

    fiscal = total(v for k, v in by_source.items() if is_fiscal(k, data.funding))
    below_the_line = {"subordinate_remittance", "higher_level_subsidy", "carryover"}
    year_income = total(v for k, v in by_source.items() if k and k not in below_the_line)
    income = [
        ("一、财政预算拨款", _w(fiscal)),
        ("公共财政预算拨款", root_amount("general_budget")),
        ("一般性经费拨款", amount("general_operating")),
    ]
    if by_source.get("duty_projects"):
        income.append(("履职类项目拨款", amount("duty_projects")))
    income += [
        ("财政专项资金拨款", amount("special_funds")),
        ("政府投资项目拨款", amount("investment")),
        ("政府性基金预算拨款", amount("government_fund")),
        ("国有资本经营预算拨款", amount("state_capital")),
        ("财政专户拨款", amount("special_account")),
        ("二、事业收入", amount("business_income")),
        ("三、事业单位经营收入", amount("operating_income")),
        ("四、其他收入", amount("other_income")),
    ]
    expenditure, spent = _expenditure_rows(data, lambda source: True)
    rows = _side_by_side(income, expenditure)
    grand_income = total(v for k, v in by_source.items() if k)
    rows += [
        Row(["本年收入合计", _w(year_income, False), "本年支出合计", _w(spent, False)], style="total"),
        Row(["附属单位上缴收入", amount("subordinate_remittance"), "对附属单位补助支出", None]),
        Row(["上级补助收入", amount("higher_level_subsidy"), "上缴上级支出", None]),
        Row(["用事业基金弥补收支差额", None, "结转下年", None]),
        Row(["上年结余、结转", amount("carryover"), "", None]),
        Row(["收 入 总 计", _w(grand_income, False), "支 出 总 计", _w(spent, False)], style="total"),
    ]
    return Table(
        "表1", "部门收支预算总表", data.name, _income_header(data.year), rows, widths=[30, 14, 36, 14]
    )


@register_table(F, "表6", "财政拨款收支总体情况表")
def table6(data: CycleData) -> Table:
    by_source = data.by_funding_source()

    def amount(*codes: str) -> Wan:
        return _w(total(v for k, v in by_source.items() if k in codes))

    general = total(v for k, v in by_source.items() if in_general_budget(k, data.funding))
    income = [
        ("一、一般公共预算拨款", _w(general)),
        ("一般性经费拨款", amount("general_operating")),
    ]
    if by_source.get("duty_projects"):
        income.append(("履职类项目拨款", amount("duty_projects")))
    income += [
        ("财政专项资金拨款", amount("special_funds")),
        ("政府投资项目拨款", amount("investment")),
        ("二、政府性基金预算拨款", amount("government_fund")),
        ("三、国有资本经营预算拨款", amount("state_capital")),
        ("四、财政专户拨款", amount("special_account")),
    ]
    expenditure, spent = _expenditure_rows(data, lambda source: is_fiscal(source, data.funding))
    fiscal = total(v for k, v in by_source.items() if is_fiscal(k, data.funding))
    rows = _side_by_side(income, expenditure)
    rows += [
        Row(["本年收入合计", _w(fiscal, False), "本年支出合计", _w(spent, False)], style="total"),
        Row(["上年结余、结转", None, "结转下年", None]),
        Row(["收 入 总 计", _w(fiscal, False), "支 出 总 计", _w(spent, False)], style="total"),
    ]
    return Table(
        "表6", "财政拨款收支总体情况表", data.name, _income_header(data.year), rows, widths=[30, 14, 36, 14]
    )


# -- 表3: expenditure by unit ---------------------------------------------------------------


@register_table(F, "表3", "部门支出预算总表")
def table3(data: CycleData) -> Table:
    year = data.year
    header = [
        [
            Head("单位名称", rowspan=2),
            Head("支出总计", rowspan=2),
            Head("基本支出", rowspan=2),
            Head("项目支出", rowspan=2),
            Head("其中：", colspan=4),
        ],
        [
            Head(f"{year}年政府采购项目"),
            Head(f"{year}年面向中小企业政府采购项目"),
            Head(f"{year}年面向小型、微型企业政府采购项目"),
            Head("待支付以前年度政府采购项目"),
        ],
    ]
    columns = ("total", "basic", "project", "procurement_total", "sme_other", "small_micro", "carried_over")

    def cells(values: dict[str, object]) -> list:
        return [_w(values[c], blank_zero=c not in {"total", "project"}) for c in columns]

    rows = []
    if data.is_bureau:
        rows.append(Row([data.name, *cells({c: data.sum(c) for c in columns})], style="total", key="bureau"))
    for u in data.units:
        rows.append(Row([u.unit.name, *cells({c: getattr(u, c) for c in columns})], key=u.unit.code))
    return Table("表3", "部门支出预算总表", data.name, header, rows, widths=[40, 12, 12, 12, 14, 16, 18, 16])


# -- 表7: general public budget by unit and functional code --------------------------------


@register_table(F, "表7", "一般公共预算支出情况表")
def table7(data: CycleData) -> Table:
    header = [[Head(h) for h in ("单位名称", "科目编码", "科目名称", "支出总计", "基本支出", "项目支出")]]
    unit_blocks = []
    totals = {"basic": ZERO, "project": ZERO}
    for u in data.units:
        amounts: dict = {}
        for code, source, amount, kind in u.spending():
            if in_general_budget(source, data.funding):
                amounts.setdefault(code, {"basic": ZERO, "project": ZERO})[kind] += amount
        if not amounts:
            continue
        lines = [
            Row(["", code, name, _w(b + p, False), _w(b), _w(p)], key=f"{u.unit.code}:{code}")
            for code, name, b, p in _leaf_rows(amounts, data)
        ]
        basic = total(a["basic"] for a in amounts.values())
        project = total(a["project"] for a in amounts.values())
        totals["basic"] += basic
        totals["project"] += project
        unit_row = Row(
            [u.unit.name, "", "", _w(basic + project, False), _w(basic, False), _w(project, False)],
            style="group",
            key=u.unit.code,
        )
        unit_blocks.append([unit_row, *lines])
    rows = []
    if data.is_bureau:
        b, p = totals["basic"], totals["project"]
        rows.append(Row([data.name, "", "", _w(b + p, False), _w(b, False), _w(p, False)], "total", "bureau"))
    for block in unit_blocks:
        rows += block
    return Table("表7", "一般公共预算支出情况表", data.name, header, rows, widths=[40, 10, 36, 12, 12, 12])


def _leaf_rows(amounts: dict, data: CycleData):
    """One row per functional code a line carries (no roll-up), as the 2020 表7 prints them."""
    for code in sorted(amounts, key=lambda c: (c is None, c or "")):
        kinds = amounts[code]
        if code is None:
            yield "", UNCLASSIFIED, kinds["basic"], kinds["project"]
        else:
            name = data.functional[code].name if code in data.functional else code
            yield code, name, kinds["basic"], kinds["project"]


# -- 表11: procurement ----------------------------------------------------------------------


@register_table(F, "表11", "政府采购项目支出预算表")
def table11(data: CycleData) -> Table:
    header = [[Head(h) for h in ("单位名称", "采购品目编码", "采购品目名称", "金额")]]
    blocks = []
    for u in data.units:
        lines = u.current_procurement
        if not lines:
            continue
        by_item: dict[str, list] = {}
        for line in lines:
            by_item.setdefault(line.item.code, []).append(line)
        block = [Row([u.unit.name, "", "", _w(u.procurement_total, False)], style="group", key=u.unit.code)]
        for category in sorted({code[0] for code in by_item}):
            items = sorted(code for code in by_item if code[0] == category)
            amount = total(line.amount for code in items for line in by_item[code])
            block.append(
                Row(["", category, CATEGORY_NAMES.get(category, category), _w(amount, False)], key=category)
            )
            for code in items:
                name = by_item[code][0].item.name
                block.append(
                    Row(
                        ["", code, name, _w(total(line.amount for line in by_item[code]), False)],
                        key=f"{u.unit.code}:{code}",
                    )
                )
        blocks.append(block)
    rows = []
    if data.is_bureau:
        rows.append(Row([data.name, "", "", _w(data.sum("procurement_total"), False)], "total", "bureau"))
    for block in blocks:
        rows += block
    return Table("表11", "政府采购项目支出预算表", data.name, header, rows, widths=[40, 14, 30, 12])


# -- 表12: 三公 -----------------------------------------------------------------------------


THREE_PUBLIC_COLUMNS = (
    "total",
    "abroad",
    "reception",
    "vehicle_subtotal",
    "vehicle_purchase",
    "vehicle_operation",
)


def _three_public_values(units: list[UnitData], year: int) -> dict[str, object]:
    rows = [u.three_public[year] for u in units if year in u.three_public]
    return {
        "abroad": total(r.abroad for r in rows),
        "reception": total(r.reception for r in rows),
        "vehicle_purchase": total(r.vehicle_purchase for r in rows),
        "vehicle_operation": total(r.vehicle_operation for r in rows),
        "vehicle_subtotal": total(r.vehicle_subtotal for r in rows),
        "total": total(r.total for r in rows),
    }


@register_table(F, "表12", "“三公”经费财政拨款预算情况表")
def table12(data: CycleData) -> Table:
    header = [
        [
            Head("预算单位", rowspan=2),
            Head("年度", rowspan=2),
            Head("“三公”经费财政拨款预算总额", rowspan=2),
            Head("因公出国(境)费", rowspan=2),
            Head("公务接待费", rowspan=2),
            Head("公务用车购置及运行维护费", colspan=3),
        ],
        [Head("小计"), Head("公务用车购置费"), Head("公务用车运行维护费")],
    ]
    years = (data.year - 1, data.year)
    units = [u for u in data.units if u.three_public]

    def block(name: str, members: list[UnitData], key: str, style: str = "") -> list[Row]:
        rows = []
        for index, year in enumerate(years):
            values = _three_public_values(members, year)
            rows.append(
                Row(
                    [name if index == 0 else "", f"{year}年", *[_w(values[c]) for c in THREE_PUBLIC_COLUMNS]],
                    style=style,
                    key=f"{key}:{year}",
                )
            )
        return rows

    rows = []
    if data.is_bureau:
        rows += block(data.name, units, "bureau", "total")
    for u in units:
        rows += block(u.unit.name, [u], u.unit.code)
    return Table(
        "表12",
        "“三公”经费财政拨款预算情况表",
        data.name,
        header,
        rows,
        widths=[40, 10, 16, 14, 12, 12, 14, 16],
    )


# -- 表13: projects under performance management --------------------------------------------


@register_table(F, "表13", "部门预算绩效管理项目情况表")
def table13(data: CycleData) -> Table:
    header = [
        [
            Head("实施单位", rowspan=2),
            Head("项目名称", rowspan=2),
            Head("预算金额", colspan=3),
            Head("预算执行时间", rowspan=2),
        ],
        [Head("合计"), Head("一般公共预算拨款"), Head("其他资金")],
    ]
    rows = [
        Row(
            [
                u.unit.name,
                p.name,
                _w(p.amount, False),
                _w(p.fiscal_amount),
                _w(p.other_amount),
                date_range(p.start_date, p.end_date),
            ],
            key=f"{u.unit.code}:{p.name}",
        )
        for u in data.units
        for p in u.projects
    ]
    return Table(
        "表13", "部门预算绩效管理项目情况表", data.name, header, rows, widths=[40, 40, 12, 16, 12, 24]
    )


# -- 表14 and 表15: performance targets ---------------------------------------------------


def _wan_text(value) -> Wan:
    """An amount in yuan, shown in 万元 with two places as the performance tables print it."""
    return Wan(value or ZERO, places=2)


@register_table(F, "表14", "部门（单位）整体支出绩效目标表")
def table14(data: CycleData) -> Table | None:
    source = performance_source()
    rows: list[Row] = []
    for u in data.units:
        targets = source.department_targets(cycle=data.cycle, unit=u.unit)
        if not targets:
            continue
        code = u.unit.code
        rows += [
            Row(
                ["部门（单位）名称", u.unit.name, "", "主管部门", targets.get("supervisor") or ""],
                "group",
                code,
            ),
            Row(["年度主要任务", "任务名称", "主要内容", "预算金额（万元）", ""], "group"),
            Row(["", "", "", "总额", "财政拨款", "其他资金"], "group"),
        ]
        tasks_total = targets.get("tasks_total") or {}
        rows.append(
            Row(
                [
                    "",
                    "合计",
                    "",
                    _wan_text(tasks_total.get("total")),
                    _wan_text(tasks_total.get("fiscal")),
                    _wan_text(tasks_total.get("other")),
                ],
                "total",
                f"{code}:tasks",
            )
        )
        for task in targets.get("tasks") or []:
            rows.append(
                Row(
                    [
                        "",
                        task["name"],
                        task.get("content") or "",
                        _wan_text(task.get("total")),
                        _wan_text(task.get("fiscal")),
                        _wan_text(task.get("other")),
                    ],
                    key=f"{code}:task:{task['name']}",
                )
            )
        rows.append(Row(["年度总体目标", targets.get("overall_goal") or "", "", "", "", ""]))
        rows.append(Row(["年度绩效指标", "一级指标", "二级指标", "三级指标", "指标值", ""], "group"))
        for indicator in targets.get("indicators") or []:
            rows.append(
                Row(
                    [
                        "",
                        indicator.get("level1") or "",
                        indicator.get("level2") or "",
                        indicator.get("name") or "",
                        indicator.get("target") or "",
                        "",
                    ],
                    key=f"{code}:indicator",
                )
            )
        rows.append(Row([""] * 6))
    if not rows:
        return None
    return Table(
        "表14",
        "部门（单位）整体支出绩效目标表",
        data.name,
        [],
        rows,
        subtitle=f"（{data.year} 年）",
        note=STANDARD_NOTE_2,
        widths=[18, 30, 40, 24, 14, 12],
    )


@register_table(F, "表15", "项目绩效目标表")
def table15(data: CycleData) -> Table | None:
    from .data import department_name

    source = performance_source()
    rows: list[Row] = []
    for u in data.units:
        for p in u.projects:
            key = f"{u.unit.code}:{p.name}"
            overview = "\n".join(
                f"{label}：{text}"
                for label, text in (
                    ("项目背景", p.background),
                    ("项目内容", p.content),
                    ("项目范围", p.scope),
                )
                if text
            )
            rows += [
                Row([f"实施单位：{u.unit.name}", "", f"主管单位：{department_name()}", "", ""], "group", key),
                Row(["项目名称", p.name, "", "", ""]),
                Row(["项目类型", PROJECT_TYPE_LABELS.get(p.project_type, p.project_type), "", "", ""]),
                Row(["资金用途", FUND_USE_LABELS.get(p.use_of_funds, p.use_of_funds), "", "", ""]),
                Row(["计划开始日期", _date(p.start_date), "计划完成日期", _date(p.end_date), ""]),
                Row(
                    ["项目总金额", Yuan(p.total_amount), "本年度项目金额", Yuan(p.amount), ""],
                    key=f"{key}:amounts",
                ),
                Row(["财政拨款资金", Yuan(p.fiscal_amount), "其他资金", Yuan(p.other_amount), ""]),
                Row(
                    [
                        "资产采购计划",
                        "固定资产采购金额",
                        Yuan(p.asset_purchase_amount),
                        "采购品目",
                        p.asset_catalogue,
                    ]
                ),
                Row(["项目概况", overview, "", "", ""]),
                Row(["项目用途", p.purpose, "", "", ""]),
                Row(["项目总(中期)目标", p.midterm_goal, "", "", ""]),
                Row(["年度绩效目标", p.annual_goal, "", "", ""]),
                Row(["目标内容", "二级指标", "绩效指标", "指标目标值", "目标值来源"], "group"),
            ]
            for indicator in source.project_indicators(project=p):
                rows.append(
                    Row(
                        [
                            indicator.get("level1") or "",
                            indicator.get("level2") or "",
                            indicator.get("name") or "",
                            indicator.get("target") or "",
                            indicator.get("source") or "",
                        ],
                        key=f"{key}:indicator",
                    )
                )
            rows.append(Row([""] * 5))
    if not rows:
        return None
    return Table(
        "表15",
        "项目绩效目标表",
        data.name,
        [],
        rows,
        money_unit="单位：元",
        subtitle=f"({data.year}年)",
        note="",
        widths=[18, 40, 30, 24, 14],
    )


def _date(value) -> str:
    return value.isoformat() if value else ""

"""The 2022 format (DOMAIN §9), one unit per workbook: 表1 收支总表 … 表10 国有资本经营预算支出表
from the lines; 表11 整体支出绩效目标表 from the performance source (the performance app
registers its own builder or source)."""

from __future__ import annotations

from itertools import zip_longest

from budgets.models import ZERO

from .common import UNCLASSIFIED, functional_tree, in_general_budget, source_root
from .data import CycleData, total
from .registry import register_table
from .table import Head, Row, Table, Wan
from .tables_2020 import table14 as department_targets_2020

F = "2022"

# Income columns by top-level funding source, in the order of the national templates.
SOURCE_COLUMNS = [
    ("general_budget", "一般公共预算拨款"),
    ("government_fund", "政府性基金预算拨款"),
    ("state_capital", "国有资本经营预算拨款"),
    ("special_account", "财政专户管理资金"),
    ("unit_funds", "单位资金"),
    ("carryover", "上年结转"),
]
FISCAL_COLUMNS = SOURCE_COLUMNS[:3]
UNIT_FUND_PARTS = [
    ("business_income", "事业收入"),
    ("operating_income", "事业单位经营收入"),
    ("higher_level_subsidy", "上级补助收入"),
    ("subordinate_remittance", "附属单位上缴收入"),
    ("other_income", "其他收入"),
]
PERSONNEL_CLASSES = {"301", "303"}  # 工资福利支出, 对个人和家庭的补助 → 人员经费


def _w(amount, blank_zero: bool = True) -> Wan:
    return Wan(amount, blank_zero=blank_zero)


def _tree(data: CycleData, keep=lambda source: True):
    amounts: dict = {}
    for code, source, amount, kind in data.spending():
        if keep(source):
            amounts.setdefault(code, {"basic": ZERO, "project": ZERO})[kind] += amount
    return functional_tree(amounts, data.functional)


def _by_code_and_root(data: CycleData) -> dict[str | None, dict[str | None, object]]:
    result: dict = {}
    for code, source, amount, _kind in data.spending():
        root = source_root(source, data.funding)
        for prefix in {code[:3], code[:5], code} if code else {None}:
            result.setdefault(prefix, {}).setdefault(root, ZERO)
            result[prefix][root] += amount
    return result


@register_table(F, "表1", "收支总表")
def table1(data: CycleData) -> Table:
    by_source = data.by_funding_source()

    def root_sum(root: str):
        return total(v for k, v in by_source.items() if source_root(k, data.funding) == root)

    income = [(f"{i}、{label}收入" if root != "carryover" else label, _w(root_sum(root)))
              for i, (root, label) in enumerate(SOURCE_COLUMNS[:5], start=1)]  # fmt: skip
    income += [(f"    其中：{label}" if n == 0 else f"          {label}", _w(total(v for k, v in by_source.items() if k == code)))
               for n, (code, label) in enumerate(UNIT_FUND_PARTS)]  # fmt: skip
    rows, unclassified = _tree(data)
    expenditure = [(f"{r.code} {r.name}", _w(r.total, False)) for r in rows if r.level == 1]
    missing = unclassified["basic"] + unclassified["project"]
    if missing:
        expenditure.append((UNCLASSIFIED, _w(missing, False)))
    this_year = total(root_sum(root) for root, _label in SOURCE_COLUMNS[:5])
    spent = total(r.total for r in rows if r.level == 1) + missing
    body = [Row([a[0], a[1], b[0], b[1]]) for a, b in zip_longest(income, expenditure, fillvalue=("", None))]
    body += [
        Row(["本年收入合计", _w(this_year, False), "本年支出合计", _w(spent, False)], "total"),
        Row(["上年结转", _w(root_sum("carryover")), "结转下年", None]),
        Row(
            ["收入总计", _w(this_year + root_sum("carryover"), False), "支出总计", _w(spent, False)], "total"
        ),
    ]
    header = [
        [Head("收入", colspan=2), Head("支出", colspan=2)],
        [Head("项目"), Head("预算数"), Head("项目"), Head("预算数")],
    ]
    return Table("表1", "收支总表", data.name, header, body, widths=[34, 14, 36, 14])


@register_table(F, "表2", "收入总表")
def table2(data: CycleData) -> Table:
    rows, unclassified = _tree(data)
    by_root = _by_code_and_root(data)
    header = [
        [Head("科目编码", rowspan=2), Head("科目名称", rowspan=2), Head("合计", rowspan=2), Head("本年收入", colspan=5),
         Head("上年结转", rowspan=2)],
        [Head(label) for _root, label in SOURCE_COLUMNS[:5]],
    ]  # fmt: skip

    def cells(code):
        amounts = by_root.get(code, {})
        return [
            _w(total(amounts.values()), False),
            *[_w(amounts.get(root, ZERO)) for root, _l in SOURCE_COLUMNS],
        ]

    body = [Row(["", "合计", *cells_total(by_root, rows, unclassified)], "total", "total")]
    body += [Row([r.code, r.name, *cells(r.code)], "group" if r.level < 3 else "", r.code) for r in rows]
    if None in by_root:
        body.append(Row(["", UNCLASSIFIED, *cells(None)]))
    return Table("表2", "收入总表", data.name, header, body, widths=[12, 34, 12, 14, 14, 14, 14, 12, 12])


def cells_total(by_root, rows, unclassified) -> list:
    classes = [r.code for r in rows if r.level == 1] + ([None] if None in by_root else [])
    sums = {root: total(by_root.get(c, {}).get(root, ZERO) for c in classes) for root, _l in SOURCE_COLUMNS}
    return [_w(total(sums.values()), False), *[_w(sums[root]) for root, _l in SOURCE_COLUMNS]]


def _functional_table(number: str, title: str, data: CycleData, keep, empty_note: str = "") -> Table:
    rows, unclassified = _tree(data, keep)
    header = [[Head("科目编码"), Head("科目名称"), Head("合计"), Head("基本支出"), Head("项目支出")]]
    basic = total(r.basic for r in rows if r.level == 1) + unclassified["basic"]
    project = total(r.project for r in rows if r.level == 1) + unclassified["project"]
    body = [
        Row(["", "合计", _w(basic + project, False), _w(basic, False), _w(project, False)], "total", "total")
    ]
    body += [
        Row(
            [r.code, r.name, _w(r.total, False), _w(r.basic), _w(r.project)],
            "group" if r.level < 3 else "",
            r.code,
        )
        for r in rows
    ]
    if unclassified["basic"] or unclassified["project"]:
        b, p = unclassified["basic"], unclassified["project"]
        body.append(Row(["", UNCLASSIFIED, _w(b + p, False), _w(b), _w(p)]))
    note = "注：本表金额单位为万元，各数据分别四舍五入取整，合计数与分项之和可能存在尾数误差。"
    if not rows and empty_note:
        note = empty_note
    return Table(number, title, data.name, header, body, note=note, widths=[12, 40, 14, 14, 14])


@register_table(F, "表3", "支出总表")
def table3(data: CycleData) -> Table:
    return _functional_table("表3", "支出总表", data, lambda source: True)


@register_table(F, "表4", "基本支出总表")
def table4(data: CycleData) -> Table:
    header = [
        [Head("部门经济分类科目", colspan=2), Head("本年基本支出", colspan=3)],
        [Head("科目编码"), Head("科目名称"), Head("合计"), Head("人员经费"), Head("公用经费")],
    ]
    amounts: dict[str | None, object] = {}
    names: dict[str, str] = {}
    for u in data.units:
        for line in u.basic_lines:
            code = line.economic_code.code if line.economic_code else None
            if line.economic_code:
                names[code] = line.economic_code.name
                if line.economic_code.parent_id and code[:3] not in names:
                    names[code[:3]] = line.economic_code.parent.name
            amounts[code] = amounts.get(code, ZERO) + line.amount
    classes: dict[str, object] = {}
    for code, amount in amounts.items():
        if code:
            classes[code[:3]] = classes.get(code[:3], ZERO) + amount

    def split(code: str, amount) -> list:
        personnel = amount if code[:3] in PERSONNEL_CLASSES else ZERO
        return [_w(amount, False), _w(personnel), _w(amount - personnel)]

    basic = total(amounts.values())
    personnel = total(a for c, a in amounts.items() if c and c[:3] in PERSONNEL_CLASSES)
    body = [
        Row(
            ["", "合计", _w(basic, False), _w(personnel, False), _w(basic - personnel, False)],
            "total",
            "total",
        )
    ]
    for class_code in sorted(classes):
        body.append(
            Row(
                [class_code, names.get(class_code, class_code), *split(class_code, classes[class_code])],
                "group",
                class_code,
            )
        )
        for code in sorted(c for c in amounts if c and c[:3] == class_code and len(c) > 3):
            body.append(Row([code, names.get(code, code), *split(code, amounts[code])], key=code))
    if None in amounts:
        body.append(Row(["", "未指定经济分类", _w(amounts[None], False), None, None]))
    return Table("表4", "基本支出总表", data.name, header, body, widths=[12, 36, 14, 14, 14])


@register_table(F, "表5", "项目支出总表")
def table5(data: CycleData) -> Table:
    header = [
        [Head("单位名称", rowspan=2), Head("项目名称", rowspan=2), Head("合计", rowspan=2), Head("本年拨款", colspan=5),
         Head("上年结转", rowspan=2)],
        [Head(label) for _root, label in SOURCE_COLUMNS[:5]],
    ]  # fmt: skip
    body = []
    sums = {root: ZERO for root, _l in SOURCE_COLUMNS}
    for u in data.units:
        for p in u.projects:
            root = source_root(p.funding_source.code if p.funding_source else None, data.funding)
            cells = [_w(p.amount if r == root else ZERO) for r, _l in SOURCE_COLUMNS]
            if root in sums:
                sums[root] += p.amount
            body.append(
                Row([u.unit.name, p.name, _w(p.amount, False), *cells], key=f"{u.unit.code}:{p.name}")
            )
    all_projects = data.sum("project")
    body.insert(
        0,
        Row(
            ["合计", "", _w(all_projects, False), *[_w(sums[r]) for r, _l in SOURCE_COLUMNS]],
            "total",
            "total",
        ),
    )
    return Table("表5", "项目支出总表", data.name, header, body, widths=[36, 40, 12, 14, 14, 14, 14, 12, 12])


@register_table(F, "表6", "政府预算拨款收支总表")
def table6(data: CycleData) -> Table:
    by_source = data.by_funding_source()

    def root_sum(root: str):
        return total(v for k, v in by_source.items() if source_root(k, data.funding) == root)

    fiscal_roots = [root for root, _l in FISCAL_COLUMNS]
    income = [
        (f"{i}、{label}", _w(root_sum(root))) for i, (root, label) in enumerate(FISCAL_COLUMNS, start=1)
    ]
    rows, unclassified = _tree(data, lambda s: source_root(s, data.funding) in fiscal_roots)
    expenditure = [(f"{r.code} {r.name}", _w(r.total, False)) for r in rows if r.level == 1]
    missing = unclassified["basic"] + unclassified["project"]
    if missing:
        expenditure.append((UNCLASSIFIED, _w(missing, False)))
    fiscal = total(root_sum(r) for r in fiscal_roots)
    spent = total(r.total for r in rows if r.level == 1) + missing
    body = [Row([a[0], a[1], b[0], b[1]]) for a, b in zip_longest(income, expenditure, fillvalue=("", None))]
    body += [
        Row(["本年收入合计", _w(fiscal, False), "本年支出合计", _w(spent, False)], "total"),
        Row(["上年结转", None, "结转下年", None]),
        Row(["收入总计", _w(fiscal, False), "支出总计", _w(spent, False)], "total"),
    ]
    header = [
        [Head("收入", colspan=2), Head("支出", colspan=2)],
        [Head("项目"), Head("预算数"), Head("项目"), Head("预算数")],
    ]
    return Table("表6", "政府预算拨款收支总表", data.name, header, body, widths=[34, 14, 36, 14])


@register_table(F, "表7", "一般公共预算支出表")
def table7(data: CycleData) -> Table:
    table = _functional_table("表7", "一般公共预算支出表", data, lambda s: in_general_budget(s, data.funding))
    table.subtitle = "（按功能分类）"
    return table


@register_table(F, "表8", "“三公”经费支出表")
def table8(data: CycleData) -> Table:
    groups = ["合计", "因公出国(境)费", "公务用车购置及运行费", "", "", "公务接待费"]
    labels = ["小计", "公务用车购置费", "公务用车运行费"]
    header = [
        [Head(f"{data.year - 1}年预算数", colspan=6), Head(f"{data.year}年预算数", colspan=6), Head("增减", colspan=6)],
        [h for _ in range(3) for h in (Head(groups[0], rowspan=2), Head(groups[1], rowspan=2), Head(groups[2], colspan=3), Head(groups[5], rowspan=2))],
        [Head(label) for _ in range(3) for label in labels],
    ]  # fmt: skip

    def values(year: int) -> list:
        rows = [u.three_public[year] for u in data.units if year in u.three_public]
        return [
            total(r.total for r in rows),
            total(r.abroad for r in rows),
            total(r.vehicle_subtotal for r in rows),
            total(r.vehicle_purchase for r in rows),
            total(r.vehicle_operation for r in rows),
            total(r.reception for r in rows),
        ]

    last, this = values(data.year - 1), values(data.year)
    change = [b - a for a, b in zip(last, this, strict=True)]
    cells = [_w(v, blank_zero=i % 6 != 0) for i, v in enumerate(last + this)]
    cells += [Wan(v, blank_zero=i != 0) for i, v in enumerate(change)]
    return Table(
        "表8", "“三公”经费支出表", data.name, header, [Row(cells, key="three_public")], widths=[11] * 18
    )


def _no_spending_table(number: str, title: str, root: str, data: CycleData, nothing: str) -> Table:
    table = _functional_table(number, title, data, lambda s: source_root(s, data.funding) == root, nothing)
    if len(table.rows) == 1:
        table.rows.append(Row(["", nothing, None, None, None]))
    return table


@register_table(F, "表9", "政府性基金预算支出表")
def table9(data: CycleData) -> Table:
    return _no_spending_table(
        "表9", "政府性基金预算支出表", "government_fund", data, "本单位无政府性基金预算拨款安排的支出。"
    )


@register_table(F, "表10", "国有资本经营预算支出表")
def table10(data: CycleData) -> Table:
    return _no_spending_table(
        "表10", "国有资本经营预算支出表", "state_capital", data, "本单位无国有资本经营预算拨款安排的支出。"
    )


@register_table(F, "表11", "整体支出绩效目标表")
def table11(data: CycleData) -> Table | None:
    table = department_targets_2020(data)
    if table is None:
        return None
    table.number, table.title = "表11", "整体支出绩效目标表"
    return table

"""The 2022 format (DOMAIN §9), table by table as published: 表1 收支总表 … 表10 国有资本经营预算
支出表 from the lines, 表11 整体支出绩效目标表 from the lines and the department-wide targets.

Every sheet carries 部门名称 and 单位：万元; amounts are whole 万元, each cell rounded on its own,
zero printed as 0; a table with nothing to show keeps its unit row of zeros and the note
"注：本表本年无发生额。". The funding-source columns of 表2, 表4 and 表5 are trees of ``Col``: a
leaf column sums the lines whose source lies under one of its tree nodes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import zip_longest

from django.conf import settings

from budgets.models import ZERO
from core.models import UnitKind

from .common import UNCLASSIFIED, FunctionalRow, functional_tree, in_general_budget, under
from .data import CycleData, UnitData, department_name, total
from .performance import performance_source
from .registry import register_table
from .table import Head, Label, Row, Table, Wan

F = "2022"
NAME_LABEL = "部门名称"
NOTHING = "注：本表本年无发生额。"
TABLE1_NOTE = (
    "注：财政拨款收入为政府预算拨款（一般公共预算拨款、政府性基金预算拨款和国有资本经营预算拨款），"
    "不含财政专户管理资金和单位资金。\n本套报表金额单位转换时可能存在尾数误差。"
)
GOVERNMENT = "government_budget"
NUMERALS = "一二三四五六七八九十"


def numeral(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (类 rows of 表1 and 表6)."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return f"{NUMERALS[tens - 1] if tens > 1 else ''}十{NUMERALS[ones - 1] if ones else ''}"


def _w(amount: Decimal) -> Wan:
    return Wan(amount)


# -- The funding-source column tree (DOMAIN §9) ----------------------------------------------


@dataclass(frozen=True)
class Col:
    label: str
    nodes: tuple[str, ...] = ()  # a leaf column: the tree nodes it sums; () = every line
    children: tuple[Col, ...] = ()

    @property
    def leaves(self) -> list[Col]:
        return [leaf for child in self.children for leaf in child.leaves] if self.children else [self]

    @property
    def depth(self) -> int:
        return 1 + max((c.depth for c in self.children), default=0)


def leaf(label: str, *nodes: str) -> Col:
    return Col(label, nodes)


def group(label: str, *children: Col) -> Col:
    return Col(label, children=children)


GENERAL_PARTS = (
    leaf("基本支出拨款", "general_operating"),
    leaf("履职类项目拨款", "duty_projects"),
    leaf("财政专项资金拨款", "special_funds"),
    leaf("政府投资项目拨款", "investment"),
)
UNIT_FUNDS = group(
    "单位资金",
    leaf("事业收入", "business_income"),
    leaf("事业单位经营收入", "operating_income"),
    leaf("上级补助收入", "higher_level_subsidy"),
    leaf("附属单位上缴收入", "subordinate_remittance"),
    leaf("其他收入", "other_income"),
)
GOVERNMENT_FUND = leaf("政府性基金预算拨款", "government_fund")
STATE_CAPITAL = leaf("国有资本经营预算拨款", "state_capital")
SPECIAL_ACCOUNT = leaf("财政专户管理资金", "special_account")
CARRYOVER = leaf("上年结余、结转", "carryover")
ALL = leaf("总计")

TABLE2_COLUMNS = (
    leaf("收入总计"),
    group(
        "本年收入",
        group("一般公共预算拨款", leaf("小计", "general_budget"), *GENERAL_PARTS),
        GOVERNMENT_FUND,
        STATE_CAPITAL,
        SPECIAL_ACCOUNT,
        UNIT_FUNDS,
    ),
    CARRYOVER,
)
TABLE4_COLUMNS = (
    ALL,
    group(
        "政府预算拨款",
        leaf("小计", GOVERNMENT),
        leaf("一般公共预算拨款", "general_budget"),
        GOVERNMENT_FUND,
        STATE_CAPITAL,
    ),
    SPECIAL_ACCOUNT,
    UNIT_FUNDS,
    CARRYOVER,
)
TABLE5_COLUMNS = (
    ALL,
    group("一般公共预算拨款", leaf("小计", "general_budget"), *GENERAL_PARTS[1:]),
    GOVERNMENT_FUND,
    STATE_CAPITAL,
    SPECIAL_ACCOUNT,
    UNIT_FUNDS,
    CARRYOVER,
)


def column_header(labels: Iterable[str], columns: Iterable[Col]) -> list[list[Head]]:
    """The header rows of a column tree: a group spans its leaves, a leaf spans down to the last
    header row, the row-label columns span every header row."""
    columns = list(columns)
    depth = max(c.depth for c in columns)
    lines: list[list[Head]] = [[] for _ in range(depth)]
    lines[0] += [Head(label, rowspan=depth) for label in labels]

    def place(col: Col, level: int) -> None:
        if col.children:
            lines[level].append(Head(col.label, colspan=len(col.leaves)))
            for child in col.children:
                place(child, level + 1)
        else:
            lines[level].append(Head(col.label, rowspan=depth - level))

    for col in columns:
        place(col, 0)
    return lines


def column_cells(columns: Iterable[Col], amounts: dict[str | None, Decimal], data: CycleData) -> list[Wan]:
    """One cell per leaf column from amounts per funding-source code (None: no source)."""
    cells = []
    for col in (leaf_ for c in columns for leaf_ in c.leaves):
        if not col.nodes:
            cells.append(_w(total(amounts.values())))
        else:
            cells.append(
                _w(
                    total(
                        amount
                        for source, amount in amounts.items()
                        if any(under(source, node, data.funding) for node in col.nodes)
                    )
                )
            )
    return cells


def by_source(rows: Iterable[tuple[str | None, str | None, Decimal, str]]) -> dict[str | None, Decimal]:
    result: dict[str | None, Decimal] = defaultdict(lambda: ZERO)
    for _code, source, amount, _kind in rows:
        result[source] += amount
    return result


# -- Shared pieces ---------------------------------------------------------------------------


def _table(number: str, title: str, data: CycleData, header, rows, **kwargs) -> Table:
    table = Table(number, title, data.name, header, rows, name_label=NAME_LABEL, note="", **kwargs)
    if not any(isinstance(c, Wan) and c.yuan for r in rows for c in r.cells):
        table.note = NOTHING
    return table


def _unit_blocks(data: CycleData) -> list[tuple[str, list[UnitData], str]]:
    """(label, units, style) of the unit rows: the unit; for a bureau-wide export 合计 first."""
    if len(data.units) == 1 and not data.is_bureau:
        return [(data.units[0].unit.name, data.units, "total")]
    blocks = [("合计", data.units, "total")]
    blocks += [(u.unit.name, [u], "") for u in data.units]
    return blocks


def _spending(units: Iterable[UnitData], kind: str | None = None):
    return [row for u in units for row in u.spending() if kind is None or row[3] == kind]


def _functional_labels(rows: list[FunctionalRow]) -> list[Label]:
    """The functional tree as names only: 类 numbered 一、二、…, 款 and 项 indented beneath."""
    labels, n = [], 0
    for r in rows:
        if r.level == 1:
            n += 1
            labels.append(Label(f"{numeral(n)}、{r.name}"))
        else:
            labels.append(Label(r.name, r.level - 1))
    return labels


def _tree(data: CycleData, keep: Callable[[str | None], bool]):
    amounts: dict = {}
    for code, source, amount, kind in data.spending():
        if keep(source):
            amounts.setdefault(code, {"basic": ZERO, "project": ZERO})[kind] += amount
    return functional_tree(amounts, data.functional)


def _balance(data: CycleData, income: list[tuple], keep, *, carryover: Decimal) -> list[Row]:
    """表1 and 表6: income and expenditure side by side, then the three total lines."""
    rows, unclassified = _tree(data, keep)
    expenditure: list[tuple] = [
        (label, _w(r.total)) for label, r in zip(_functional_labels(rows), rows, strict=True)
    ]
    missing = unclassified["basic"] + unclassified["project"]
    if missing:
        expenditure.append((UNCLASSIFIED, _w(missing)))
    this_year = total(amount for label, amount, top in income if top)
    spent = total(r.total for r in rows if r.level == 1) + missing
    body = [
        Row([a[0], a[1], b[0], b[1]])
        for a, b in zip_longest(
            [(label, _w(amount)) for label, amount, _top in income], expenditure, fillvalue=("", None)
        )
    ]
    body += [
        Row(["本年收入合计", _w(this_year), "本年支出合计", _w(spent)], "total", "year_total"),
        Row(["上年结余、结转", _w(carryover), "结转下年", _w(ZERO)], key="carryover"),
        Row(["收入总计", _w(this_year + carryover), "支出总计", _w(spent)], "total", "grand_total"),
    ]
    return body


def _balance_header(data: CycleData) -> list[list[Head]]:
    budget = f"{data.year}年预算数"
    return [
        [Head("收入", colspan=2), Head("支出", colspan=2)],
        [Head("项目"), Head(budget), Head("项目"), Head(budget)],
    ]


# -- 表1 - 表10 ------------------------------------------------------------------------------


def _node_amounts(data: CycleData) -> Callable[[str], Decimal]:
    """The amount of the lines under one node of the funding-source tree."""
    sources = data.by_funding_source()
    return lambda code: total(v for k, v in sources.items() if under(k, code, data.funding))


def _government_income(node: Callable[[str], Decimal]) -> list[tuple]:
    """一、政府预算拨款 and its three kinds: the first income rows of 表1 and all of 表6."""
    return [
        ("一、政府预算拨款", node(GOVERNMENT), True),
        (Label("1、一般公共预算拨款", 1), node("general_budget"), False),
        (Label("2、政府性基金预算拨款", 1), node("government_fund"), False),
        (Label("3、国有资本经营预算拨款", 1), node("state_capital"), False),
    ]


@register_table(F, "表1", "收支总表")
def table1(data: CycleData) -> Table:
    node = _node_amounts(data)
    income = [
        *_government_income(node),
        ("二、财政专户管理资金", node("special_account"), True),
        ("三、单位资金", node("unit_funds"), True),
    ]
    income += [
        (Label(f"{i}、{c.label}", 1), node(c.nodes[0]), False) for i, c in enumerate(UNIT_FUNDS.children, 1)
    ]
    body = _balance(data, income, lambda source: True, carryover=node("carryover"))
    table = _table("表1", "收支总表", data, _balance_header(data), body)
    table.note = TABLE1_NOTE if table.note != NOTHING else f"{NOTHING}\n{TABLE1_NOTE}"
    return table


@register_table(F, "表2", "收入总表")
def table2(data: CycleData) -> Table:
    body = [
        Row([label, *column_cells(TABLE2_COLUMNS, by_source(_spending(units)), data)], style, key=label)
        for label, units, style in _unit_blocks(data)
    ]
    header = column_header(["预算单位"], TABLE2_COLUMNS)
    return _table("表2", "收入总表", data, header, body, widths=[28] + [11] * 15)


@register_table(F, "表3", "支出总表")
def table3(data: CycleData) -> Table:
    header = [
        [Head("预算单位", rowspan=2), Head("支出总计", rowspan=2), Head("基本支出", rowspan=2),
         Head("项目支出", rowspan=2), Head(f"{data.year}年政府采购项目", colspan=3)],
        [Head("小计"), Head("其中：面向中小企业政府采购项目"), Head("其中：面向小型、微型企业政府采购项目")],
    ]  # fmt: skip
    body = []
    for label, units, style in _unit_blocks(data):

        def amount(attribute: str, units=units) -> Wan:
            return _w(total(getattr(u, attribute) for u in units))

        cells = [amount(a) for a in ("total", "basic", "project", "procurement_total", "sme", "small_micro")]
        body.append(Row([label, *cells], style, key=label))
    return _table("表3", "支出总表", data, header, body, widths=[28, 12, 12, 12, 12, 18, 18])


@register_table(F, "表4", "基本支出总表")
def table4(data: CycleData) -> Table:
    lines = [line for u in data.units for line in u.basic_lines]
    amounts: dict[str | None, dict[str | None, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    names: dict[str, str] = {}
    for line in lines:
        source = line.funding_source.code if line.funding_source else None
        economic = line.economic_code
        if economic is None:
            amounts[None][source] += line.amount
            continue
        amounts[economic.code][source] += line.amount
        names[economic.code] = economic.name
        if len(economic.code) > 3:
            amounts[economic.code[:3]][source] += line.amount
            names.setdefault(
                economic.code[:3], economic.parent.name if economic.parent else economic.code[:3]
            )
    everything: dict[str | None, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        everything[line.funding_source.code if line.funding_source else None] += line.amount
    body = [Row(["", data.name, *column_cells(TABLE4_COLUMNS, everything, data)], "total", "total")]
    for code in sorted(c for c in amounts if c):
        is_class = len(code) == 3
        body.append(
            Row(
                [
                    code,
                    Label(names[code], 0 if is_class else 1),
                    *column_cells(TABLE4_COLUMNS, amounts[code], data),
                ],
                "group" if is_class else "",
                code,
            )
        )
    if None in amounts:
        body.append(
            Row(
                ["", "未指定经济分类", *column_cells(TABLE4_COLUMNS, amounts[None], data)], key="unclassified"
            )
        )
    header = column_header(["科目编码", "科目名称"], TABLE4_COLUMNS)
    return _table("表4", "基本支出总表", data, header, body, widths=[12, 30] + [11] * 13)


@register_table(F, "表5", "项目支出总表")
def table5(data: CycleData) -> Table:
    body = []
    for label, units, style in _unit_blocks(data):
        body.append(
            Row(
                [label, *column_cells(TABLE5_COLUMNS, by_source(_spending(units, "project")), data)],
                style,
                label,
            )
        )
        if style == "total" and len(units) > 1:
            continue
        for u in units:
            for p in u.projects:
                source = p.funding_source.code if p.funding_source else None
                body.append(
                    Row(
                        [Label(p.name, 1), *column_cells(TABLE5_COLUMNS, {source: p.amount}, data)],
                        key=f"{u.unit.code}:{p.name}",
                    )
                )
    header = column_header(["预算单位及项目名称"], TABLE5_COLUMNS)
    return _table("表5", "项目支出总表", data, header, body, widths=[40] + [11] * 13)


@register_table(F, "表6", "政府预算拨款收支总表")
def table6(data: CycleData) -> Table:
    income = _government_income(_node_amounts(data))
    body = _balance(data, income, lambda source: under(source, GOVERNMENT, data.funding), carryover=ZERO)
    return _table("表6", "政府预算拨款收支总表", data, _balance_header(data), body)


def _functional_table(number: str, title: str, data: CycleData, keep: Callable[[str | None], bool]) -> Table:
    rows, unclassified = _tree(data, keep)
    header = [
        [
            Head("预算单位"),
            Head("科目编码"),
            Head("科目名称"),
            Head("支出总计"),
            Head("基本支出"),
            Head("项目支出"),
        ]
    ]
    basic = total(r.basic for r in rows if r.level == 1) + unclassified["basic"]
    project = total(r.project for r in rows if r.level == 1) + unclassified["project"]
    body = [Row([data.name, "", "合计", _w(basic + project), _w(basic), _w(project)], "total", "total")]
    body += [
        Row(["", r.code, Label(r.name, r.level - 1), _w(r.total), _w(r.basic), _w(r.project)],
            "group" if r.level < 3 else "", r.code)
        for r in rows
    ]  # fmt: skip
    if unclassified["basic"] or unclassified["project"]:
        b, p = unclassified["basic"], unclassified["project"]
        body.append(Row(["", "", UNCLASSIFIED, _w(b + p), _w(b), _w(p)], key="unclassified"))
    return _table(number, title, data, header, body, widths=[24, 12, 36, 12, 12, 12])


@register_table(F, "表7", "一般公共预算支出表（按功能分类）")
def table7(data: CycleData) -> Table:
    return _functional_table(
        "表7", "一般公共预算支出表（按功能分类）", data, lambda s: in_general_budget(s, data.funding)
    )


@register_table(F, "表8", "一般公共预算“三公”经费支出表")
def table8(data: CycleData) -> Table:
    header = [
        [Head("预算单位", rowspan=2), Head("年度", rowspan=2), Head("总计", rowspan=2),
         Head("因公出国(境)费", rowspan=2), Head("公务接待费", rowspan=2), Head("公务用车购置及运行维护费", colspan=3)],
        [Head("小计"), Head("公务用车购置费"), Head("公务用车运行维护费")],
    ]  # fmt: skip

    def values(year: int) -> list[Decimal]:
        rows = [u.three_public[year] for u in data.units if year in u.three_public]
        return [
            total(r.total for r in rows),
            total(r.abroad for r in rows),
            total(r.reception for r in rows),
            total(r.vehicle_subtotal for r in rows),
            total(r.vehicle_purchase for r in rows),
            total(r.vehicle_operation for r in rows),
        ]

    last, this = values(data.year - 1), values(data.year)
    change = [b - a for a, b in zip(last, this, strict=True)]
    body = [
        Row([data.name, f"{data.year - 1}年", *map(_w, last)], key="last_year"),
        Row(["", f"{data.year}年", *map(_w, this)], key="this_year"),
        Row(["", "增减变化金额", *map(_w, change)], "total", "change"),
    ]
    reasons = [
        u.three_public[data.year].change_reason.strip()
        for u in data.units
        if data.year in u.three_public and u.three_public[data.year].change_reason.strip()
    ]
    table = _table("表8", "一般公共预算“三公”经费支出表", data, header, body, widths=[24, 10] + [12] * 6)
    if table.note != NOTHING:
        table.note = (
            "注："
            + ("；".join(reasons) if reasons else "无")
            + ("" if reasons and reasons[-1][-1:] == "。" else "。")
        )
    return table


@register_table(F, "表9", "政府性基金预算支出表")
def table9(data: CycleData) -> Table:
    return _functional_table(
        "表9", "政府性基金预算支出表", data, lambda s: under(s, "government_fund", data.funding)
    )


@register_table(F, "表10", "国有资本经营预算支出表")
def table10(data: CycleData) -> Table:
    return _functional_table(
        "表10", "国有资本经营预算支出表", data, lambda s: under(s, "state_capital", data.funding)
    )


# -- 表11 ------------------------------------------------------------------------------------

BASIC_TASK = "基本支出"
DEFAULT_SUPERVISOR = "深圳市人力资源和社会保障局"


def supervisor_of(u: UnitData, targets: dict | None) -> str:
    """主管部门: as the unit states it; else the bureau for its branches and units, and the
    bureau's own supervising department (setting ``BUDGET_SUPERVISING_DEPARTMENT``) for HQ."""
    if targets and targets.get("supervisor"):
        return targets["supervisor"]
    if u.unit.kind == UnitKind.HQ:
        return getattr(settings, "BUDGET_SUPERVISING_DEPARTMENT", DEFAULT_SUPERVISOR)
    return department_name()


@dataclass
class Task:
    name: str
    content: str = ""
    fiscal: Decimal = ZERO
    other: Decimal = ZERO
    typed: bool = field(default=False, repr=False)

    @property
    def total(self) -> Decimal:
        return self.fiscal + self.other


def _fiscal_split(rows, data: CycleData) -> tuple[Decimal, Decimal]:
    fiscal = total(amount for _c, source, amount, _k in rows if source and data.funding[source].is_fiscal)
    return fiscal, total(amount for *_x, amount, _k in rows) - fiscal


def department_tasks(data: CycleData, u: UnitData, targets: dict | None) -> list[Task]:
    """年度主要任务: 基本支出 first, computed from the basic lines; then the tasks the unit typed
    for its projects or, where it typed none, one task per first-level project category computed
    from the projects. 金额合计 is the unit's total; a typed task list that does not add up to it
    is a finding of the checks (``checks.py``), not a silent correction."""
    basic_rows = [r for r in u.spending() if r[3] == "basic"]
    typed = {t["name"]: t for t in (targets or {}).get("tasks") or []}
    basic_typed = typed.pop(BASIC_TASK, {})
    tasks = [Task(BASIC_TASK, basic_typed.get("content") or "", *_fiscal_split(basic_rows, data))]
    if typed:
        tasks += [
            Task(
                t["name"], t.get("content") or "", t.get("fiscal") or ZERO, t.get("other") or ZERO, typed=True
            )
            for t in typed.values()
        ]
        return tasks
    by_category: dict[str, list] = {}
    for p in u.projects:
        source = p.funding_source.code if p.funding_source else None
        name = p.category.name if p.category else "其他项目"
        by_category.setdefault(name, []).append((None, source, p.amount, "project"))
    for name, rows in by_category.items():
        tasks.append(Task(name, "", *_fiscal_split(rows, data)))
    return tasks


@register_table(F, "表11", "整体支出绩效目标表")
def table11(data: CycleData) -> Table:
    """The form as published: 部门名称 and 主管部门 each over two columns; 年度主要任务 down its
    block, 任务名称 and 主要内容 over both header rows, 预算金额 over its three columns; 年度总体目标
    across the form; 年度绩效指标 down its block, 目标值 over the last two columns."""
    source = performance_source()
    body: list[Row] = []
    for u in data.units:
        targets = source.department_targets(cycle=data.cycle, unit=u.unit)
        code = u.unit.code
        fiscal, other = _fiscal_split(u.spending(), data)
        tasks = department_tasks(data, u, targets)
        indicators = (targets or {}).get("indicators") or []
        body += [
            Row(
                ["部门名称", u.unit.name, "", "主管部门", supervisor_of(u, targets), ""],
                "group",
                code,
                spans={1: (2, 1), 4: (2, 1)},
            ),
            Row(
                ["年度主要任务", "任务名称", "主要内容", "预算金额", "", ""],
                "group",
                spans={0: (1, len(tasks) + 3), 1: (1, 2), 2: (1, 2), 3: (3, 1)},
            ),
            Row(["", "", "", "总额", "其中：财政拨款", "其中：其他资金"], "group"),
        ]
        for task in tasks:
            body.append(
                Row(["", task.name, task.content, _w(task.total), _w(task.fiscal), _w(task.other)],
                    key=f"{code}:task:{task.name}")
            )  # fmt: skip
        body.append(
            Row(["", "金额合计", "", _w(fiscal + other), _w(fiscal), _w(other)], "total", f"{code}:tasks",
                spans={1: (2, 1)})
        )  # fmt: skip
        body.append(
            Row(
                ["年度总体目标", (targets or {}).get("overall_goal") or "", "", "", "", ""],
                key=f"{code}:goal",
                spans={1: (5, 1)},
            )
        )
        body.append(
            Row(
                ["年度绩效指标", "一级指标", "二级指标", "三级指标", "目标值", ""],
                "group",
                spans={0: (1, len(indicators) + 1), 4: (2, 1)},
            )
        )
        for indicator in indicators:
            body.append(
                Row(["", indicator.get("level1") or "", indicator.get("level2") or "", indicator.get("name") or "",
                     indicator.get("target") or "", ""], key=f"{code}:indicator", spans={4: (2, 1)})
            )  # fmt: skip
    table = _table("表11", f"{data.name}整体支出绩效目标表", data, [], body, widths=[14, 24, 40, 12, 14, 14])
    table.subtitle = f"{data.year}年度"
    return table

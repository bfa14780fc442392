"""The cross-table checks an export runs before it writes a table (DOMAIN §8).

The workbook is built from the lines, so its own sums hold by construction; what can still be
wrong is the data behind them. Reported here, in 万元:

- the checks of ``budgets.consistency`` (published figures against each other and the lines);
- income = expenditure: spending with no funding source appears on no income line;
- spending with no functional code cannot be placed in 表1/表6/表7;
- 三公 items inside basic expenditure must not exceed the unit's 三公 table;
- every project of 表13 must have targets in 表15 (2020 format);
- basic expenditure = the sum of its economic classes, where a format prints them (2022's 表4);
- 2022's 表11: the main tasks add up to the unit's total (金额合计), fiscal and other apart;
- 2022: a project is not paid from 基本支出拨款 (表5 has no such column).
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Max, Sum

from budgets.consistency import Finding, check_cycle, per_cycle
from budgets.models import ZERO
from budgets.money import to_wan
from performance.models import DepartmentTarget, DepartmentTask, Indicator

from .workbook.common import in_general_budget
from .workbook.data import CycleData, cycle_data, total
from .workbook.performance import performance_source
from .workbook.tables_2022 import department_tasks

# 部门经济分类 items that are 三公 (DOMAIN §4).
THREE_PUBLIC_ECONOMIC_CODES = frozenset({"30212", "30217", "30231", "31013"})


def _wan(amount: Decimal) -> Decimal:
    return to_wan(amount, 2)


def workbook_findings(data: CycleData) -> list[Finding]:
    """The check sheet: every finding of the cycle (``check_cycle``, which runs
    :func:`cycle_findings` too), of the exported unit only when one is exported."""
    findings = check_cycle(data.cycle)
    if data.scope is not None:
        findings = [f for f in findings if f.unit == data.scope.short_name]
    return findings


def cycle_stamp() -> dict:
    """What :func:`cycle_findings` reads beyond the budget's lines, for ``data_stamp``: the
    cycle's performance indicators (which projects have targets) and main tasks (2022's 表11)."""
    money = {"n": Count("id"), "last": Max("id")}
    return {
        **per_cycle(Indicator, "project__budget__cycle", **money),
        **per_cycle(
            DepartmentTask,
            "department_target__cycle",
            **money,
            fiscal=Sum("fiscal_amount"),
            other=Sum("other_amount"),
        ),
        **per_cycle(DepartmentTarget, "cycle", **money),
    }


def cycle_findings(cycle) -> list[Finding]:
    """The checks on the lines that the workbook's tables need, registered with
    ``budgets.consistency`` (see ``apps.py``)."""
    return lines_findings(cycle_data(cycle=cycle))


def lines_findings(data: CycleData) -> list[Finding]:
    findings: list[Finding] = []
    with_targets: set[int] | None = None
    fmt = data.cycle.disclosure_format
    for order, u in enumerate(data.units):
        name = u.unit.short_name
        key = ("~", order)
        spending = u.spending()
        unfunded = total(amount for _c, source, amount, _k in spending if not source)
        if unfunded:
            spent = total(amount for *_x, amount, _k in spending)
            findings.append(
                Finding(
                    "表1",
                    name,
                    "收入合计 = 支出合计",
                    _wan(spent),
                    _wan(spent - unfunded),
                    "未填写资金来源的支出不在任何收入行",
                    key,
                )
            )
        unclassified = total(
            amount
            for code, source, amount, _k in spending
            if not code and in_general_budget(source, data.funding)
        )
        if unclassified:
            findings.append(
                Finding(
                    "表7",
                    name,
                    "按功能分类的支出",
                    ZERO,
                    _wan(unclassified),
                    "未指定功能科目的支出（列为“未指定功能科目”）",
                    key,
                )
            )
        three_public_in_basic = total(
            line.amount
            for line in u.basic_lines
            if line.economic_code and line.economic_code.code in THREE_PUBLIC_ECONOMIC_CODES
        )
        declared = u.three_public.get(data.year)
        if three_public_in_basic and three_public_in_basic > (declared.total if declared else ZERO):
            findings.append(
                Finding(
                    "表12",
                    name,
                    "“三公”经费",
                    _wan(declared.total if declared else ZERO),
                    _wan(three_public_in_basic),
                    "基本支出中的“三公”经济分类科目之和应不超过“三公”经费表",
                    key,
                )
            )
        if fmt == "2022":
            no_class = total(line.amount for line in u.basic_lines if not line.economic_code)
            if no_class:
                findings.append(
                    Finding(
                        "表4",
                        name,
                        "基本支出 = 各经济分类之和",
                        _wan(u.basic),
                        _wan(u.basic - no_class),
                        "未指定经济分类的基本支出",
                        key,
                    )
                )
        if fmt == "2022":
            findings += _tasks_findings(data, u, name, key)
            on_basic = [
                p for p in u.projects if p.funding_source and p.funding_source.code == "general_operating"
            ]
            for project in on_basic:
                findings.append(
                    Finding(
                        "表5",
                        name,
                        project.name,
                        ZERO,
                        _wan(project.amount),
                        "项目支出不应使用基本支出拨款（请改为履职类项目拨款等）",
                        key,
                    )
                )
        if fmt == "2020":
            if with_targets is None:
                with_targets = performance_source().projects_with_indicators(cycle=data.cycle)
            for project in u.projects:
                if project.needs_targets and project.pk not in with_targets:
                    findings.append(
                        Finding(
                            "表13/表15",
                            name,
                            project.name,
                            _wan(project.amount),
                            ZERO,
                            "表13 的项目在表15 没有绩效指标",
                            key,
                        )
                    )
    return findings


def _tasks_findings(data: CycleData, u, name: str, key) -> list[Finding]:
    """表11: typed main tasks must add up to the unit's lines (金额合计), fiscal and other apart."""
    targets = performance_source().department_targets(cycle=data.cycle, unit=u.unit)
    tasks = department_tasks(data, u, targets)
    if not any(task.typed for task in tasks):
        return []
    spending = u.spending()
    fiscal = total(a for _c, source, a, _k in spending if source and data.funding[source].is_fiscal)
    other = total(a for *_x, a, _k in spending) - fiscal
    findings = []
    for label, expected, found in (
        ("金额合计（财政拨款）", fiscal, total(t.fiscal for t in tasks)),
        ("金额合计（其他资金）", other, total(t.other for t in tasks)),
    ):
        if expected != found:
            findings.append(
                Finding(
                    "表11", name, label, _wan(expected), _wan(found), "年度主要任务之和应等于单位预算", key
                )
            )
    return findings

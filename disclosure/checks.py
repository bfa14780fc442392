"""The cross-table checks an export runs before it writes a table (DOMAIN §8).

The workbook is built from the lines, so its own sums hold by construction; what can still be
wrong is the data behind them. Reported here, in 万元:

- the checks of ``budgets.consistency`` (published figures against each other and the lines);
- income = expenditure: spending with no funding source appears on no income line;
- spending with no functional code cannot be placed in 表1/表6/表7;
- 三公 items inside basic expenditure must not exceed the unit's 三公 table;
- every project of 表13 must have targets in 表15 (2020 format);
- basic expenditure = the sum of its economic classes, where a format prints them (2022's 表4).
"""

from __future__ import annotations

from decimal import Decimal

from budgets.consistency import Finding, check_cycle
from budgets.models import ZERO
from budgets.money import to_wan

from .workbook.common import in_general_budget
from .workbook.data import CycleData, total
from .workbook.performance import performance_source

# 部门经济分类 items that are 三公 (DOMAIN §4).
THREE_PUBLIC_ECONOMIC_CODES = frozenset({"30212", "30217", "30231", "31013"})


def _wan(amount: Decimal) -> Decimal:
    return to_wan(amount, 2)


def workbook_findings(data: CycleData) -> list[Finding]:
    findings: list[Finding] = []
    published = check_cycle(data.cycle)
    if data.scope is not None:
        published = [f for f in published if f.unit == data.scope.short_name]
    findings += published
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
        if fmt == "2020":
            source = performance_source()
            for project in u.projects:
                if not source.project_indicators(project=project):
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

"""A realistic 2022 branch budget (figures of our own, shaped like a Shenzhen branch), written
once as plain data so that tests can put it into the database by the services or through the
import template, and compute every published figure independently of the application.

Amounts are yuan strings. The expected 万元 figures are computed here, with the bureau's rule
(each cell rounded on its own, ROUND_HALF_UP), from these rows and nothing else.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

UNIT = "baoan"
UNIT_NAME = "深圳市社会保险基金管理局宝安分局"
YEAR = 2022

# (economic code, functional code, funding source, amount)
BASIC = [
    ("30101", "2080109", "general_operating", "12345600.00"),
    ("30102", "2080109", "general_operating", "8765400.00"),
    ("30103", "2080109", "general_operating", "1234500.00"),
    ("30108", "2080505", "general_operating", "2100000.00"),
    ("30109", "2080506", "general_operating", "1050000.00"),
    ("30110", "2101102", "general_operating", "980000.00"),
    ("30113", "2210201", "general_operating", "1480000.00"),
    ("30201", "2080109", "general_operating", "356700.00"),
    ("30231", "2080109", "general_operating", "120000.00"),
    ("30201", "2080109", "business_income", "54999.99"),
    ("30302", "2080502", "general_operating", "64500.00"),
]
# (name, first-level category, functional code, funding source, this year's amount)
PROJECTS = [
    ("社会保险业务经办", "社会保险业务管理", "2080109", "duty_projects", "4567800.00"),
    ("社会保险综合管理服务", "社会保险综合管理", "2080109", "duty_projects", "2345600.00"),
    ("预算准备金", "预算准备金", "2080109", "duty_projects", "500000.00"),
    ("社保档案数字化", "社会保险业务管理", "2080109", "special_funds", "1204999.50"),
    ("信息系统运行维护（上年结转）", "社会保险综合管理", "2080109", "carryover", "300000.00"),
]
# (catalogue item, project, amount, for SMEs, of that for small and micro enterprises)
PROCUREMENT = [
    ("A02010105", "社会保险业务经办", "360000.00", "360000.00", "200000.00"),
    ("C21040000", "社会保险综合管理服务", "1250000.00", "1000000.00", "800000.00"),
    ("C16070000", "信息系统运行维护（上年结转）", "300000.00", "0.00", "0.00"),
]
# year → (abroad, reception, vehicle purchase, vehicle operation)
THREE_PUBLIC = {
    2021: ("0.00", "30000.00", "0.00", "150000.00"),
    2022: ("0.00", "25000.00", "0.00", "120000.00"),
}
THREE_PUBLIC_REASON = "公务用车运行维护费按实际车辆数核减，公务接待从严控制。"
OVERALL_GOAL = "按时足额发放社会保险待遇，提升经办服务质量和群众满意度。"
SUPERVISOR = "深圳市社会保险基金管理局"
# 表11's main tasks as a preparer types them on 部门整体目标: (name, content, the first-level
# category of the projects it groups; None: the basic lines). 基本支出 comes first.
TASKS = [
    ("基本支出", "保障在编人员工资福利和机构日常运转", None),
    ("社会保险经办服务", "参保登记、待遇核定发放和社保档案数字化", "社会保险业务管理"),
    ("综合管理与信息化", "经办综合管理服务和信息系统运行维护", "社会保险综合管理"),
    ("预算准备金", "应对年度内不可预见的支出", "预算准备金"),
]
# (level 1, level 2, name, target)
DEPARTMENT_INDICATORS = [
    ("output", "quantity", "参保登记业务办理量", "≥120000件"),
    ("output", "timeliness", "待遇按时发放率", "=100%"),
    ("satisfaction", "service_satisfaction", "服务对象满意度", "≥95%"),
]

FUNCTIONAL_NAMES = {
    "208": "社会保障和就业支出",
    "20801": "人力资源和社会保障管理事务",
    "2080109": "社会保险经办机构",
    "20805": "行政事业单位养老支出",
    "2080502": "事业单位离退休",
    "2080505": "机关事业单位基本养老保险缴费支出",
    "2080506": "机关事业单位职业年金缴费支出",
    "210": "卫生健康支出",
    "21011": "行政事业单位医疗",
    "2101102": "事业单位医疗",
    "221": "住房保障支出",
    "22102": "住房改革支出",
    "2210201": "住房公积金",
}
ECONOMIC_NAMES = {
    "301": "工资福利支出",
    "30101": "基本工资",
    "30102": "津贴补贴",
    "30103": "奖金",
    "30108": "机关事业单位基本养老保险缴费",
    "30109": "职业年金缴费",
    "30110": "职工基本医疗保险缴费",
    "30113": "住房公积金",
    "302": "商品和服务支出",
    "30201": "办公费",
    "30231": "公务用车运行维护费",
    "303": "对个人和家庭的补助",
    "30302": "退休费",
}
GENERAL_BUDGET_LEAVES = {"general_operating", "duty_projects", "special_funds", "investment"}
GOVERNMENT_LEAVES = GENERAL_BUDGET_LEAVES | {"government_fund", "state_capital"}
UNIT_FUND_LEAVES = ["business_income", "operating_income", "higher_level_subsidy", "subordinate_remittance", "other_income"]  # fmt: skip
FISCAL_LEAVES = GOVERNMENT_LEAVES | {"special_account"}


def wan(yuan) -> int:
    return int((Decimal(yuan) / 10000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def lines() -> list[tuple[str, str, Decimal, str]]:
    """(functional code, funding source, amount, kind) of every line of the unit."""
    rows = [(f, s, Decimal(a), "basic") for _e, f, s, a in BASIC]
    return rows + [(f, s, Decimal(a), "project") for _n, _c, f, s, a in PROJECTS]


def amount(*, sources=None, kind=None, functional_prefix=None) -> Decimal:
    return sum(
        (
            a
            for f, s, a, k in lines()
            if (sources is None or s in sources)
            and (kind is None or k == kind)
            and (functional_prefix is None or f.startswith(functional_prefix))
        ),
        Decimal(0),
    )


def task_amounts(category: str | None) -> tuple[Decimal, Decimal]:
    """(fiscal, other) of a task of ``TASKS``: the basic lines, or the projects of one category."""
    if category is None:
        rows = [(s, Decimal(a)) for _e, _f, s, a in BASIC]
    else:
        rows = [(s, Decimal(a)) for _n, c, _f, s, a in PROJECTS if c == category]
    fiscal = sum((a for s, a in rows if s in FISCAL_LEAVES), Decimal(0))
    return fiscal, sum((a for _s, a in rows), Decimal(0)) - fiscal


def functional_codes(sources=None) -> list[str]:
    """Every 类/款/项 code with spending from ``sources``, in code order."""
    codes = set()
    for f, s, _a, _k in lines():
        if sources is None or s in sources:
            codes |= {f[:3], f[:5], f}
    return sorted(codes)


def economic_amounts() -> dict[str, dict[str, Decimal]]:
    result: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for e, _f, s, a in BASIC:
        result[e][s] += Decimal(a)
        result[e[:3]][s] += Decimal(a)
    return result

"""The text part of the disclosure (DOMAIN §9), drafted from the data for HQ to edit.

Every figure is computed from the lines and printed in whole 万元 (each rounded on its own);
year-over-year changes come from the previous cycle when the application holds it, and from each
project's ``last_year_amount`` and ``change_reason``. What the data cannot say is written as a
gap to fill ("待补充"), never invented.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from budgets.models import ZERO, BudgetCycle, StaffingFact
from budgets.money import format_money, to_wan

from .workbook.common import in_general_budget
from .workbook.data import CycleData, cycle_data, total

GLOSSARY = [
    "一、一般公共预算拨款收入：指本级财政当年拨付的资金。",
    "二、事业收入：指事业单位开展专业业务活动及辅助活动所取得的收入。",
    "三、其他收入：指除上述收入以外的收入，主要是按规定动用的售房收入、存款利息收入等。",
    "四、上年结转：指以前年度尚未完成、结转到本年仍按原规定用途继续使用的资金。",
    "五、基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。",
    "六、项目支出：指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。",
    "七、“三公”经费：指财政拨款安排的因公出国（境）费、公务用车购置及运行费和公务接待费。",
    "八、机关运行经费：指为保障行政单位（包括参照公务员法管理的事业单位）运行用于购买货物和服务的各项资金。",
]


def wan(amount: Decimal) -> str:
    return f"{format_money(amount, 'whole')}万元"


def change_phrase(this: Decimal, last: Decimal | None, reason: str = "") -> str:
    """'比上年增加36万元，增长57%，主要原因是…' — or a gap to fill when last year is unknown."""
    if last is None:
        return "上年数据未录入，增减情况待补充"
    diff = this - last
    if to_wan(diff) == 0:
        text = "与上年持平"
    else:
        verb, trend = ("增加", "增长") if diff > 0 else ("减少", "下降")
        text = f"比上年{verb}{format_money(abs(diff), 'whole')}万元"
        if last:
            percent = (abs(diff) / last * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            text += f"，{trend}{percent}%"
    if reason:
        text += f"，主要原因是{reason.rstrip('。')}"
    elif to_wan(diff) != 0:
        text += "，主要原因待补充"
    return text


def _economic_split(lines) -> dict[str, Decimal]:
    split = {"301": ZERO, "302": ZERO, "303": ZERO, None: ZERO}
    for line in lines:
        code = line.economic_code.code[:3] if line.economic_code else None
        split[code if code in split else None] += line.amount
    return split


def _basic_sentence(lines) -> str:
    split = _economic_split(lines)
    basic = total(line.amount for line in lines)
    if split[None] == basic:
        return f"基本支出{wan(basic)}（未按经济分类录入，人员支出、公用支出和对个人和家庭的补助待补充）"
    parts = [
        f"人员支出{wan(split['301'])}",
        f"公用支出{wan(split['302'])}",
        f"对个人和家庭的补助{wan(split['303'])}",
    ]
    if split[None]:
        parts.append(f"未按经济分类的基本支出{wan(split[None])}")
    return "、".join(parts)


def draft_sections(data: CycleData, previous: CycleData | None) -> list[tuple[str, str, str]]:
    year, name = data.year, data.name
    spent = data.sum("total")
    last_total = previous.sum("total") if previous and previous.units else None
    all_basic = [line for u in data.units for line in u.basic_lines]
    fiscal = total(
        amount for _c, source, amount, _k in data.spending() if source and data.funding[source].is_fiscal
    )
    overview = (
        f"{year}年{name}部门预算收入{wan(spent)}，{change_phrase(spent, last_total)}；其中：财政拨款{wan(fiscal)}。\n"
        f"{year}年{name}部门预算支出{wan(spent)}，其中：{_basic_sentence(all_basic)}、项目支出{wan(data.sum('project'))}。"
    )

    units = []
    for index, u in enumerate(data.units, start=1):
        previous_unit = next((p for p in previous.units if p.unit == u.unit), None) if previous else None
        paragraph = [
            f"{_ordinal(index)}、{u.unit.name}",
            f"{u.unit.name}预算{wan(u.total)}，{change_phrase(u.total, previous_unit.total if previous_unit else None)}。"
            f"包括{_basic_sentence(u.basic_lines)}、项目支出{wan(u.project)}。",
        ]
        if u.projects:
            paragraph.append(f"项目支出{wan(u.project)}，具体包括：")
            for n, p in enumerate(u.projects, start=1):
                purpose = f"主要用于{p.purpose.rstrip('。')}。" if p.purpose else ""
                paragraph.append(
                    f"{n}. {p.name}{wan(p.amount)}，{change_phrase(p.amount, p.last_year_amount, p.change_reason)}。{purpose}"
                )
        units.append("\n".join(paragraph))

    current = [line for u in data.units for line in u.current_procurement]
    by_category = {c: total(line.amount for line in current if line.item.code.startswith(c)) for c in "ABC"}
    procurement = (
        f"{year}年政府采购预算{wan(data.sum('procurement_total') + data.sum('carried_over'))}，其中：{year}年政府采购项目"
        f"{wan(data.sum('procurement_total'))}（货物类{wan(by_category['A'])}、工程类{wan(by_category['B'])}、"
        f"服务类{wan(by_category['C'])}），待支付以前年度政府采购项目{wan(data.sum('carried_over'))}。"
        f"{year}年面向中小企业预留政府采购项目预算{wan(data.sum('sme'))}，其中面向小型、微型企业"
        f"{wan(data.sum('small_micro'))}。"
    )

    def three(year_: int, field: str) -> Decimal:
        return total(getattr(u.three_public[year_], field) for u in data.units if year_ in u.three_public)

    has_last = any(year - 1 in u.three_public for u in data.units)
    this_total, last_total_3 = three(year, "total"), (three(year - 1, "total") if has_last else None)
    three_public = (
        f"{year}年“三公”经费财政拨款预算{wan(this_total)}，{change_phrase(this_total, last_total_3)}。其中："
        f"因公出国（境）费{wan(three(year, 'abroad'))}；公务接待费{wan(three(year, 'reception'))}；"
        f"公务用车购置费{wan(three(year, 'vehicle_purchase'))}；公务用车运行维护费{wan(three(year, 'vehicle_operation'))}。"
    )

    projects = [p for u in data.units for p in u.projects]
    performance = (
        f"{year}年纳入部门预算绩效管理的单位为{len(data.units)}个，项目{len(projects)}个，"
        f"涉及金额{wan(total(p.amount for p in projects))}，全部项目编制了绩效目标。"
    )

    operating_lines = [
        line
        for line in all_basic
        if line.economic_code
        and line.economic_code.code.startswith("302")
        and line.funding_source
        and in_general_budget(line.funding_source.code, data.funding)
    ]
    operating = (
        f"{year}年机关运行经费{wan(total(line.amount for line in operating_lines))}。"
        if operating_lines
        else "基本支出未按经济分类录入，机关运行经费（一般公共预算安排的公用支出）待补充。"
    )

    staffing = StaffingFact.objects.filter(cycle=data.cycle)
    if data.scope:
        staffing = staffing.filter(unit=data.scope)
    vehicles = sum(s.vehicles for s in staffing)
    assets = (
        f"截至上年末，共有车辆{vehicles}辆（各单位编制及交通工具情况）。单位价值50万元以上通用设备、"
        f"100万元以上专用设备的数量及{year}年购置计划待补充。"
    )
    return [
        ("overview", "部门预算收支总体情况", overview),
        ("units", "部门预算支出具体情况", "\n\n".join(units)),
        ("procurement", "政府采购预算情况", procurement),
        ("three_public", "“三公”经费财政拨款预算情况", three_public),
        ("performance", "部门预算绩效管理情况", performance),
        ("operating_costs", "机关运行经费", operating),
        ("assets", "国有资产占有使用情况", assets),
        ("glossary", "名词解释", "\n".join(GLOSSARY)),
    ]


def _ordinal(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n - 10] if n > 10 else "")
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")


def draft_for(cycle: BudgetCycle) -> list[tuple[str, str, str]]:
    previous = BudgetCycle.objects.filter(year=cycle.year - 1).first()
    return draft_sections(cycle_data(cycle=cycle), cycle_data(cycle=previous) if previous else None)

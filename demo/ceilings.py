"""The demo's ceilings and standards (issue #14), so that ``make run`` shows them filled:
the 2021 expenditure standards, each unit's 2021 staffing facts (the 2020 heads, retirees and
vehicles carried over: the seed has no 2021 figures; the office floor area, which the seed never
gives, invented as 20 m² per authorised head) and, for 宝安 and 罗湖, a ceiling issued to
the unit (一下) from the 2020 approved totals −4 %. 罗湖 (whose 2021 requests come from the
library, see ``demo/library.py``) also has a project ceiling at 80 % of what it asks, so that
its ceiling page shows requests falling below the line, and its basic expenditure computed from
the standards, so that the basic part of the ceiling is there.

``ceilings_demo_2021`` runs from ``loaddemo`` after ``library_demo_2021``; the tests' demo does
not run it, so that 2021 stays the empty preparation the other tests start from. The standard
amounts are invented for the demo (plausible yuan a year per unit of the basis, not the city's
published norms). Idempotent: what is there already is left as it is.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from budgets.models import BudgetCycle, EconomicCode, FunctionalCode, Project, StaffingFact, UnitBudget
from ceilings import services as ceiling_services
from ceilings.models import ExpenditureStandard, Round, StandardBasis, UnitCeiling
from core.models import Unit

DEMO_YEAR = 2021
RATE = Decimal("-4")
CEILING_UNITS = ("baoan", "luohu")
PROJECT_SHARE = Decimal("0.80")  # 罗湖's project ceiling: this share of what it asks
AREA_PER_HEAD = 20  # m² of office floor per authorised head (invented: the seed has no floor area)

B = StandardBasis
# (name, basis, yuan a year per unit of the basis, economic code, functional code, note)
STANDARDS = [
    ("基本工资", B.ACTUAL_HEAD, "120000.00", "30101", "2080109", "在编人员"),
    ("津贴补贴", B.ACTUAL_HEAD, "150000.00", "30102", "2080109", "在编人员"),
    ("机关事业单位基本养老保险缴费", B.ACTUAL_HEAD, "24000.00", "30108", "2080505", ""),
    ("职业年金缴费", B.ACTUAL_HEAD, "12000.00", "30109", "2080506", ""),
    ("职工基本医疗保险缴费", B.ACTUAL_HEAD, "8500.00", "30110", "2101102", ""),
    ("住房公积金", B.ACTUAL_HEAD, "36000.00", "30113", "2210201", ""),
    ("办公费", B.AUTHORISED_HEAD, "6000.00", "30201", "2080109", "按编制人数"),
    ("差旅费", B.ACTUAL_HEAD, "5000.00", "30211", "2080109", ""),
    ("工会经费", B.ACTUAL_HEAD, "5400.00", "30228", "2080109", ""),
    ("公务用车运行维护费", B.VEHICLE, "30000.00", "30231", "2080109", "每辆每年"),
    ("物业管理费", B.AREA, "60.00", "30209", "2080109", "每平方米每年"),
    ("退休费", B.RETIREE, "60000.00", "30302", "2080502", "离退休人员"),
]

STAFFING_FIELDS = ("authorised_headcount", "actual_headcount", "retired", "retired_pre1949",
                   "outsourced_staff", "vehicles")  # fmt: skip


def _user(username: str):
    return get_user_model().objects.get(username=username)


def standards_2021(cycle: BudgetCycle, result) -> None:
    economic = {c.code: c for c in EconomicCode.objects.filter(code__in=[s[3] for s in STANDARDS])}
    functional = {c.code: c for c in FunctionalCode.objects.filter(code__in=[s[4] for s in STANDARDS])}
    for name, basis, amount, economic_code, functional_code, note in STANDARDS:
        _, created = ExpenditureStandard.objects.get_or_create(
            cycle=cycle, kind=name,
            defaults={"basis": basis, "amount": Decimal(amount), "economic_code": economic[economic_code],
                      "functional_code": functional[functional_code], "note": note},
        )  # fmt: skip
        result.record(ExpenditureStandard, created)


def staffing_2021(cycle: BudgetCycle, result) -> None:
    """Each unit's 2020 staffing facts, carried over to 2021."""
    for fact in StaffingFact.objects.filter(cycle__year=cycle.year - 1).select_related("unit"):
        if not UnitBudget.objects.filter(cycle=cycle, unit=fact.unit).exists():
            continue
        _, created = StaffingFact.objects.get_or_create(
            cycle=cycle,
            unit=fact.unit,
            defaults={**{f: getattr(fact, f) for f in STAFFING_FIELDS},
                      "floor_area": fact.floor_area or fact.authorised_headcount * AREA_PER_HEAD},
        )  # fmt: skip
        result.record(StaffingFact, created)


def ceilings_2021(cycle: BudgetCycle, result) -> None:
    reviewer = _user("hq_reviewer")
    for code in CEILING_UNITS:
        unit = Unit.objects.get(code=code)
        if UnitCeiling.objects.filter(cycle=cycle, unit=unit).exclude(state=Round.FIRST_UP).exists():
            continue  # issued already (loaddemo run again)
        budget = UnitBudget.objects.get(cycle=cycle, unit=unit)
        if code == "luohu" and not budget.basic_lines.exists():
            ceiling_services.basic_compute(actor=_user(f"{code}_preparer"), budget=budget)
        (ceiling,) = ceiling_services.ceilings_from_rule(
            actor=reviewer, cycle=cycle, percent=RATE, units=[unit]
        ).set
        if code == "luohu":
            asked = sum((p.amount for p in Project.objects.filter(budget=budget)), Decimal("0.00"))
            if asked:
                share = (asked * PROJECT_SHARE / 10000).quantize(Decimal("1"), rounding=ROUND_DOWN) * 10000
                ceiling = ceiling_services.ceiling_set(
                    actor=reviewer, cycle=cycle, unit=unit, total=ceiling.total, project_ceiling=min(share, ceiling.total),
                    basis=ceiling.basis, percent=ceiling.rule_percent, base_amount=ceiling.base_amount,
                )  # fmt: skip
        ceiling_services.ceiling_act(actor=reviewer, ceiling=ceiling, action="issue")
        result.record(UnitCeiling, True)


@transaction.atomic
def ceilings_demo_2021(*, result) -> None:
    cycle = BudgetCycle.objects.get(year=DEMO_YEAR)
    standards_2021(cycle, result)
    staffing_2021(cycle, result)
    ceilings_2021(cycle, result)

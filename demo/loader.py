"""Loads the bureau's published 2020 budget (transcribed into ``demo_data/2020``) as demo data.

Idempotent: every row is found by its natural key and updated, so running it twice leaves the
database as after the first run. The transcription files keep the seed's figures exactly as
printed, inconsistencies included; the consistency checker reports those, nothing here fixes them.

What the seed does not give is not invented, with one documented exception: 表3 gives each unit's
SME and small/micro reservations only as unit totals, so they are spread over the unit's
procurement lines in proportion to the line amounts (docs/demo-data.md).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from budgets.models import (
    ZERO,
    BasicExpenditureLine,
    BudgetCycle,
    CatalogueVersion,
    CycleDeadline,
    CycleState,
    DeadlineKind,
    DisclosureFormat,
    FunctionalCode,
    FundingSource,
    FundUse,
    ProcurementItem,
    ProcurementLine,
    Project,
    ProjectCategory,
    ProjectFunctionalPart,
    ProjectSubItem,
    ProjectType,
    PublishedFigure,
    StaffingFact,
    ThreePublicExpense,
    UnitBudget,
)
from budgets.money import wan_to_yuan
from budgets.services import cycle_deadlines_ensure
from budgets.states import State
from ceilings.defaults import ensure_warning_rules
from core.models import Membership, Unit
from core.roles import ADMIN_SITE_ROLES, Role
from library.defaults import ensure_default_rules
from performance.demo import performance_demo_load

from .library import library_demo_load

DEMO_DIR = Path(__file__).resolve().parent.parent / "budgets" / "demo_data"
DEMO_YEAR = 2020
DEMO_PASSWORD = "demo-2020"

PROJECT_TYPES = {
    "一般性项目支出": ProjectType.GENERAL,
    "专项性项目支出": ProjectType.SPECIAL,
    "政府投资项目支出": ProjectType.INVESTMENT,
    "政府性基金项目支出": ProjectType.FUND,
}
FUND_USES = {
    "业务类": FundUse.BUSINESS,
    "政策类（转移性支出）": FundUse.POLICY,
    "工程及维护类": FundUse.MAINTENANCE,
    "基本建设": FundUse.CONSTRUCTION,
    "信息化工程": FundUse.IT,
    "设备购置及维护": FundUse.EQUIPMENT,
}
# 表1 shows which appropriation pays for what: 一般性经费拨款 = basic + ordinary projects,
# 财政专项资金拨款 = the special-funds unit, 政府投资项目拨款 = the investment project.
FUNDING_BY_PROJECT_TYPE = {
    ProjectType.SPECIAL: "special_funds",
    ProjectType.INVESTMENT: "investment",
}
BASIC_FUNDING = "general_operating"

# The live part of the demo's calendar, in days from the day it is loaded (issue #10): the 2021
# budget is being prepared (the units' submissions are due this week, HQ's review and the
# publication follow, then 2021's own monitoring and self-evaluation), while the published 2020
# budget is in execution (its August monitoring has just become overdue, its self-evaluation is
# ahead). 2020's "data as of" stays 31 July (it says which months the monitoring describes) and
# its preparation, review and publication stay on their historical dates, like every published
# figure: only these dates move.
LIVE_CALENDAR: dict[tuple[int, str], int] = {
    (DEMO_YEAR + 1, DeadlineKind.PREPARATION): 3,
    (DEMO_YEAR + 1, DeadlineKind.REVIEW): 24,
    (DEMO_YEAR + 1, DeadlineKind.PUBLICATION): 45,
    (DEMO_YEAR + 1, DeadlineKind.MONITORING_DATA_AS_OF): 228,
    (DEMO_YEAR + 1, DeadlineKind.MONITORING_OPEN): 229,
    (DEMO_YEAR + 1, DeadlineKind.MONITORING_DUE): 259,
    (DEMO_YEAR + 1, DeadlineKind.SELF_EVALUATION_DUE): 471,
    (DEMO_YEAR, DeadlineKind.MONITORING_OPEN): -32,
    (DEMO_YEAR, DeadlineKind.MONITORING_DUE): -2,
    (DEMO_YEAR, DeadlineKind.SELF_EVALUATION_DUE): 118,
}

# (username, display name, unit code, role)
DEMO_USERS = [
    ("admin", "系统管理员", "hq", Role.ADMINISTRATOR),
    ("security_admin", "安全管理员 孙安", "hq", Role.SECURITY_ADMINISTRATOR),
    ("audit_admin", "审计管理员 钱审", "hq", Role.AUDIT_ADMINISTRATOR),
    ("hq_reviewer", "市局审核人 王审", "hq", Role.HQ_REVIEWER),
    ("hq_approver", "市局审批人 李批", "hq", Role.HQ_APPROVER),
    ("auditor", "审计 赵查", "hq", Role.AUDITOR),
    ("hq_preparer", "局本级经办人 陈办", "hq", Role.BRANCH_PREPARER),
    ("hq_head", "局本级负责人 周主任", "hq", Role.BRANCH_HEAD),
    ("baoan_preparer", "宝安分局经办人 刘办", "baoan", Role.BRANCH_PREPARER),
    ("baoan_head", "宝安分局负责人 黄局", "baoan", Role.BRANCH_HEAD),
    ("luohu_preparer", "罗湖分局经办人 吴办", "luohu", Role.BRANCH_PREPARER),
    ("luohu_head", "罗湖分局负责人 郑局", "luohu", Role.BRANCH_HEAD),
]


@dataclass
class DemoLoadResult:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)

    def record(self, model: type, created: bool) -> None:
        (self.created if created else self.updated)[model._meta.verbose_name_plural] += 1

    def summary(self) -> str:
        created = sum(self.created.values())
        updated = sum(self.updated.values())
        return f"{created} rows created, {updated} rows checked or updated"


def _read(name: str, year: int = DEMO_YEAR) -> dict[str, Any]:
    with (DEMO_DIR / str(year) / name).open(encoding="utf-8") as handle:
        return json.load(handle)


def _amount(text: str | None) -> Decimal | None:
    """A printed amount: '4512200.00', '269,000.00', '2557836' → Decimal; blank → None."""
    if text is None or str(text).strip() == "":
        return None
    return Decimal(str(text).replace(",", "").strip())


def _yuan_from_wan(text: str | None) -> Decimal:
    value = _amount(text)
    return ZERO if value is None else wan_to_yuan(value)


def _save(result: DemoLoadResult, model: type, lookup: dict, defaults: dict):
    """Create the row, or update only the fields that differ: a reload writes nothing (and so
    adds nothing to the audit history) when the data has not changed."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **defaults)
        obj.save()
        result.record(model, created=True)
        return obj
    changed = False
    for name, value in defaults.items():
        field = model._meta.get_field(name)
        if field.is_relation:
            if getattr(obj, field.attname) != (value.pk if value is not None else None):
                setattr(obj, name, value)
                changed = True
        else:
            value = field.to_python(value)
            if getattr(obj, name) != value:
                setattr(obj, name, value)
                changed = True
    if changed:
        obj.save()
    result.record(model, created=False)
    return obj


class _Loader:
    def __init__(self, result: DemoLoadResult, today: date) -> None:
        self.result = result
        self.today = today
        self.units: dict[str, Unit] = {}
        self.budgets: dict[str, UnitBudget] = {}
        self.cycle: BudgetCycle

    # -- organisation and cycle ------------------------------------------------------------

    def units_and_cycle(self) -> None:
        data = _read("units.json")
        catalogue = CatalogueVersion.objects.get(code="2020")
        self.cycle = _save(
            self.result,
            BudgetCycle,
            {"year": DEMO_YEAR},
            {
                "state": CycleState.PUBLISHED,
                "disclosure_format": DisclosureFormat.F2020,
                "procurement_catalogue": catalogue,
            },
        )
        cycle_deadlines_ensure(cycle=self.cycle)
        for row in data["units"]:
            unit = _save(
                self.result,
                Unit,
                {"code": row["code"]},
                {
                    "name": row["name"],
                    "short_name": row["short_name"],
                    "kind": row["kind"],
                    "sort_order": row["sort_order"],
                },
            )
            self.units[unit.code] = unit
            self.budgets[unit.code] = _save(
                self.result, UnitBudget, {"cycle": self.cycle, "unit": unit}, {"state": State.PUBLISHED}
            )
            if row["staffing"]:
                _save(self.result, StaffingFact, {"cycle": self.cycle, "unit": unit}, row["staffing"])

    # -- published figures -------------------------------------------------------------------

    def figure(self, table: str, unit_code: str | None, row: str, column: str, amount, label: str = ""):
        value = _amount(amount)
        if value is None:
            return
        _save(
            self.result,
            PublishedFigure,
            {
                "cycle": self.cycle,
                "table": table,
                "unit": self.units[unit_code] if unit_code else None,
                "row": row,
                "column": column,
            },
            {"amount": value, "label": label[:200]},
        )

    def income_expenditure_table(self, filename: str, table: str) -> None:
        data = _read(filename)
        for row in data["income"]:
            self.figure(table, None, row["label"], "income", row["amount"], row["label"])
        for row in data["expenditure"]:
            self.figure(table, None, row["code"], "expenditure", row["amount"], row["label"])
        for key, amount in data["totals"].items():
            self.figure(table, None, key, "total", amount, key)

    # -- basic expenditure (表7) -------------------------------------------------------------

    def basic_lines(self) -> None:
        funding = FundingSource.objects.get(code=BASIC_FUNDING)
        codes = {c.code: c for c in FunctionalCode.objects.all()}
        for row in _read("table07.json")["rows"]:
            unit = row["unit"]
            for column in ("total", "basic", "project"):
                self.figure("表7", unit, "budget", column, row[column], row["name"])
            for line in row["lines"]:
                is_basic_line = line["project"] is None
                column = "basic" if is_basic_line else "project"
                self.figure("表7", unit, line["code"], column, line[column], line["name"])
                if is_basic_line:
                    _save(
                        self.result,
                        BasicExpenditureLine,
                        {
                            "budget": self.budgets[unit],
                            "functional_code": codes[line["code"]],
                            "economic_code": None,
                        },
                        {"funding_source": funding, "amount": _yuan_from_wan(line["basic"])},
                    )

    def project_functional_codes(self) -> dict[str, FunctionalCode]:
        """The functional code of each unit's projects: the code 表7 prints most of the unit's
        project spending under. Where 表7 prints a smaller part under another code without saying
        which project it belongs to, that part is kept as it is printed (ProjectFunctionalPart);
        codes that can be pinned to one project or sub-item are in project_links.json."""
        derived = _read("project_links.json")["functional_codes"]
        pinned = {(d["unit"], d["functional_code"]) for d in derived["projects"] + derived["sub_items"]}
        coded_by_sub_items = {d["unit"] for d in derived["sub_items"]}
        codes = {c.code: c for c in FunctionalCode.objects.all()}
        result = {}
        for row in _read("table07.json")["rows"]:
            unit = row["unit"]
            lines = [
                (line["code"], _amount(line["project"]))
                for line in row["lines"]
                if line["project"] is not None
            ]
            if not unit or not lines or unit in coded_by_sub_items:
                continue
            main = max(lines, key=lambda line: line[1])[0]
            result[unit] = codes[main]
            for code, amount in lines:
                if code != main and (unit, code) not in pinned:
                    _save(
                        self.result,
                        ProjectFunctionalPart,
                        {"budget": self.budgets[unit], "functional_code": codes[code]},
                        {"amount": wan_to_yuan(amount), "note": "表7"},
                    )
        return result

    # -- projects (表13 + 表15 + the text part) ---------------------------------------------

    def projects(self) -> None:
        links = _read("project_links.json")["links"]
        blocks = {p["seq"]: p for p in _read("table15.json")["projects"]}
        table13 = {(r["unit"], r["project"]): r for r in _read("table13.json")["rows"]}
        categories = {c.name: c for c in ProjectCategory.objects.all()}
        funding = {f.code: f for f in FundingSource.objects.all()}
        functional = self.project_functional_codes()
        derived = _read("project_links.json")["functional_codes"]
        codes = {c.code: c for c in FunctionalCode.objects.all()}
        by_link = {
            (d["unit"], d["table13_project"]): codes[d["functional_code"]] for d in derived["projects"]
        }
        self.sub_item_codes = {
            (d["unit"], d["sub_item"]): codes[d["functional_code"]] for d in derived["sub_items"]
        }
        self.project_by_table13: dict[tuple[str, str], Project] = {}
        for order, link in enumerate(links, start=1):
            unit, block = link["unit"], blocks[link["table15_seq"]]
            project_type = PROJECT_TYPES.get(block["project_type"], ProjectType.GENERAL)
            fiscal = _amount(block["fiscal_amount"]) or ZERO
            other = _amount(block["other_amount"]) or ZERO
            project = _save(
                self.result,
                Project,
                {"budget": self.budgets[unit], "name": block["name"]},
                {
                    "category": categories[link["category"]],
                    "project_type": project_type,
                    "use_of_funds": FUND_USES.get(block["use_of_funds"] or "", FundUse.BUSINESS),
                    "start_date": block["start_date"],
                    "end_date": block["end_date"],
                    "total_amount": _amount(block["total_amount"]) or fiscal + other,
                    "fiscal_amount": fiscal,
                    "other_amount": other,
                    "functional_code": by_link.get((unit, link["table13_project"]), functional.get(unit)),
                    "funding_source": funding[FUNDING_BY_PROJECT_TYPE.get(project_type, BASIC_FUNDING)],
                    "asset_purchase_amount": _amount(block["asset_purchase_amount"]) or ZERO,
                    "asset_catalogue": block["asset_catalogue"] or "",
                    "background": block["background"] or "",
                    "content": block["content"] or "",
                    "scope": block["scope"] or "",
                    "purpose": block["purpose"] or "",
                    "midterm_goal": block["midterm_goal"] or "",
                    "annual_goal": block["annual_goal"] or "",
                    "sort_order": order,
                    "state": State.PUBLISHED,
                },
            )
            self.project_by_table13[(unit, link["table13_project"])] = project
            row13 = table13[(unit, link["table13_project"])]
            for column in ("total", "general_budget", "other"):
                self.figure("表13", unit, project.name, column, row13[column], row13["project"])

    def text_part(self) -> None:
        """第二部分/第三部分: unit totals by economic class, and projects with their sub-items."""
        data = _read("text_part.json")
        for column, amount in data["bureau"].items():
            self.figure("正文", None, "budget", column, amount)
        by_name = {(p.budget.unit.code, p.name): p for p in Project.objects.filter(budget__cycle=self.cycle)}
        for row in data["units"]:
            unit = row["unit"]
            for column in ("total", "personnel", "public", "individual", "project"):
                self.figure("正文", unit, "budget", column, row[column], row["name"])
            for note in row["notes"]:
                self.figure("正文", unit, "budget-restated", note["field"], note["amount"], note["text"])
            for item in row["projects"]:
                project = by_name.get((unit, item["name"])) or self.project_by_table13.get(
                    (unit, item["name"])
                )
                key = project.name if project else item["name"]
                self.figure("正文", unit, key, "amount", item["amount"], item["name"])
                if project is None:
                    continue
                for order, sub in enumerate(item["sub_items"], start=1):
                    _save(
                        self.result,
                        ProjectSubItem,
                        {"project": project, "name": sub["name"]},
                        {
                            "amount": _yuan_from_wan(sub["amount"]),
                            "description": sub["description"] or "",
                            "sort_order": order,
                            "functional_code": self.sub_item_codes.get((unit, sub["name"])),
                        },
                    )

    # -- procurement (表11 + 表3) ------------------------------------------------------------

    def procurement(self) -> None:
        items = {
            i.code: i for i in ProcurementItem.objects.filter(catalogue=self.cycle.procurement_catalogue)
        }
        table3 = {r["unit"]: r for r in _read("table03.json")["rows"]}
        for row in _read("table11.json")["rows"]:
            unit = row["unit"]
            self.figure("表11", unit, "budget", "amount", row["amount"], row["name"])
            lines = []
            for line in row["lines"]:
                self.figure("表11", unit, line["code"], "amount", line["amount"], line["name"])
                if len(line["code"]) > 1:  # an item, not a category subtotal
                    lines.append((items[line["code"]], _yuan_from_wan(line["amount"])))
            if unit is None:
                continue
            sme = _spread(_yuan_from_wan(table3[unit]["sme"]), [amount for _, amount in lines])
            small = _spread(_yuan_from_wan(table3[unit]["small_micro"]), [amount for _, amount in lines])
            for (item, amount), sme_part, small_part in zip(lines, sme, small, strict=True):
                _save(
                    self.result,
                    ProcurementLine,
                    {"budget": self.budgets[unit], "item": item, "carried_over": False},
                    # The 2020 table prints SMEs and small/micro enterprises apart; we store the
                    # SME reservation with small/micro as its part (其中), as officers write it.
                    {"amount": amount, "sme_amount": sme_part + small_part, "small_micro_amount": small_part},
                )
        # 待支付以前年度政府采购: each carried-over procurement project is paid through one line.
        carried = Project.objects.filter(budget__cycle=self.cycle, category__is_carried_over_procurement=True)
        for project in carried.select_related("budget"):
            _save(
                self.result,
                ProcurementLine,
                {"budget": project.budget, "project": project, "carried_over": True},
                {"amount": project.amount, "description": project.name, "item": None},
            )
        for row in _read("table03.json")["rows"]:
            for column in ("total", "basic", "project", "procurement", "sme", "small_micro", "carried_over"):
                self.figure("表3", row["unit"], "budget", column, row[column], row["name"])

    # -- 三公 (表12) ---------------------------------------------------------------------------

    def three_public(self) -> None:
        columns = (
            "total",
            "abroad",
            "reception",
            "vehicle_subtotal",
            "vehicle_purchase",
            "vehicle_operation",
        )
        for row in _read("table12.json")["rows"]:
            unit = row["unit"]
            for column in columns:
                self.figure("表12", unit, str(row["year"]), column, row[column], row["name"])
            if unit is None:
                continue
            _save(
                self.result,
                ThreePublicExpense,
                {"budget": self.budgets[unit], "year": row["year"]},
                {
                    "abroad": _yuan_from_wan(row["abroad"]),
                    "reception": _yuan_from_wan(row["reception"]),
                    "vehicle_purchase": _yuan_from_wan(row["vehicle_purchase"]),
                    "vehicle_operation": _yuan_from_wan(row["vehicle_operation"]),
                },
            )

    # -- the next cycle, open for preparation ------------------------------------------------

    def next_cycle(self) -> None:
        """2021 in preparation, every unit's budget an empty draft: the demo's autumn of 2020."""
        cycle = _save(
            self.result,
            BudgetCycle,
            {"year": DEMO_YEAR + 1},
            {
                "state": CycleState.PREPARATION,
                "disclosure_format": DisclosureFormat.F2020,
                "procurement_catalogue": self.cycle.procurement_catalogue,
            },
        )
        cycle_deadlines_ensure(cycle=cycle)
        for unit in self.units.values():
            _save(self.result, UnitBudget, {"cycle": cycle, "unit": unit}, {})

    def live_calendar(self) -> None:
        for (year, kind), days in LIVE_CALENDAR.items():
            _save(
                self.result,
                CycleDeadline,
                {"cycle": BudgetCycle.objects.get(year=year), "kind": kind},
                {"due_date": self.today + timedelta(days=days)},
            )

    # -- people ------------------------------------------------------------------------------

    def users(self) -> None:
        user_model = get_user_model()
        for username, display_name, unit_code, role in DEMO_USERS:
            user = user_model.objects.filter(username=username).first()
            created = user is None
            if created:
                user = user_model(username=username)
            user.first_name = display_name
            user.email = f"{username}@demo.invalid"
            user.is_staff = role in ADMIN_SITE_ROLES
            # The demo's system administrator stays a superuser (the local demo's admin sees
            # every model); production has none (audit/separation.py, docs/security.md).
            user.is_superuser = role == Role.ADMINISTRATOR
            if created:  # an existing account keeps its password, whatever it is
                user.set_password(DEMO_PASSWORD)
            user.save()
            self.result.record(user_model, created)
            _save(self.result, Membership, {"user": user}, {"unit": self.units[unit_code], "role": role})


def _spread(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split ``total`` over ``weights`` proportionally, to the fen, largest remainder first."""
    weight_sum = sum(weights, ZERO)
    if not weights or weight_sum == 0:
        return [ZERO for _ in weights]
    cent = Decimal("0.01")
    exact = [total * w / weight_sum for w in weights]
    parts = [e.quantize(cent, rounding=ROUND_DOWN) for e in exact]
    leftover = int((total - sum(parts, ZERO)) / cent)
    by_remainder = sorted(range(len(weights)), key=lambda i: exact[i] - parts[i], reverse=True)
    for i in by_remainder[:leftover]:
        parts[i] += cent
    return parts


@transaction.atomic
def demo_load(*, today: date | None = None) -> DemoLoadResult:
    """Load (or refresh) the 2020 demo budget, its published figures and the demo users; the
    live deadlines are set relative to ``today`` (the local date by default)."""
    call_command("loaddata", "classification_codes", "procurement_catalogue_2022", verbosity=0)
    result = DemoLoadResult()
    loader = _Loader(result, today or timezone.localdate())
    loader.units_and_cycle()
    loader.income_expenditure_table("table01.json", "表1")
    loader.income_expenditure_table("table06.json", "表6")
    loader.basic_lines()
    loader.projects()
    loader.text_part()
    loader.procurement()
    loader.three_public()
    loader.users()
    loader.next_cycle()
    loader.live_calendar()
    performance_demo_load(cycle=loader.cycle, result=result)
    library_demo_load(result=result)
    # Rules kept as data (written by data migrations, lost when a test flushes the database).
    ensure_default_rules()
    ensure_warning_rules()
    return result


def demo_is_loaded() -> bool:
    return UnitBudget.objects.exists()

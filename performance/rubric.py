"""The department-wide 100-point rubric (部门整体支出绩效评价指标体系, DOMAIN §8), one pure module.

``score_department(inputs)`` scores a unit from a plain mapping; pages, the xlsx and the API all
call it. The mapping has two parts::

    {
      "figures": {"procurement_planned": "1000000.00",                  # a bare value, or
                  "procurement_actual": {"value": "900000", "source": "决算报表"}, ...},
      "checklist": {"budget_rationality": {"points": "4", "reason": "…"}, ...},
    }

Formula items (marked * in DOMAIN) are computed from figures; checklist items take the
evaluator's points and a written reason. Each item's points are rounded to 0.01 on their own
(half up); level totals and the total are sums of the rounded items, so every total equals the
sum of its parts as shown.

Decisions where DOMAIN is silent, so that they are written down once:

* 绩效目标完整性 and 重点工作完成情况 are rules on a count ("minus 1 per project", "minus 4 per
  task"), so they are computed from that count, never below 0.
* 财务合规性: the adjustment part loses 0.1 per percentage point above 10 %, pro rata
  (13.5 % → 1 - 0.35 = 0.65), never below 0.
* 政府采购执行情况: nothing planned and nothing bought is full execution.
* 公用经费控制率: a ratio of exactly 90 % or 100 % scores 2; nothing budgeted and nothing spent
  scores 3.
* 预算执行率: the rate of quarter q is cumulative spending / adjusted budget, compared with
  25 % x q. Each quarter scores min(rate / (25 % x q), 1); the average of the four
  rate / (25 % x q), times 2, capped at 2, is added.
* 项目完成及时性: no planned project scores full points.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.errors import BusinessRuleError

from .scoring import grade_of

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")

FigureKind = Literal["yuan", "count", "percent", "flag"]


@dataclass(frozen=True)
class Figure:
    key: str
    label: Promise
    kind: FigureKind


@dataclass(frozen=True)
class Item:
    key: str
    level2: str
    name: Promise
    max_points: Decimal
    rule: Promise
    figures: tuple[str, ...] = ()  # empty for a checklist item
    step: Decimal = CENT  # checklist: points come in multiples of this

    @property
    def is_formula(self) -> bool:
        return bool(self.figures)


@dataclass(frozen=True)
class Level:
    key: str
    name: Promise
    parent: str = ""


LEVEL1 = (
    Level("decision", _("Department decision-making")),
    Level("management", _("Department management")),
    Level("results", _("Department performance")),
)
LEVEL2 = (
    Level("budgeting", _("Budget preparation"), "decision"),
    Level("target_setting", _("Target setting"), "decision"),
    Level("funds", _("Funds management"), "management"),
    Level("project_management", _("Project management"), "management"),
    Level("assets", _("Asset management"), "management"),
    Level("staff", _("Staff management"), "management"),
    Level("rules", _("Management rules"), "management"),
    Level("economy", _("Economy"), "results"),
    Level("efficiency", _("Efficiency"), "results"),
    Level("effectiveness", _("Effectiveness"), "results"),
    Level("fairness", _("Fairness"), "results"),
)
PARENT = {level.key: level.parent for level in LEVEL2}

FIGURES: dict[str, Figure] = {
    f.key: f
    for f in (
        Figure("projects_without_proper_targets", _("Projects without proper targets"), "count"),
        Figure("procurement_planned", _("Planned government procurement (yuan)"), "yuan"),
        Figure("procurement_actual", _("Actual government procurement (yuan)"), "yuan"),
        Figure("procurement_policy_followed", _("Procurement policies followed"), "flag"),
        Figure("spending_compliant", _("Spending complies with the rules"), "flag"),
        Figure("budget_initial", _("Initial budget (yuan)"), "yuan"),
        Figure("budget_adjusted", _("Adjusted budget (yuan)"), "yuan"),
        Figure("accounting_compliant", _("Accounting complies with the rules"), "flag"),
        Figure("fixed_assets_total", _("Fixed assets, original value (yuan)"), "yuan"),
        Figure("fixed_assets_in_use", _("Fixed assets in use (yuan)"), "yuan"),
        Figure("headcount_authorised", _("Authorised headcount"), "count"),
        Figure("headcount_actual", _("Staff on the establishment"), "count"),
        Figure("staff_outsourced", _("Staff outside the establishment"), "count"),
        Figure("three_public_budget", _("Three public expenses, budget (yuan)"), "yuan"),
        Figure("three_public_actual", _("Three public expenses, actual (yuan)"), "yuan"),
        Figure("public_budget", _("Daily public expenses, budget (yuan)"), "yuan"),
        Figure("public_actual", _("Daily public expenses, actual (yuan)"), "yuan"),
        Figure("spending_q1", _("Spending to the end of Q1, cumulative (yuan)"), "yuan"),
        Figure("spending_q2", _("Spending to the end of Q2, cumulative (yuan)"), "yuan"),
        Figure("spending_q3", _("Spending to the end of Q3, cumulative (yuan)"), "yuan"),
        Figure("spending_q4", _("Spending to the end of Q4, cumulative (yuan)"), "yuan"),
        Figure("key_tasks_unfinished", _("Key tasks not finished"), "count"),
        Figure("projects_planned", _("Projects planned"), "count"),
        Figure("projects_on_time", _("Projects completed on time"), "count"),
        Figure("satisfaction_rate", _("Satisfaction of the public or service recipients (%)"), "percent"),
    )
}

ITEMS: tuple[Item, ...] = (
    Item(
        "budget_rationality",
        "budgeting",
        _("Rationality of budget preparation"),
        Decimal(5),
        _("1 point per satisfied clause"),
        step=ONE,
    ),
    Item(
        "budget_conformity",
        "budgeting",
        _("Conformity of budget preparation"),
        Decimal(5),
        _("1 point per satisfied clause"),
        step=ONE,
    ),
    Item(
        "target_completeness",
        "target_setting",
        _("Completeness of performance targets"),
        Decimal(3),
        _("3, minus 1 per project without proper targets"),
        figures=("projects_without_proper_targets",),
    ),
    Item(
        "indicator_clarity",
        "target_setting",
        _("Clarity of performance indicators"),
        Decimal(7),
        _("checklist"),
    ),
    Item(
        "procurement",
        "funds",
        _("Execution of government procurement"),
        Decimal(2),
        _("actual / planned procurement x 1 (0 if actual > planned) + 1 for procurement policy"),
        figures=("procurement_planned", "procurement_actual", "procurement_policy_followed"),
    ),
    Item(
        "financial_compliance",
        "funds",
        _("Financial compliance"),
        Decimal(3),
        _(
            "1 spending compliance + 1 adjustment control + 1 accounting; adjustment rate "
            "|adjusted - initial| / adjusted: within 10 % 1, else minus 0.1 per point above 10"
        ),
        figures=("spending_compliant", "budget_initial", "budget_adjusted", "accounting_compliant"),
    ),
    Item(
        "disclosure",
        "funds",
        _("Disclosure of budgets and final accounts"),
        Decimal(3),
        _("1.5 budget + 1.5 final accounts"),
        step=Decimal("1.5"),
    ),
    Item(
        "project_procedure",
        "project_management",
        _("Project implementation procedure"),
        Decimal(2),
        _("checklist"),
    ),
    Item("project_supervision", "project_management", _("Project supervision"), Decimal(2), _("checklist")),
    Item("asset_safety", "assets", _("Safety of asset management"), Decimal(2), _("checklist")),
    Item(
        "asset_utilisation",
        "assets",
        _("Utilisation of fixed assets"),
        ONE,
        _("in use / total: ≥ 90 % 1, ≥ 75 % 0.7, ≥ 60 % 0.4, else 0"),
        figures=("fixed_assets_total", "fixed_assets_in_use"),
    ),
    Item(
        "staff_control",
        "staff",
        _("Control of publicly funded staff"),
        ONE,
        _("actual / authorised headcount ≤ 100 % 1, else 0"),
        figures=("headcount_authorised", "headcount_actual"),
    ),
    Item(
        "outsourced_control",
        "staff",
        _("Control of staff outside the establishment"),
        ONE,
        _("outside / all staff: < 5 % 1, ≤ 10 % 0.5, else 0"),
        figures=("headcount_actual", "staff_outsourced"),
    ),
    Item(
        "management_rules",
        "rules",
        _("Soundness of management rules"),
        Decimal(3),
        _("0.5 + 1.5 + 1 checklist"),
        step=Decimal("0.5"),
    ),
    Item(
        "public_funds_control",
        "economy",
        _("Control of public funds"),
        Decimal(6),
        _(
            "three public expenses and daily public expenses, actual / budget each: < 90 % 3, 90-100 % 2, > 100 % 0"
        ),
        figures=("three_public_budget", "three_public_actual", "public_budget", "public_actual"),
    ),
    Item(
        "budget_execution",
        "efficiency",
        _("Budget execution rate"),
        Decimal(6),
        _(
            "each quarter cumulative execution / 25, 50, 75, 100%, capped at 1; "
            "+ average of the four x 2, capped at 2"
        ),
        figures=("budget_adjusted", "spending_q1", "spending_q2", "spending_q3", "spending_q4"),
    ),
    Item(
        "key_tasks",
        "efficiency",
        _("Completion of key tasks"),
        Decimal(8),
        _("8, minus 4 per unfinished key task"),
        figures=("key_tasks_unfinished",),
    ),
    Item(
        "project_timeliness",
        "efficiency",
        _("Timely completion of projects"),
        Decimal(6),
        _("on-time projects / planned projects x 6"),
        figures=("projects_planned", "projects_on_time"),
    ),
    Item(
        "benefits",
        "effectiveness",
        _("Social, economic and ecological benefits, sustainable impact"),
        Decimal(25),
        _("from the unit's own indicators, evaluator's judgement"),
    ),
    Item("petitions", "fairness", _("Handling of public petitions"), Decimal(3), _("checklist")),
    Item(
        "satisfaction",
        "fairness",
        _("Satisfaction of the public or service recipients"),
        Decimal(6),
        _("≥ 95 % 6, ≥ 90 % 4, ≥ 80 % 2, else 1"),
        figures=("satisfaction_rate",),
    ),
)
ITEM_BY_KEY = {item.key: item for item in ITEMS}
TOTAL_POINTS = sum((item.max_points for item in ITEMS), ZERO)


def level2_max(level2: str) -> Decimal:
    return sum((i.max_points for i in ITEMS if i.level2 == level2), ZERO)


def level1_max(level1: str) -> Decimal:
    return sum((i.max_points for i in ITEMS if PARENT[i.level2] == level1), ZERO)


# --- Results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemScore:
    item: Item
    points: Decimal | None  # None: not scored, an input is missing or invalid
    working: str = ""  # how the points came about, in figures
    reason: str = ""  # the evaluator's written reason (checklist items)


@dataclass
class DepartmentScore:
    items: list[ItemScore]
    errors: dict[str, str] = field(default_factory=dict)  # input key → what is wrong with it
    missing: list[str] = field(default_factory=list)  # input keys not given

    @property
    def complete(self) -> bool:
        return not self.errors and not self.missing

    @property
    def total(self) -> Decimal:
        return sum((s.points or ZERO for s in self.items), ZERO)

    def level2_points(self, level2: str) -> Decimal:
        return sum((s.points or ZERO for s in self.items if s.item.level2 == level2), ZERO)

    def level1_points(self, level1: str) -> Decimal:
        return sum((s.points or ZERO for s in self.items if PARENT[s.item.level2] == level1), ZERO)

    @property
    def grade(self) -> str | None:
        return grade_of(self.total) if self.complete else None

    def item(self, key: str) -> ItemScore:
        return next(s for s in self.items if s.item.key == key)


class RubricInputError(BusinessRuleError):
    """The inputs cannot be scored; ``params["errors"]`` maps each bad key to what is wrong."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(
            "rubric_inputs_invalid", _("Some inputs of the rubric are missing or invalid."), errors=errors
        )


# --- Scoring --------------------------------------------------------------------------------


def score_department(inputs: Mapping[str, Any], *, partial: bool = False) -> DepartmentScore:
    """Score a department from its inputs.

    With ``partial`` an incomplete mapping is scored as far as it goes (the pages show a draft);
    without it, any missing or invalid input raises :class:`RubricInputError`.
    """
    raw_figures = inputs.get("figures") or {}
    raw_checklist = inputs.get("checklist") or {}
    errors: dict[str, str] = {}
    unknown = set(raw_figures) - set(FIGURES) | {
        f"checklist.{k}" for k in set(raw_checklist) - set(ITEM_BY_KEY)
    }
    for key in sorted(unknown):
        errors[key] = str(_("unknown input"))
    figures = _figures(raw_figures, errors)
    missing = [key for key in FIGURES if key not in figures and key not in errors]

    items: list[ItemScore] = []
    for item in ITEMS:
        if item.is_formula:
            if any(key not in figures for key in item.figures):
                items.append(ItemScore(item, None))
                continue
            try:
                exact, working = FORMULAS[item.key](figures)
            except _Invalid as exc:
                errors[exc.key] = str(exc.message)
                items.append(ItemScore(item, None))
                continue
            items.append(ItemScore(item, _round(exact), working))
        else:
            items.append(_checklist(item, raw_checklist.get(item.key), errors, missing))
    result = DepartmentScore(items=items, errors=errors, missing=missing)
    if not partial and not result.complete:
        raise RubricInputError({**dict.fromkeys(missing, str(_("missing"))), **errors})
    return result


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class _Invalid(Exception):
    def __init__(self, key: str, message: Promise) -> None:
        self.key = key
        self.message = message


def _figures(raw: Mapping[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, figure in FIGURES.items():
        if key not in raw:
            continue
        value = raw[key]
        if isinstance(value, Mapping):
            value = value.get("value")
        if value is None or value == "":
            continue
        try:
            values[key] = _parse(figure, value)
        except _Invalid as exc:
            errors[key] = str(exc.message)
    return values


def _parse(figure: Figure, value: Any) -> Any:
    if figure.kind == "flag":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"true", "1", "yes", "是"}:
            return True
        if text in {"false", "0", "no", "否"}:
            return False
        raise _Invalid(figure.key, _("expected yes or no"))
    if isinstance(value, bool):
        raise _Invalid(figure.key, _("expected a number"))
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise _Invalid(figure.key, _("expected a number")) from None
    if not number.is_finite():
        raise _Invalid(figure.key, _("expected a number"))
    if number < 0:
        raise _Invalid(figure.key, _("must not be negative"))
    if figure.kind == "count" and number != number.to_integral_value():
        raise _Invalid(figure.key, _("expected a whole number"))
    if figure.kind == "percent" and number > HUNDRED:
        raise _Invalid(figure.key, _("a percentage cannot exceed 100"))
    return number


def _checklist(item: Item, raw: Any, errors: dict[str, str], missing: list[str]) -> ItemScore:
    key = f"checklist.{item.key}"
    if not isinstance(raw, Mapping) or raw.get("points") in (None, ""):
        missing.append(key)
        return ItemScore(item, None)
    reason = str(raw.get("reason") or "").strip()
    try:
        value = Decimal(str(raw["points"]).strip())
    except InvalidOperation:
        errors[key] = str(_("expected a number"))
        return ItemScore(item, None)
    if not value.is_finite() or not ZERO <= value <= item.max_points:
        errors[key] = str(_("points must be between 0 and %(max)s") % {"max": item.max_points})
    elif value % item.step != 0:
        errors[key] = str(_("points come in steps of %(step)s") % {"step": item.step})
    elif not reason:
        errors[key] = str(_("a written reason is required"))
    else:
        return ItemScore(item, _round(value), reason=reason)
    return ItemScore(item, None, reason=reason)


# --- The formula items, in figures ----------------------------------------------------------


def _pct(value: Decimal) -> str:
    return f"{_round(value * HUNDRED)}%"


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal:
    return numerator / denominator


def _target_completeness(f: Mapping[str, Any]) -> tuple[Decimal, str]:
    n = f["projects_without_proper_targets"]
    value = max(ZERO, Decimal(3) - n)
    return value, f"3 - 1 x {n} → {value}"


def _procurement(f: Mapping[str, Any]) -> tuple[Decimal, str]:
    planned, actual, policy = (
        f["procurement_planned"],
        f["procurement_actual"],
        f["procurement_policy_followed"],
    )
    policy_points = ONE if policy else ZERO
    if actual > planned:
        execution, working = ZERO, f"{_yuan(actual)} > {_yuan(planned)} → 0"
    elif planned == 0:
        execution, working = ONE, "0 / 0 → 1"
    else:
        execution = _ratio(actual, planned)
        working = f"{_yuan(actual)} / {_yuan(planned)} = {_pct(execution)} x 1"
    return execution + policy_points, f"{working} + {policy_points}"


def _financial_compliance(f: Mapping[str, Any]) -> tuple[Decimal, str]:
    initial, adjusted = f["budget_initial"], f["budget_adjusted"]
    if adjusted == 0:
        raise _Invalid("budget_adjusted", _("must be greater than 0"))
    rate = abs(adjusted - initial) / adjusted * HUNDRED
    adjustment = ONE if rate <= 10 else max(ZERO, ONE - Decimal("0.1") * (rate - 10))
    spending = ONE if f["spending_compliant"] else ZERO
    accounting = ONE if f["accounting_compliant"] else ZERO
    rate_text = f"{_round(rate)}%"
    working = (
        f"{spending} + (|{_yuan(adjusted)} - {_yuan(initial)}| / {_yuan(adjusted)} = {rate_text} → "
        f"{_round(adjustment)}) + {accounting}"
    )
    return spending + adjustment + accounting, working


def _asset_utilisation(f: Mapping[str, Any]) -> tuple[Decimal, str]:
    total, in_use = f["fixed_assets_total"], f["fixed_assets_in_use"]
    if total == 0:
        raise _Invalid("fixed_assets_total", _("must be greater than 0"))
    if in_use > total:
        raise _Invalid("fixed_assets_in_use", _("cannot exceed the total"))
    share = _ratio(in_use, total) * HUNDRED
    value = next(
        (p for floor, p in ((90, ONE), (75, Decimal("0.7")), (60, Decimal("0.4"))) if share >= floor), ZERO
    )
    return value, f"{_yuan(in_use)} / {_yuan(total)} = {_round(share)}% → {value}"


def _staff_control(f: Mapping[str, Any]) -> tuple[Decimal, str]:
    authorised, actual = f["headcount_authorised"], f["headcount_actual"]
    if authorised == 0:
        raise _Invalid("headcount_authorised", _("must be greater than 0"))
    share = _ratio(actual, authorised) * HUNDRED
    value = ONE if share <= HUNDRED else ZERO
    return value, f"{actual} / {authorised} = {_round(share)}% → {value}"


def _outsourced_control(f: Mapping[str, Any]) -> tuple[Decimal, str]:
    actual, outsourced = f["headcount_actual"], f["staff_outsourced"]
    all_staff = actual + outsourced
    if all_staff == 0:
        raise _Invalid("headcount_actual", _("there must be some staff"))
    share = _ratio(outsourced, all_staff) * HUNDRED
    value = ONE if share < 5 else Decimal("0.5") if share <= 10 else ZERO
    return value, f"{outsourced} / ({actual} + {outsourced}) = {_round(share)}% → {value}"


def _control_band(actual: Decimal, budget: Decimal) -> tuple[Decimal, str]:
    if budget == 0:
        return (Decimal(3), "0 / 0 → 3") if actual == 0 else (ZERO, f"{_yuan(actual)} / 0 → 0")
    share = _ratio(actual, budget) * HUNDRED
    value = Decimal(3) if share < 90 else Decimal(2) if share <= 100 else ZERO
    return value, f"{_yuan(actual)} / {_yuan(budget)} = {_round(share)}% → {value}"


def _public_funds_control(f: Mapping[str, Any]) -> tuple[Decimal, str]:
    three, three_text = _control_band(f["three_public_actual"], f["three_public_budget"])
    public, public_text = _control_band(f["public_actual"], f["public_budget"])
    return three + public, f"{three_text}; {public_text}"


QUARTER_TARGETS = (Decimal("0.25"), Decimal("0.50"), Decimal("0.75"), ONE)


def _budget_execution(f: Mapping[str, Any]) -> tuple[Decimal, str]:
    budget = f["budget_adjusted"]
    if budget == 0:
        raise _Invalid("budget_adjusted", _("must be greater than 0"))
    spent = [f[f"spending_q{q}"] for q in (1, 2, 3, 4)]
    for q in (1, 2, 3):
        if spent[q] < spent[q - 1]:
            raise _Invalid(
                f"spending_q{q + 1}", _("cumulative spending cannot fall from one quarter to the next")
            )
    progress = [_ratio(s, budget) / target for s, target in zip(spent, QUARTER_TARGETS, strict=True)]
    quarters = sum((min(p, ONE) for p in progress), ZERO)
    average = sum(progress, ZERO) / 4
    bonus = min(average * 2, Decimal(2))
    parts = " + ".join(str(_round(min(p, ONE))) for p in progress)
    return (
        quarters + bonus,
        f"{parts} + min({_round(average * HUNDRED)}% x 2, 2) = {_round(quarters + bonus)}",
    )


def _key_tasks(f: Mapping[str, Any]) -> tuple[Decimal, str]:
    n = f["key_tasks_unfinished"]
    value = max(ZERO, Decimal(8) - 4 * n)
    return value, f"8 - 4 x {n} → {value}"


def _project_timeliness(f: Mapping[str, Any]) -> tuple[Decimal, str]:
    planned, on_time = f["projects_planned"], f["projects_on_time"]
    if on_time > planned:
        raise _Invalid("projects_on_time", _("cannot exceed the projects planned"))
    if planned == 0:
        return Decimal(6), "0 / 0 → 6"
    return _ratio(on_time, planned) * 6, f"{on_time} / {planned} x 6"


def _satisfaction(f: Mapping[str, Any]) -> tuple[Decimal, str]:
    rate = f["satisfaction_rate"]
    value = next((p for floor, p in ((95, 6), (90, 4), (80, 2)) if rate >= floor), 1)
    return Decimal(value), f"{rate}% → {value}"


FORMULAS: dict[str, Callable[[Mapping[str, Any]], tuple[Decimal, str]]] = {
    "target_completeness": _target_completeness,
    "procurement": _procurement,
    "financial_compliance": _financial_compliance,
    "asset_utilisation": _asset_utilisation,
    "staff_control": _staff_control,
    "outsourced_control": _outsourced_control,
    "public_funds_control": _public_funds_control,
    "budget_execution": _budget_execution,
    "key_tasks": _key_tasks,
    "project_timeliness": _project_timeliness,
    "satisfaction": _satisfaction,
}

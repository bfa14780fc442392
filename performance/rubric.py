"""The department-wide 100-point rubric (部门整体支出绩效评价指标体系, DOMAIN §8), one pure module.

``score_department(inputs)`` scores an evaluated scope from a plain mapping; pages, the xlsx and
the API all call it. The mapping has three parts::

    {
      "figures": {"procurement_planned": "1000000.00",                  # a bare value, or
                  "procurement_actual": {"value": "900000", "source": "决算报表"}, ...},
      "deductions": {"procurement_policy": {"points": "0.5", "reason": "…"}, ...},
      "checklist": {"budget_rationality": {"points": "4", "reason": "…"}, ...},
    }

Items marked * in DOMAIN (``Item.computed``) and the items whose rule is a count or a status
(绩效目标完整性, 重点工作完成情况, 预决算信息公开) are scored from figures; the parts that DOMAIN lets
the evaluator cut at discretion (酌情扣分) are deductions, each with a written reason; the
checklist items take the evaluator's points and a written reason. Each item's points are rounded
to 0.01 on their own (half up); level totals and the total are sums of the rounded items, so
every total equals the sum of its parts as shown.

Decisions where DOMAIN is silent, so that they are written down once:

* 绩效目标完整性 and 重点工作完成情况 are rules on a count ("minus 1 per project", "minus 4 per
  task"), so they are computed from that count, never below 0.
* Deductions (the procurement-policy point, the spending-compliance and accounting points of
  财务合规性): any amount in fen from 0 to the part's point; a deduction above 0 needs a written
  reason; 0 must still be entered (the evaluator has looked), so a blank one is missing.
* 财务合规性: the adjustment part loses 0.1 per percentage point above 10 %, pro rata
  (13.5 % → 1 - 0.35 = 0.65), never below 0. Out-of-scope spending, false expenditure or diverted
  funds (one yes/no figure) set the whole item to 0, whatever the parts.
* 预决算信息公开: each disclosure is on time and complete (1.5), published late or incomplete (1)
  or not published (0); a unit exempt by secrecy rules scores 3 and names the rule as the
  figure's source. The exemption is always answered, yes or no.
* 政府采购执行情况: nothing planned and nothing bought is full execution.
* 公用经费控制率: a ratio of exactly 90 % or 100 % scores 2; nothing budgeted and nothing spent
  scores 3.
* 预算执行率: the quarterly cumulative rates are either entered as percentages (as the finance
  system reports them, their base the adjusted budget of the evaluated scope) or computed from
  cumulative spending / adjusted budget; both at once is an error, never a silent choice. A rate
  above 100 % (spending above the adjusted budget) is refused: the base is wrong. Each quarter
  scores min(rate / (25 % x q), 1); the average of the four rate / (25 % x q), times 2, capped
  at 2, is added (the cap only means something on that reading).
* 项目完成及时性: no planned project scores full points.
* 公众或服务对象满意度: a survey rate, or a band the evaluator picks from other evidence, which
  the band's source names; both at once is an error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from budgets.money import parse_amount
from core.errors import BusinessRuleError

from .scoring import grade_of

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
# A count (people, projects, tasks) above this is a typing error, not a department.
MAX_COUNT = 100_000

FigureKind = Literal["yuan", "count", "percent", "flag", "choice"]


@dataclass(frozen=True)
class Figure:
    key: str
    label: Promise
    kind: FigureKind
    unit: Promise | str = ""  # shown beside the input: 元, 人, 个, %
    choices: tuple[tuple[str, Promise], ...] = ()  # kind "choice": (value, label)
    help: Promise | str = ""


@dataclass(frozen=True)
class Deduction:
    """A part of an item the evaluator may cut at discretion (酌情扣分), with a written reason."""

    key: str
    item: str
    label: Promise
    max_points: Decimal


@dataclass(frozen=True)
class Item:
    key: str
    level2: str
    name: Promise
    max_points: Decimal
    rule: Promise
    figures: tuple[str, ...] = ()  # empty for a checklist item
    step: Decimal = CENT  # checklist: points come in multiples of this
    computed: bool = False  # marked * in DOMAIN §8

    @property
    def is_formula(self) -> bool:
        """Scored by a rule from figures and deductions, not by the evaluator's points."""
        return bool(self.figures)

    @property
    def deductions(self) -> tuple[Deduction, ...]:
        return tuple(d for d in DEDUCTIONS.values() if d.item == self.key)


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

YUAN = pgettext_lazy("unit", "yuan")
PERSONS = pgettext_lazy("unit", "persons")
PIECES = pgettext_lazy("unit", "projects")
TASKS = pgettext_lazy("unit", "tasks")

DISCLOSURE_POINTS = {"on_time": Decimal("1.5"), "late_or_incomplete": ONE, "not_published": ZERO}
DISCLOSURE_CHOICES = (
    ("on_time", _("published on time and complete (1.5)")),
    ("late_or_incomplete", _("published, but late or incomplete (1)")),
    ("not_published", _("not published (0)")),
)
SATISFACTION_BANDS = ((95, Decimal(6)), (90, Decimal(4)), (80, Decimal(2)))
SATISFACTION_BAND_POINTS = {"95": Decimal(6), "90": Decimal(4), "80": Decimal(2), "below": ONE}
SATISFACTION_CHOICES = (
    ("95", _("95 % or more (6)")),
    ("90", _("90 % to under 95 % (4)")),
    ("80", _("80 % to under 90 % (2)")),
    ("below", _("under 80 % (1)")),
)
QUARTERS = (1, 2, 3, 4)
RATE_BASE = _("base: the adjusted budget of the evaluated scope")


def quarterly(
    key: str, labels: tuple[Promise, ...], kind: FigureKind, unit: Promise | str, help: Promise | str = ""
) -> tuple[Figure, ...]:
    """The four cumulative figures of one kind, ``<key>_q1`` … ``<key>_q4`` (DOMAIN §8: 预算执行率
    is read quarter by quarter); the labels are whole sentences, one a quarter, for translation."""
    return tuple(
        Figure(f"{key}_q{q}", label, kind, unit, help=help) for q, label in zip(QUARTERS, labels, strict=True)
    )


FIGURES: dict[str, Figure] = {
    f.key: f
    for f in (
        Figure("projects_without_proper_targets", _("Projects without proper targets"), "count", PIECES),
        Figure("procurement_planned", _("Planned government procurement"), "yuan", YUAN),
        Figure("procurement_actual", _("Actual government procurement"), "yuan", YUAN),
        Figure("budget_initial", _("Initial budget"), "yuan", YUAN),
        Figure("budget_adjusted", _("Adjusted budget"), "yuan", YUAN),
        Figure(
            "funds_misused",
            _("Out-of-scope spending, false expenditure or diverted funds found"),
            "flag",
            help=_("yes sets the whole item to 0"),
        ),
        Figure("disclosure_budget", _("Budget disclosure"), "choice", choices=DISCLOSURE_CHOICES),
        Figure("disclosure_final", _("Final accounts disclosure"), "choice", choices=DISCLOSURE_CHOICES),
        Figure(
            "disclosure_exempt",
            _("Exempt from disclosure by secrecy rules"),
            "flag",
            help=_("yes: full points; name the secrecy rule as the source"),
        ),
        Figure("fixed_assets_total", _("Fixed assets, original value"), "yuan", YUAN),
        Figure("fixed_assets_in_use", _("Fixed assets in use"), "yuan", YUAN),
        Figure("headcount_authorised", _("Authorised headcount"), "count", PERSONS),
        Figure("headcount_actual", _("Staff on the establishment at year end"), "count", PERSONS),
        Figure("staff_outsourced", _("Staff outside the establishment at year end"), "count", PERSONS),
        Figure("three_public_budget", _("Three public expenses, budget"), "yuan", YUAN),
        Figure("three_public_actual", _("Three public expenses, actual"), "yuan", YUAN),
        Figure("public_budget", _("Daily public expenses, budget"), "yuan", YUAN),
        Figure("public_actual", _("Daily public expenses, actual"), "yuan", YUAN),
        *quarterly(
            "spending",
            (
                _("Spending to the end of Q1, cumulative"),
                _("Spending to the end of Q2, cumulative"),
                _("Spending to the end of Q3, cumulative"),
                _("Spending to the end of Q4, cumulative"),
            ),
            "yuan",
            YUAN,
        ),
        *quarterly(
            "execution_rate",
            (
                _("Execution rate to the end of Q1, cumulative"),
                _("Execution rate to the end of Q2, cumulative"),
                _("Execution rate to the end of Q3, cumulative"),
                _("Execution rate to the end of Q4, cumulative"),
            ),
            "percent",
            "%",
            help=RATE_BASE,
        ),
        Figure("key_tasks_unfinished", _("Key tasks not finished"), "count", TASKS),
        Figure("projects_planned", _("Projects planned"), "count", PIECES),
        Figure("projects_on_time", _("Projects completed on time"), "count", PIECES),
        Figure(
            "satisfaction_rate",
            _("Satisfaction from a survey"),
            "percent",
            "%",
            help=_("or pick a band from other evidence below, not both"),
        ),
        Figure(
            "satisfaction_band",
            _("Satisfaction band from other evidence"),
            "choice",
            choices=SATISFACTION_CHOICES,
            help=_(
                "where no survey was run: name the evidence (statistics bureau data, democratic appraisal results, complaints)"
            ),
        ),
    )
}

DEDUCTIONS: dict[str, Deduction] = {
    d.key: d
    for d in (
        Deduction("procurement_policy", "procurement", _("Deduction from the procurement-policy point"), ONE),
        Deduction(
            "spending_compliance", "financial_compliance", _("Deduction from spending compliance"), ONE
        ),
        Deduction("accounting", "financial_compliance", _("Deduction from accounting"), ONE),
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
        _(
            "actual / planned procurement x 1 (0 if actual > planned) + 1 for procurement policy, "
            "partial deductions allowed"
        ),
        figures=("procurement_planned", "procurement_actual"),
        computed=True,
    ),
    Item(
        "financial_compliance",
        "funds",
        _("Financial compliance"),
        Decimal(3),
        _(
            "1 spending compliance + 1 adjustment control + 1 accounting, compliance and accounting "
            "with partial deductions; adjustment rate |adjusted - initial| / adjusted: within 10 % 1, "
            "else minus 0.1 per point above 10; out-of-scope spending, false expenditure or diverted "
            "funds: the whole item 0"
        ),
        figures=("funds_misused", "budget_initial", "budget_adjusted"),
        computed=True,
    ),
    Item(
        "disclosure",
        "funds",
        _("Disclosure of budgets and final accounts"),
        Decimal(3),
        _(
            "budget and final accounts each: on time and complete 1.5, late or incomplete 1, "
            "not published 0; exempt by secrecy rules: full points"
        ),
        figures=("disclosure_exempt", "disclosure_budget", "disclosure_final"),
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
        computed=True,
    ),
    Item(
        "staff_control",
        "staff",
        _("Control of publicly funded staff"),
        ONE,
        _("actual / authorised headcount ≤ 100 % 1, else 0"),
        figures=("headcount_authorised", "headcount_actual"),
        computed=True,
    ),
    Item(
        "outsourced_control",
        "staff",
        _("Control of staff outside the establishment"),
        ONE,
        _("outside / all staff: < 5 % 1, ≤ 10 % 0.5, else 0"),
        figures=("headcount_actual", "staff_outsourced"),
        computed=True,
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
        computed=True,
    ),
    Item(
        "budget_execution",
        "efficiency",
        _("Budget execution rate"),
        Decimal(6),
        _(
            "each quarter cumulative execution / 25, 50, 75, 100%, capped at 1; "
            "+ average of the four x 2, capped at 2; the rates entered directly or computed from "
            "cumulative spending, their base the adjusted budget of the evaluated scope"
        ),
        figures=(
            "budget_adjusted",
            *(f"execution_rate_q{q}" for q in QUARTERS),
            *(f"spending_q{q}" for q in QUARTERS),
        ),
        computed=True,
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
        computed=True,
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
        _(
            "≥ 95 % 6, ≥ 90 % 4, ≥ 80 % 2, else 1; from a survey, or where none was run a band "
            "picked from other evidence"
        ),
        figures=("satisfaction_rate", "satisfaction_band"),
        computed=True,
    ),
)
ITEM_BY_KEY = {item.key: item for item in ITEMS}
TOTAL_POINTS = sum((item.max_points for item in ITEMS), ZERO)


def level2_max(level2: str) -> Decimal:
    return sum((i.max_points for i in ITEMS if i.level2 == level2), ZERO)


def level1_max(level1: str) -> Decimal:
    return sum((i.max_points for i in ITEMS if PARENT[i.level2] == level1), ZERO)


def deduction_key(key: str) -> str:
    return f"deductions.{key}"


def checklist_key(key: str) -> str:
    return f"checklist.{key}"


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


# --- Reading the inputs ---------------------------------------------------------------------


class _Invalid(Exception):
    def __init__(self, key: str, message: Promise | str) -> None:
        self.key = key
        self.message = message


class _Missing(Exception):
    def __init__(self, *keys: str) -> None:
        self.keys = keys


@dataclass
class Facts:
    """The parsed figures and deductions, as the rules read them: asking for one that is not
    there raises, so an item's missing inputs are the ones its rule needed."""

    values: dict[str, Any]
    sources: dict[str, str]
    deductions: dict[str, tuple[Decimal, str]]

    def __getitem__(self, key: str) -> Any:
        if key not in self.values:
            raise _Missing(key)
        return self.values[key]

    def given(self, key: str) -> bool:
        return key in self.values

    def deduction(self, key: str) -> Decimal:
        if key not in self.deductions:
            raise _Missing(deduction_key(key))
        return self.deductions[key][0]


def score_department(inputs: Mapping[str, Any], *, partial: bool = False) -> DepartmentScore:
    """Score a department from its inputs.

    With ``partial`` an incomplete mapping is scored as far as it goes (the pages show a draft);
    without it, any missing or invalid input raises :class:`RubricInputError`.
    """
    raw_figures = inputs.get("figures") or {}
    raw_deductions = inputs.get("deductions") or {}
    raw_checklist = inputs.get("checklist") or {}
    errors: dict[str, str] = {}
    unknown = (
        (set(raw_figures) - set(FIGURES))
        | {deduction_key(k) for k in set(raw_deductions) - set(DEDUCTIONS)}
        | {checklist_key(k) for k in set(raw_checklist) - {i.key for i in ITEMS if not i.is_formula}}
    )
    for key in sorted(unknown):
        errors[key] = str(_("unknown input"))
    facts = Facts(*_figures(raw_figures, errors), _deductions(raw_deductions, errors))

    missing: list[str] = []
    items: list[ItemScore] = []
    for item in ITEMS:
        if not item.is_formula:
            items.append(_checklist(item, raw_checklist.get(item.key), errors, missing))
            continue
        try:
            exact, working = FORMULAS[item.key](facts)
        except _Missing as exc:
            missing += [k for k in exc.keys if k not in errors and k not in missing]
            items.append(ItemScore(item, None))
        except _Invalid as exc:
            errors.setdefault(exc.key, str(exc.message))
            items.append(ItemScore(item, None))
        else:
            if any(k in errors for k in item.figures) or any(
                deduction_key(d.key) in errors for d in item.deductions
            ):
                items.append(ItemScore(item, None))
            else:
                items.append(ItemScore(item, _round(exact), working))
    result = DepartmentScore(items=items, errors=errors, missing=missing)
    if not partial and not result.complete:
        raise RubricInputError({**dict.fromkeys(missing, str(_("missing"))), **errors})
    return result


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _value_and_source(value: Any) -> tuple[Any, str]:
    if isinstance(value, Mapping):
        return value.get("value"), str(value.get("source") or "").strip()
    return value, ""


def _figures(raw: Mapping[str, Any], errors: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for key, figure in FIGURES.items():
        if key not in raw:
            continue
        value, source = _value_and_source(raw[key])
        if value is None or value == "":
            continue
        try:
            values[key] = parse_figure(figure, value)
            sources[key] = source
        except _Invalid as exc:
            errors[key] = str(exc.message)
    return values, sources


def _number(key: str, value: Any) -> Decimal:
    if isinstance(value, bool):
        raise _Invalid(key, _("expected a number"))
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise _Invalid(key, _("expected a number")) from None
    if not number.is_finite():
        raise _Invalid(key, _("expected a number"))
    if number < 0:
        raise _Invalid(key, _("must not be negative"))
    return number


def parse_figure(figure: Figure, value: Any) -> Any:
    """One figure's value from a form, the API or the stored inputs; refuses with a message."""
    if figure.kind == "flag":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"true", "1", "yes", "是"}:
            return True
        if text in {"false", "0", "no", "否"}:
            return False
        raise _Invalid(figure.key, _("expected yes or no"))
    if figure.kind == "choice":
        text = str(value).strip()
        if text not in dict(figure.choices):
            raise _Invalid(figure.key, _("pick one of the listed options"))
        return text
    if figure.kind == "yuan":
        number = _number(figure.key, value)
        try:
            return parse_amount(number)
        except ValueError as exc:
            if str(exc) == "too large":
                raise _Invalid(figure.key, _("too large for an amount in yuan: check the figure")) from None
            raise _Invalid(figure.key, _("an amount in yuan has at most two decimal places")) from None
    number = _number(figure.key, value)
    if figure.kind == "count":
        if number != number.to_integral_value():
            raise _Invalid(figure.key, _("expected a whole number"))
        if number > MAX_COUNT:
            raise _Invalid(figure.key, _("too large: check the figure"))
        return number.quantize(ONE)
    if number > HUNDRED:
        raise _Invalid(figure.key, _("a percentage cannot exceed 100"))
    return number


def _deductions(raw: Mapping[str, Any], errors: dict[str, str]) -> dict[str, tuple[Decimal, str]]:
    parsed: dict[str, tuple[Decimal, str]] = {}
    for key, deduction in DEDUCTIONS.items():
        entry = raw.get(key)
        if not isinstance(entry, Mapping) or entry.get("points") in (None, ""):
            continue
        name = deduction_key(key)
        reason = str(entry.get("reason") or "").strip()
        try:
            points = _number(name, entry["points"])
        except _Invalid as exc:
            errors[name] = str(exc.message)
            continue
        if points > deduction.max_points:
            errors[name] = str(
                _("a deduction cannot exceed the part's %(max)s points") % {"max": deduction.max_points}
            )
        elif points != points.quantize(CENT):
            errors[name] = str(_("points have at most two decimal places"))
        elif points > 0 and not reason:
            errors[name] = str(_("a deduction needs a written reason"))
        else:
            parsed[key] = (points, reason)
    return parsed


def _checklist(item: Item, raw: Any, errors: dict[str, str], missing: list[str]) -> ItemScore:
    key = checklist_key(item.key)
    if not isinstance(raw, Mapping) or raw.get("points") in (None, ""):
        missing.append(key)
        return ItemScore(item, None)
    reason = str(raw.get("reason") or "").strip()
    try:
        value = _number(key, raw["points"])
    except _Invalid as exc:
        errors[key] = str(exc.message)
        return ItemScore(item, None)
    if value > item.max_points:
        errors[key] = str(_("points must be between 0 and %(max)s") % {"max": item.max_points})
    elif value % item.step != 0:
        errors[key] = str(_("points come in steps of %(step)s") % {"step": item.step})
    elif not reason:
        errors[key] = str(_("a written reason is required"))
    else:
        return ItemScore(item, _round(value), reason=reason)
    return ItemScore(item, None, reason=reason)


# --- The rules, in figures -------------------------------------------------------------------


def _pct(value: Decimal) -> str:
    return f"{_round(value * HUNDRED)}%"


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


def _need(facts: Facts, *keys: str, deductions: tuple[str, ...] = ()) -> list[Any]:
    """Every figure (and deduction) a rule needs, all missing ones reported at once."""
    absent = [k for k in keys if not facts.given(k)]
    absent += [deduction_key(k) for k in deductions if k not in facts.deductions]
    if absent:
        raise _Missing(*absent)
    return [facts[k] for k in keys]


def _target_completeness(f: Facts) -> tuple[Decimal, str]:
    n = f["projects_without_proper_targets"]
    value = max(ZERO, Decimal(3) - n)
    return value, f"3 - 1 x {n} → {value}"


def _procurement(f: Facts) -> tuple[Decimal, str]:
    planned, actual = _need(
        f, "procurement_planned", "procurement_actual", deductions=("procurement_policy",)
    )
    policy = ONE - f.deduction("procurement_policy")
    if actual > planned:
        execution, working = ZERO, f"{_yuan(actual)} > {_yuan(planned)} → 0"
    elif planned == 0:
        execution, working = ONE, "0 / 0 → 1"
    else:
        execution = actual / planned
        working = f"{_yuan(actual)} / {_yuan(planned)} = {_pct(execution)} x 1"
    return execution + policy, f"{working} + (1 - {f.deduction('procurement_policy')})"


def adjustment_points(rate_percent: Decimal) -> Decimal:
    """The adjustment-control point of 财务合规性 for an adjustment rate in percent."""
    if rate_percent <= 10:
        return ONE
    return max(ZERO, ONE - Decimal("0.1") * (rate_percent - 10))


def _financial_compliance(f: Facts) -> tuple[Decimal, str]:
    if f.given("funds_misused") and f["funds_misused"]:
        return ZERO, str(_("out-of-scope spending, false expenditure or diverted funds → 0"))
    _misused, initial, adjusted = _need(
        f,
        "funds_misused",
        "budget_initial",
        "budget_adjusted",
        deductions=("spending_compliance", "accounting"),
    )
    if adjusted == 0:
        raise _Invalid("budget_adjusted", _("must be greater than 0"))
    spending_cut, accounting_cut = f.deduction("spending_compliance"), f.deduction("accounting")
    rate = abs(adjusted - initial) / adjusted * HUNDRED
    adjustment = adjustment_points(rate)
    working = (
        f"(1 - {spending_cut}) + (|{_yuan(adjusted)} - {_yuan(initial)}| / {_yuan(adjusted)} = "
        f"{_round(rate)}% → {_round(adjustment)}) + (1 - {accounting_cut})"
    )
    return (ONE - spending_cut) + adjustment + (ONE - accounting_cut), working


def _disclosure(f: Facts) -> tuple[Decimal, str]:
    if f["disclosure_exempt"]:
        if not f.sources.get("disclosure_exempt"):
            raise _Invalid(
                "disclosure_exempt", _("name the secrecy rule that exempts the unit as the source")
            )
        return Decimal(3), str(_("exempt by secrecy rules → 3"))
    budget, final = _need(f, "disclosure_budget", "disclosure_final")
    a, b = DISCLOSURE_POINTS[budget], DISCLOSURE_POINTS[final]
    return a + b, f"{a} + {b}"


def band(share: Decimal, bands: tuple[tuple[int, Decimal], ...], otherwise: Decimal) -> Decimal:
    """The points of the first band whose floor the share (in percent) reaches."""
    return next((points for floor, points in bands if share >= floor), otherwise)


ASSET_BANDS = ((90, ONE), (75, Decimal("0.7")), (60, Decimal("0.4")))


def _asset_utilisation(f: Facts) -> tuple[Decimal, str]:
    total, in_use = _need(f, "fixed_assets_total", "fixed_assets_in_use")
    if total == 0:
        raise _Invalid("fixed_assets_total", _("must be greater than 0"))
    if in_use > total:
        raise _Invalid("fixed_assets_in_use", _("cannot exceed the total"))
    share = in_use / total * HUNDRED
    value = band(share, ASSET_BANDS, ZERO)
    return value, f"{_yuan(in_use)} / {_yuan(total)} = {_round(share)}% → {value}"


def _staff_control(f: Facts) -> tuple[Decimal, str]:
    authorised, actual = _need(f, "headcount_authorised", "headcount_actual")
    if authorised == 0:
        raise _Invalid("headcount_authorised", _("must be greater than 0"))
    share = actual / authorised * HUNDRED
    value = ONE if share <= HUNDRED else ZERO
    return value, f"{actual} / {authorised} = {_round(share)}% → {value}"


def _outsourced_control(f: Facts) -> tuple[Decimal, str]:
    actual, outsourced = _need(f, "headcount_actual", "staff_outsourced")
    all_staff = actual + outsourced
    if all_staff == 0:
        raise _Invalid("headcount_actual", _("there must be some staff"))
    share = outsourced / all_staff * HUNDRED
    value = ONE if share < 5 else Decimal("0.5") if share <= 10 else ZERO
    return value, f"{outsourced} / ({actual} + {outsourced}) = {_round(share)}% → {value}"


def _control_band(actual: Decimal, budget: Decimal) -> tuple[Decimal, str]:
    if budget == 0:
        return (Decimal(3), "0 / 0 → 3") if actual == 0 else (ZERO, f"{_yuan(actual)} / 0 → 0")
    share = actual / budget * HUNDRED
    value = Decimal(3) if share < 90 else Decimal(2) if share <= 100 else ZERO
    return value, f"{_yuan(actual)} / {_yuan(budget)} = {_round(share)}% → {value}"


def _public_funds_control(f: Facts) -> tuple[Decimal, str]:
    three_budget, three_actual, budget, actual = _need(
        f, "three_public_budget", "three_public_actual", "public_budget", "public_actual"
    )
    three, three_text = _control_band(three_actual, three_budget)
    public, public_text = _control_band(actual, budget)
    return three + public, f"{three_text}; {public_text}"


QUARTER_TARGETS = (Decimal("0.25"), Decimal("0.50"), Decimal("0.75"), ONE)
RATE_KEYS = tuple(f"execution_rate_q{q}" for q in QUARTERS)
SPENDING_KEYS = tuple(f"spending_q{q}" for q in QUARTERS)


def execution_points(rates: list[Decimal]) -> Decimal:
    """预算执行率 from the four cumulative rates (fractions of the adjusted budget)."""
    progress = [r / target for r, target in zip(rates, QUARTER_TARGETS, strict=True)]
    return sum((min(p, ONE) for p in progress), ZERO) + min(sum(progress, ZERO) / 4 * 2, Decimal(2))


def _given_this_way(f: Facts, this: tuple[str, ...], other: tuple[str, ...], both: Promise) -> bool:
    """Whether a figure given one of two ways is given ``this`` way rather than the ``other``:
    exactly one of the two. Both: ``both`` on the first key given this way; neither: every key
    of both ways is missing."""
    given = [k for k in this if f.given(k)]
    if given and any(f.given(k) for k in other):
        raise _Invalid(given[0], both)
    if not given and not any(f.given(k) for k in other):
        raise _Missing(*other, *this)
    return bool(given)


def _budget_execution(f: Facts) -> tuple[Decimal, str]:
    by_rate = _given_this_way(
        f,
        RATE_KEYS,
        SPENDING_KEYS,
        _("enter the quarterly execution rates or the quarterly spending, not both: clear one of them"),
    )
    (budget,) = _need(f, "budget_adjusted")
    if by_rate:
        keys = RATE_KEYS
        rates = [value / HUNDRED for value in _need(f, *RATE_KEYS)]
        basis = f"{_yuan(budget)}"
    else:
        keys = SPENDING_KEYS
        if budget == 0:
            raise _Invalid("budget_adjusted", _("must be greater than 0"))
        spent = _need(f, *SPENDING_KEYS)
        if spent[-1] > budget:
            raise _Invalid("spending_q4", _("cumulative spending cannot exceed the adjusted budget"))
        rates = [s / budget for s in spent]
        basis = " / ".join(_yuan(s) for s in spent) + f" / {_yuan(budget)}"
    for q in (1, 2, 3):
        if rates[q] < rates[q - 1]:
            raise _Invalid(keys[q], _("a cumulative figure cannot fall from one quarter to the next"))
    if rates[-1] > ONE:
        raise _Invalid(keys[-1], _("cumulative spending cannot exceed the adjusted budget"))
    value = execution_points(rates)
    progress = [r / t for r, t in zip(rates, QUARTER_TARGETS, strict=True)]
    parts = " + ".join(str(_round(min(p, ONE))) for p in progress)
    average = sum(progress, ZERO) / 4
    shown = ", ".join(_pct(r) for r in rates)
    return value, f"{shown} ({basis}): {parts} + min({_pct(average)} x 2, 2) = {_round(value)}"


def _key_tasks(f: Facts) -> tuple[Decimal, str]:
    n = f["key_tasks_unfinished"]
    value = max(ZERO, Decimal(8) - 4 * n)
    return value, f"8 - 4 x {n} → {value}"


def _project_timeliness(f: Facts) -> tuple[Decimal, str]:
    planned, on_time = _need(f, "projects_planned", "projects_on_time")
    if on_time > planned:
        raise _Invalid("projects_on_time", _("cannot exceed the projects planned"))
    if planned == 0:
        return Decimal(6), "0 / 0 → 6"
    return on_time / planned * 6, f"{on_time} / {planned} x 6"


def _satisfaction(f: Facts) -> tuple[Decimal, str]:
    by_band = _given_this_way(
        f,
        ("satisfaction_band",),
        ("satisfaction_rate",),
        _("enter a survey rate or a band from other evidence, not both: clear one of them"),
    )
    if by_band:
        if not f.sources.get("satisfaction_band"):
            raise _Invalid(
                "satisfaction_band",
                _(
                    "name the evidence the band rests on (statistics bureau data, democratic appraisal results, complaints)"
                ),
            )
        value = SATISFACTION_BAND_POINTS[f["satisfaction_band"]]
        return value, f"{f.sources['satisfaction_band']} → {value}"
    rate = f["satisfaction_rate"]
    value = band(rate, SATISFACTION_BANDS, ONE)
    return value, f"{rate}% → {value}"


FORMULAS: dict[str, Callable[[Facts], tuple[Decimal, str]]] = {
    "target_completeness": _target_completeness,
    "procurement": _procurement,
    "financial_compliance": _financial_compliance,
    "disclosure": _disclosure,
    "asset_utilisation": _asset_utilisation,
    "staff_control": _staff_control,
    "outsourced_control": _outsourced_control,
    "public_funds_control": _public_funds_control,
    "budget_execution": _budget_execution,
    "key_tasks": _key_tasks,
    "project_timeliness": _project_timeliness,
    "satisfaction": _satisfaction,
}

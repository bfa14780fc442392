"""Results feed the next cycle (issue #13, point 4): from a continuing project's last
self-evaluation grade, its monitoring lights, its execution rate and its unspent money, the
suggested amount for next year with the reasons written out. Pure: no database, no clock, so
that the same facts and rules always give the same suggestion (property-tested).

Decisions, written once here:
- every rule whose condition holds applies, in the rules' order; each gives a change relative to
  the request (a cut of a share of the request, a cut of a share of the unspent money, or a
  raise of a share of the request), and the changes add up;
- the suggestion is never negative, and never above the request unless an applied rule is a
  raise, and then never above the request plus the raises;
- a fact that is not known (no evaluation yet, no monitoring report) makes its rules not apply,
  and the reasons say which facts were missing;
- amounts are rounded to the cent, half up, once, at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from budgets.money import format_figure, format_money

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
HUNDRED = Decimal(100)

GRADE_LABELS = {"excellent": "优", "good": "良", "fair": "中", "poor": "差"}


@dataclass(frozen=True)
class Rule:
    name: str
    condition: str  # "grade" | "execution_below" | "red_lights"
    effect: str  # "cut_request" | "cut_unspent" | "raise_request"
    percent: Decimal
    grade: str = ""
    threshold: Decimal | None = None


@dataclass(frozen=True)
class Facts:
    """What last year left behind. ``budget`` and ``spent`` are of the year the execution rate
    is measured on; ``source`` says where they come from (for the reasons)."""

    grade: str | None = None
    red_lights: int | None = None
    budget: Decimal | None = None
    spent: Decimal | None = None
    source: str = ""

    @property
    def execution_rate(self) -> Decimal | None:
        if self.budget is None or self.spent is None or self.budget <= 0:
            return None
        return (self.spent / self.budget * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def unspent(self) -> Decimal | None:
        if self.budget is None or self.spent is None:
            return None
        return max(self.budget - self.spent, ZERO)


@dataclass(frozen=True)
class Applied:
    rule: str
    change: Decimal
    reason: str


@dataclass(frozen=True)
class Suggestion:
    requested: Decimal
    amount: Decimal
    applied: list[Applied] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        return [a.reason for a in self.applied] + self.notes

    @property
    def change(self) -> Decimal:
        return self.amount - self.requested


def holds(rule: Rule, facts: Facts) -> bool | None:
    """Whether the rule's condition holds; None when the fact it reads is not known."""
    if rule.condition == "grade":
        return None if facts.grade is None else facts.grade == rule.grade
    if rule.condition == "execution_below":
        rate = facts.execution_rate
        return None if rate is None or rule.threshold is None else rate < rule.threshold
    if rule.condition == "red_lights":
        if facts.red_lights is None or rule.threshold is None:
            return None
        return facts.red_lights >= rule.threshold
    raise ValueError(f"unknown condition {rule.condition!r}")


def _why(rule: Rule, facts: Facts) -> str:
    if rule.condition == "grade":
        return _("last self-evaluation graded “%(grade)s”") % {
            "grade": GRADE_LABELS.get(facts.grade, facts.grade)
        }
    if rule.condition == "execution_below":
        return _("execution rate %(rate)s%% (%(source)s) below %(threshold)s%%") % {
            "rate": facts.execution_rate,
            "source": facts.source,
            "threshold": format_figure(rule.threshold),
        }
    return _("%(count)s red monitoring lights") % {"count": facts.red_lights}


def _change(rule: Rule, requested: Decimal, facts: Facts) -> tuple[Decimal, str]:
    share = rule.percent / HUNDRED
    if rule.effect == "cut_request":
        change = -(requested * share)
        what = _("cut %(percent)s%% of the request") % {"percent": format_figure(rule.percent)}
    elif rule.effect == "cut_unspent":
        unspent = facts.unspent or ZERO
        change = -(unspent * share)
        what = _("cut %(percent)s%% of the %(unspent)s 万元 left unspent") % {
            "percent": format_figure(rule.percent),
            "unspent": format_money(unspent),
        }
    elif rule.effect == "raise_request":
        change = requested * share
        what = _("allow %(percent)s%% above the request") % {"percent": format_figure(rule.percent)}
    else:
        raise ValueError(f"unknown effect {rule.effect!r}")
    return change, what


def suggest(*, requested: Decimal, facts: Facts, rules: list[Rule]) -> Suggestion:
    """The suggested amount for a request of ``requested`` yuan, and why."""
    applied: list[Applied] = []
    missing: set[str] = set()
    total_change = Decimal(0)
    raises = Decimal(0)
    for rule in rules:
        verdict = holds(rule, facts)
        if verdict is None:
            missing.add(rule.condition)
            continue
        if not verdict:
            continue
        change, what = _change(rule, requested, facts)
        total_change += change
        if change > 0:
            raises += change
        applied.append(
            Applied(
                rule=rule.name,
                change=change.quantize(CENT, rounding=ROUND_HALF_UP),
                reason=_("%(rule)s: %(why)s, so %(what)s (%(change)s 万元).")
                % {
                    "rule": rule.name,
                    "why": _why(rule, facts),
                    "what": what,
                    "change": format_money(change),
                },
            )
        )
    ceiling = requested + raises
    amount = min(max(requested + total_change, Decimal(0)), ceiling).quantize(CENT, rounding=ROUND_HALF_UP)
    notes = [MISSING[c]() for c in sorted(missing)]
    if not applied:
        notes.insert(0, _("No rule applies: the suggestion is the request."))
    return Suggestion(requested=requested, amount=amount, applied=applied, notes=notes)


MISSING = {
    "grade": lambda: _("No self-evaluation of an earlier year: the grade rules were not applied."),
    "execution_below": lambda: _(
        "No spending figures of an earlier year: the execution rules were not applied."
    ),
    "red_lights": lambda: _("No monitoring report of an earlier year: the light rules were not applied."),
}

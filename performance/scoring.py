"""Project self-evaluation scores (DOMAIN §8), as pure functions of plain values.

Default weights (configurable per cycle): budget execution 10, outputs 50, effects 30,
satisfaction 10. A level-1 group's points are shared equally by its indicators (to the fen: the
shares add up exactly to the group's points). An indicator earns its points times its completion
ratio, capped at full points:

* increasing target reached → full; else actual / target;
* decreasing (≤) → target / actual, capped at full;
* a range is reached inside it, else low / actual below it or high / actual above it;
* qualitative and deadline targets → the evaluator picks a band and a share inside it:
  reached 80-100 %, partly 50-80 %, not reached 0-50 %.

'Not applicable' indicators are left out. With no satisfaction indicator, its points go to the
outputs and effects in proportion to their weights; if another group is left empty, the remaining
groups are rescaled to 100. Budget execution earns spending / budget x its weight, capped.

Every amount of points is rounded to 0.01 on its own (half up) and every total is the sum of its
rounded parts, so the total always equals the sum of the parts as shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from .lights import is_bound
from .targets import ParsedTarget

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")

EXECUTION = "execution"
OUTPUT = "output"
EFFECT = "effect"
SATISFACTION = "satisfaction"
GROUPS = (EXECUTION, OUTPUT, EFFECT, SATISFACTION)

# The share of an indicator's points the evaluator may give for each band, in percent.
BANDS: dict[str, tuple[Decimal, Decimal]] = {
    "reached": (Decimal(80), Decimal(100)),
    "partly": (Decimal(50), Decimal(80)),
    "not_reached": (Decimal(0), Decimal(50)),
}

GRADES = (
    (Decimal(90), "excellent"),
    (Decimal(80), "good"),
    (Decimal(60), "fair"),
    (Decimal("-1"), "poor"),
)


def points(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def grade_of(total: Decimal) -> str:
    """优 >= 90, 良 80-90, 中 60-80, 差 < 60."""
    return next(name for floor, name in GRADES if total >= floor)


@dataclass(frozen=True)
class Weights:
    execution: Decimal = Decimal(10)
    output: Decimal = Decimal(50)
    effect: Decimal = Decimal(30)
    satisfaction: Decimal = Decimal(10)

    def as_dict(self) -> dict[str, Decimal]:
        return {
            EXECUTION: self.execution,
            OUTPUT: self.output,
            EFFECT: self.effect,
            SATISFACTION: self.satisfaction,
        }


@dataclass(frozen=True)
class IndicatorInput:
    key: object
    level1: str
    target: ParsedTarget
    actual: Decimal | None = None
    achievement: str = ""
    band_percent: Decimal | None = None
    not_applicable: bool = False
    deviation_reason: str = ""


@dataclass(frozen=True)
class IndicatorScore:
    key: object
    level1: str
    max_points: Decimal
    points: Decimal | None  # None: not scored yet (its input is missing or invalid)
    ratio: Decimal | None
    problem: str = ""  # why it is not scored, or why it cannot be submitted as it is

    @property
    def below_full(self) -> bool:
        return self.points is not None and self.points < self.max_points


@dataclass(frozen=True)
class ProjectScore:
    weights: dict[str, Decimal]  # after moving and rescaling, per group
    execution_rate: Decimal | None
    execution_points: Decimal | None
    indicators: list[IndicatorScore]
    excluded: list[object] = field(default_factory=list)  # keys of 'not applicable' indicators

    @property
    def complete(self) -> bool:
        return self.execution_points is not None and all(i.points is not None for i in self.indicators)

    def group_points(self, group: str) -> Decimal:
        if group == EXECUTION:
            return self.execution_points or ZERO
        return sum((i.points or ZERO for i in self.indicators if i.level1 == group), ZERO)

    @property
    def total(self) -> Decimal:
        return (self.execution_points or ZERO) + sum((i.points or ZERO for i in self.indicators), ZERO)

    @property
    def grade(self) -> str | None:
        return grade_of(self.total) if self.complete else None


def completion_ratio(
    target: ParsedTarget,
    *,
    actual: Decimal | None,
    achievement: str = "",
    band_percent: Decimal | None = None,
) -> tuple[Decimal | None, str]:
    """The share of its points an indicator earns, in [0, 1], or None and the reason why not."""
    if target.kind in {"qualitative", "deadline"}:
        if achievement not in BANDS:
            return None, "band_missing"
        if band_percent is None:
            return None, "share_missing"
        low, high = BANDS[achievement]
        if not low <= band_percent <= high:
            return None, "share_outside_band"
        return band_percent / HUNDRED, ""
    if actual is None:
        return None, "actual_missing"
    value = target.value
    assert value is not None
    if target.kind == "range":
        assert target.upper is not None
        if actual < value:
            return _clamp(actual / value) if value > 0 else ZERO, ""
        if actual > target.upper:
            return _clamp(target.upper / actual), ""
        return ONE, ""
    if is_bound(target):
        reached = actual < value if target.comparator == "<" else actual <= value
        if reached:
            return ONE, ""
        return (_clamp(value / actual) if actual > 0 else ZERO), ""
    if actual >= value:
        return ONE, ""
    return (_clamp(actual / value) if value > 0 else ZERO), ""


def _clamp(ratio: Decimal) -> Decimal:
    return max(ZERO, min(ONE, ratio))


def split(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """``total`` shared in proportion to ``weights``, to the cent, adding up exactly (largest
    remainder first; ties go to the earlier share)."""
    weight_sum = sum(weights, ZERO)
    if not weights or weight_sum == 0:
        return [ZERO for _ in weights]
    exact = [total * w / weight_sum for w in weights]
    shares = [e.quantize(CENT, rounding=ROUND_DOWN) for e in exact]
    leftover = int(((total - sum(shares, ZERO)) / CENT).to_integral_value())
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[:leftover]:
        shares[i] += CENT
    return shares


def group_weights(weights: Weights, present: set[str]) -> dict[str, Decimal]:
    """The weight of each group once empty groups are taken out (see the module docstring)."""
    result = weights.as_dict()
    total = sum(result.values(), ZERO)
    if SATISFACTION not in present and present & {OUTPUT, EFFECT}:
        receivers = [g for g in (OUTPUT, EFFECT) if g in present]
        for group, share in zip(
            receivers, split(result[SATISFACTION], [result[g] for g in receivers]), strict=True
        ):
            result[group] += share
        result[SATISFACTION] = ZERO
    empty = [g for g in (OUTPUT, EFFECT, SATISFACTION) if g not in present and result[g] > 0]
    if empty:
        kept = [g for g in GROUPS if g not in empty]
        for group in empty:
            result[group] = ZERO
        for group, share in zip(kept, split(total, [result[g] for g in kept]), strict=True):
            result[group] = share
    return result


def score_project(
    *,
    weights: Weights,
    budget: Decimal | None,
    spending: Decimal | None,
    indicators: Sequence[IndicatorInput],
) -> ProjectScore:
    applicable = [i for i in indicators if not (i.not_applicable or i.target.not_applicable)]
    excluded = [i.key for i in indicators if i.not_applicable or i.target.not_applicable]
    present = {i.level1 for i in applicable}
    shares = group_weights(weights, present)

    max_points: dict[int, Decimal] = {}
    for group in (OUTPUT, EFFECT, SATISFACTION):
        members = [n for n, i in enumerate(applicable) if i.level1 == group]
        max_points.update(zip(members, split(shares[group], [ONE] * len(members)), strict=True))

    scores: list[IndicatorScore] = []
    for n, item in enumerate(applicable):
        ratio, problem = completion_ratio(
            item.target, actual=item.actual, achievement=item.achievement, band_percent=item.band_percent
        )
        earned = None if ratio is None else points(max_points[n] * ratio)
        if earned is not None and earned < max_points[n] and not item.deviation_reason.strip():
            problem = "reason_missing"
        scores.append(IndicatorScore(item.key, item.level1, max_points[n], earned, ratio, problem))

    execution_rate = None
    execution_points = None
    if budget is not None and spending is not None:
        execution_rate = spending / budget if budget > 0 else ONE if spending == 0 else ZERO
        execution_points = points(shares[EXECUTION] * _clamp(execution_rate))
    return ProjectScore(
        weights=shares,
        execution_rate=execution_rate,
        execution_points=execution_points,
        indicators=scores,
        excluded=excluded,
    )

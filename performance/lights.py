"""Traffic lights of the August checkpoint (DOMAIN §7), as pure functions.

For an increasing quantitative indicator the value expected by month m is target x m/12; the
actual as a share of it gives the light: below 60 % red, 60-80 % yellow, 80-120 % green, 120 % and
more blue (thresholds configurable per cycle). A decreasing (≤) indicator is green inside its
bound and red outside; a range is green inside it. Qualitative and deadline targets take the
reporter's progress: reached green, partly yellow, not reached red.

Decisions where DOMAIN is silent:

* A target without a comparator ("2次", "=100%") is read as increasing, except a target of zero
  ("0起", "=0"), which is a bound: nothing may happen.
* Only amounts that add up over the year are pro-rated. A rate (unit % or ‰) is a level to be
  held all year: its expected value in July is the target itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .targets import ParsedTarget

HUNDRED = Decimal(100)
MONTHS = Decimal(12)
NON_CUMULATIVE_UNITS = frozenset({"%", "‰"})


class Light(StrEnum):
    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"
    BLUE = "blue"


BEHIND = frozenset({Light.RED, Light.YELLOW})


@dataclass(frozen=True)
class LightRules:
    yellow_from: Decimal = Decimal(60)
    green_from: Decimal = Decimal(80)
    blue_from: Decimal = Decimal(120)


def is_bound(target: ParsedTarget) -> bool:
    """A ceiling rather than an amount to reach: ≤, <, or a target of exactly zero."""
    return target.direction == "decrease" or (target.comparator == "=" and target.value == 0)


def expected_to_date(target: ParsedTarget, month: int) -> Decimal | None:
    """The value an increasing quantitative target should have reached by the end of ``month``."""
    if target.kind != "quantitative" or target.value is None or is_bound(target):
        return None
    if target.unit in NON_CUMULATIVE_UNITS:
        return target.value
    return target.value * Decimal(month) / MONTHS


def light(
    target: ParsedTarget,
    *,
    actual: Decimal | None,
    progress: str | None,
    month: int,
    rules: LightRules = LightRules(),
) -> Light | None:
    """The light of one indicator, or None when it cannot be judged (not applicable, no data)."""
    if target.not_applicable:
        return None
    if target.kind in {"qualitative", "deadline"}:
        return {"reached": Light.GREEN, "partly": Light.YELLOW, "not_reached": Light.RED}.get(progress or "")
    if actual is None or target.value is None:
        return None
    if target.kind == "range":
        assert target.upper is not None
        return Light.GREEN if target.value <= actual <= target.upper else Light.RED
    if is_bound(target):
        inside = actual < target.value if target.comparator == "<" else actual <= target.value
        return Light.GREEN if inside else Light.RED
    expected = expected_to_date(target, month)
    assert expected is not None
    if expected == 0:
        return Light.GREEN if actual >= 0 else Light.RED
    share = actual / expected * HUNDRED
    if share < rules.yellow_from:
        return Light.RED
    if share < rules.green_from:
        return Light.YELLOW
    if share < rules.blue_from:
        return Light.GREEN
    return Light.BLUE


def share_of_expected(target: ParsedTarget, *, actual: Decimal | None, month: int) -> Decimal | None:
    """Actual as a percentage of the value expected by ``month`` (for display), two places."""
    expected = expected_to_date(target, month)
    if expected is None or actual is None or expected == 0:
        return None
    return (actual / expected * HUNDRED).quantize(Decimal("0.01"))

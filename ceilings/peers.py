"""The peer view: a branch whose cost per head is far from the other branches' (pure, tested in
tests/ceilings/test_peers.py). Each branch is compared with the median of the *others*, so that
one outlier does not move its own yardstick; "far" is more than ``tolerance`` above or below."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

DEFAULT_TOLERANCE = Decimal("0.30")


@dataclass(frozen=True)
class Peer:
    key: object
    value: Decimal
    others_median: Decimal | None
    deviation: Decimal | None  # value / others' median − 1

    def flagged(self, tolerance: Decimal) -> bool:
        return self.deviation is not None and abs(self.deviation) > tolerance


def compare(values: dict[object, Decimal]) -> list[Peer]:
    peers = []
    for key, value in values.items():
        others = [v for k, v in values.items() if k != key]
        middle = Decimal(median(others)) if others else None
        deviation = None
        if middle:
            deviation = (value / middle - 1).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        peers.append(Peer(key=key, value=value, others_median=middle, deviation=deviation))
    return peers


def per_head(amount: Decimal, heads: int) -> Decimal | None:
    return None if not heads else (amount / heads).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

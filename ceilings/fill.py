"""Fill a ceiling in rank order: a pure function, property-tested (tests/ceilings/test_fill.py).

The rule, as a budget officer reads it (docs/ceilings-and-standards.md):

1. Mandated items are always kept: the budget reserve (预算准备金), payments left over from an
   earlier year's procurement, and the requests the unit marks mandatory with a reason.
2. The other requests are taken in the unit's order of priority (unranked ones last, then by
   their id, so that the result never depends on the order they are handed in) for as long as
   the next one fits in what is left of the ceiling. The first that does not fit draws the line:
   it and every request after it fall below the line, even a smaller one that would still fit
   (a lower priority does not jump the queue; the unit re-ranks if it wants it in).
3. When the mandated items alone exceed the ceiling, they are all kept, nothing else is, and
   ``over_by`` says by how much: the only case in which what is kept exceeds the ceiling. The
   round cannot be approved (二下) until HQ raises the ceiling or the unit drops a mandate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Request:
    key: int
    name: str
    amount: Decimal
    rank: int | None = None
    mandated: bool = False
    why_mandated: str = ""

    @property
    def order(self) -> tuple:
        return (self.rank is None, self.rank or 0, self.key)


@dataclass(frozen=True)
class Fill:
    limit: Decimal
    kept: tuple[Request, ...]
    below: tuple[Request, ...]

    @property
    def mandated_total(self) -> Decimal:
        return sum((r.amount for r in self.kept if r.mandated), ZERO)

    @property
    def kept_total(self) -> Decimal:
        return sum((r.amount for r in self.kept), ZERO)

    @property
    def below_total(self) -> Decimal:
        return sum((r.amount for r in self.below), ZERO)

    @property
    def requested_total(self) -> Decimal:
        return self.kept_total + self.below_total

    @property
    def over_by(self) -> Decimal:
        """How far the mandated items alone exceed the ceiling (zero when they fit)."""
        return max(ZERO, self.mandated_total - self.limit)

    @property
    def room_left(self) -> Decimal:
        return max(ZERO, self.limit - self.kept_total)

    def rows(self) -> list[tuple[Request, bool]]:
        """Every request in rank order with whether it is kept: the line falls where kept ends."""
        kept = [(r, True) for r in sorted(self.kept, key=lambda r: r.order)]
        return kept + [(r, False) for r in self.below]


def ordered(requests: Iterable[Request]) -> list[Request]:
    return sorted(requests, key=lambda r: r.order)


def fill_to_ceiling(limit: Decimal, requests: Iterable[Request]) -> Fill:
    requests = ordered(requests)
    limit = max(ZERO, Decimal(limit))
    kept = [r for r in requests if r.mandated]
    room = limit - sum((r.amount for r in kept), ZERO)
    below: list[Request] = []
    for request in (r for r in requests if not r.mandated):
        if not below and request.amount <= room:
            kept.append(request)
            room -= request.amount
        else:
            below.append(request)
    return Fill(limit=limit, kept=tuple(kept), below=tuple(below))


def project_limit(*, total: Decimal | None, project_ceiling: Decimal | None, basic_total: Decimal) -> Decimal:
    """What the projects may take: the ceiling less the basic expenditure, and no more than the
    project ceiling when there is one. No ceiling yet: nothing is within it."""
    if total is None:
        return ZERO
    room = max(ZERO, total - basic_total)
    return room if project_ceiling is None else min(room, project_ceiling)


def apply_rate(amount: Decimal, percent: Decimal) -> Decimal:
    """``amount`` changed by ``percent`` (−4 → 96 % of it), rounded to the cent, half up."""
    return (Decimal(amount) * (Decimal(100) + Decimal(percent)) / Decimal(100)).quantize(
        CENT, rounding=ROUND_HALF_UP
    )

"""Basic expenditure from the expenditure standards and the unit's staffing facts: pure, with the
working shown line by line (tests/ceilings/test_standards.py).

A line is ``quantity × amount``: the quantity is read from ``budgets.StaffingFact`` by the
standard's basis (authorised headcount, staff on the establishment, retirees, vehicles, office
floor area in m²). A unit whose floor area is not recorded (empty, not zero) sees a per-area
standard as "not recorded", giving nothing, so that the officer sees the gap instead of a silent
zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .fill import CENT, ZERO
from .models import StandardBasis

BASIS_FIELD = {
    StandardBasis.AUTHORISED_HEAD: "authorised_headcount",
    StandardBasis.ACTUAL_HEAD: "actual_headcount",
    StandardBasis.RETIREE: "retired",
    StandardBasis.VEHICLE: "vehicles",
    StandardBasis.AREA: "floor_area",
}


@dataclass(frozen=True)
class WorkingLine:
    standard: object
    quantity: int | None
    amount: Decimal

    @property
    def recorded(self) -> bool:
        return self.quantity is not None


def quantity_label(basis: str) -> str:
    """The staffing fact a basis counts, as the admin names it (车辆, 办公用房面积（平方米） …)."""
    from budgets.models import StaffingFact

    return StaffingFact._meta.get_field(BASIS_FIELD[basis]).verbose_name


def quantity_of(basis: str, staffing) -> int | None:
    field = BASIS_FIELD.get(basis)
    if field is None or staffing is None:
        return None
    return getattr(staffing, field)


def compute_basic(standards: Iterable, staffing) -> list[WorkingLine]:
    lines = []
    for standard in standards:
        quantity = quantity_of(standard.basis, staffing)
        amount = ZERO if quantity is None else (standard.amount * quantity).quantize(CENT)
        lines.append(WorkingLine(standard=standard, quantity=quantity, amount=amount))
    return lines


def by_economic_code(lines: Iterable[WorkingLine]) -> dict[int, Decimal]:
    """What the standards give per economic code (several standards may feed one code)."""
    totals: dict[int, Decimal] = {}
    for line in lines:
        code = line.standard.economic_code_id
        totals[code] = totals.get(code, ZERO) + line.amount
    return totals


def above_standard(entered: dict[int, Decimal], standard: dict[int, Decimal]) -> dict[int, Decimal]:
    """Economic codes whose entered basic expenditure exceeds what the standards give, and by
    how much. Codes without a standard are not compared."""
    return {
        code: entered.get(code, ZERO) - amount
        for code, amount in standard.items()
        if entered.get(code, ZERO) > amount
    }

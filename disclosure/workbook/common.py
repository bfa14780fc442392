"""Pieces several tables share: the functional-code tree and funding-source groups."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from budgets.models import ZERO, FunctionalCode, FundingSource

UNCLASSIFIED = "未指定功能科目"

# The general public budget and its parts (DOMAIN §4); 表7 of both formats covers only these.
GENERAL_BUDGET = "general_budget"


@dataclass
class FunctionalRow:
    code: str
    name: str
    level: int
    basic: Decimal
    project: Decimal

    @property
    def total(self) -> Decimal:
        return self.basic + self.project


def functional_tree(
    amounts: dict[str | None, dict[str, Decimal]], names: dict[str, FunctionalCode]
) -> tuple[list[FunctionalRow], dict[str, Decimal]]:
    """类 / 款 / 项 rows in code order, each the sum of the lines under it; and the amounts of
    lines without a functional code (which no row can show)."""
    rolled: dict[str, dict[str, Decimal]] = defaultdict(lambda: {"basic": ZERO, "project": ZERO})
    for code, kinds in amounts.items():
        if not code:
            continue
        for prefix in {code[:3], code[:5], code}:
            for kind, amount in kinds.items():
                rolled[prefix][kind] += amount
    rows = [
        FunctionalRow(
            code=code,
            name=names[code].name if code in names else code,
            level={3: 1, 5: 2, 7: 3}.get(len(code), 3),
            basic=kinds["basic"],
            project=kinds["project"],
        )
        for code, kinds in sorted(rolled.items())
        if kinds["basic"] or kinds["project"]
    ]
    unclassified = amounts.get(None, {"basic": ZERO, "project": ZERO})
    return rows, unclassified


def source_root(code: str | None, sources: dict[str, FundingSource]) -> str | None:
    """The top-level funding source of ``code`` (一般性经费拨款 → 一般公共预算拨款)."""
    source = sources.get(code) if code else None
    while source is not None and source.parent_id is not None:
        source = source.parent
    return source.code if source else None


def is_fiscal(code: str | None, sources: dict[str, FundingSource]) -> bool:
    source = sources.get(code) if code else None
    return bool(source and source.is_fiscal)


def in_general_budget(code: str | None, sources: dict[str, FundingSource]) -> bool:
    return source_root(code, sources) == GENERAL_BUDGET


def date_range(start, end) -> str:
    if not start or not end:
        return ""
    return f"{start.year}.{start.month}.{start.day}-{end.year}.{end.month}.{end.day}"

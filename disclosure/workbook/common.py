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


def source_path(code: str | None, sources: dict[str, FundingSource]) -> tuple[str, ...]:
    """The funding-source codes from the root of the tree down to ``code`` (DOMAIN §9):
    履职类项目拨款 → (政府预算拨款, 一般公共预算拨款, 履职类项目拨款)."""
    path: list[str] = []
    source = sources.get(code) if code else None
    while source is not None:
        path.append(source.code)
        source = sources.get(source.parent.code) if source.parent_id else None
    return tuple(reversed(path))


def under(code: str | None, node: str, sources: dict[str, FundingSource]) -> bool:
    """Whether a line funded from ``code`` counts under the tree node ``node``."""
    return node in source_path(code, sources)


def is_fiscal(code: str | None, sources: dict[str, FundingSource]) -> bool:
    source = sources.get(code) if code else None
    return bool(source and source.is_fiscal)


def in_general_budget(code: str | None, sources: dict[str, FundingSource]) -> bool:
    return under(code, GENERAL_BUDGET, sources)


def date_range(start, end) -> str:
    if not start or not end:
        return ""
    return f"{start.year}.{start.month}.{start.day}-{end.year}.{end.month}.{end.day}"

"""A disclosure table as data: title lines, a header with merged cells, rows of cells.

Builders return ``Table`` objects; ``writer.py`` turns them into a sheet. Amounts stay in yuan
(``Wan``) until the writer rounds each cell on its own to 万元 (DOMAIN §3).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from budgets.money import to_wan

STANDARD_NOTE = "注：本表金额单位为万元，各数据分别四舍五入取整，合计数与分项之和可能存在尾数误差。"
STANDARD_NOTE_2 = (
    "注：本表金额单位为万元，保留两位小数，各数据分别四舍五入，合计数与分项之和可能存在尾数误差。"
)


@dataclass(frozen=True)
class Wan:
    """An amount in yuan shown in 万元 with ``places`` decimals; ``blank_zero`` leaves 0 empty."""

    yuan: Decimal
    places: int = 0
    blank_zero: bool = False

    @property
    def shown(self) -> Decimal | None:
        value = to_wan(self.yuan, self.places)
        if self.blank_zero and value == 0:
            return None
        return value


@dataclass(frozen=True)
class Yuan:
    """An amount printed in yuan with two places (表15 prints yuan)."""

    yuan: Decimal


@dataclass(frozen=True)
class Label:
    """Row text indented by ``indent`` levels (a 款 beneath its 类, a 项 beneath its 款)."""

    text: str
    indent: int = 0

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Head:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass
class Row:
    cells: list
    style: str = ""  # "total", "group", "" (plain)
    key: str = ""  # a stable key for tests and the round trip: unit code, functional code …
    # merged body cells: column index (from 0) → (colspan, rowspan), as a form lays them out (表11)
    spans: dict[int, tuple[int, int]] = field(default_factory=dict)


@dataclass
class Table:
    number: str
    title: str
    unit_name: str
    header: list[list[Head]]
    rows: list[Row] = field(default_factory=list)
    money_unit: str = "单位：万元"
    name_label: str = "单位名称"
    subtitle: str = ""
    note: str = STANDARD_NOTE
    widths: list[int] = field(default_factory=list)

    @property
    def width(self) -> int:
        return max([sum(h.colspan for h in line) for line in self.header] + [len(r.cells) for r in self.rows])

    def values(self) -> list[list]:
        """Every row as printed (amounts rounded): what two exports must agree on."""
        return [[_printed(c) for c in row.cells] for row in self.rows]


def _printed(cell):
    if isinstance(cell, Wan):
        return cell.shown
    if isinstance(cell, Yuan):
        return cell.yuan
    if isinstance(cell, Label):
        return cell.text
    return cell

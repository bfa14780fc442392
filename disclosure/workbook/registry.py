"""Which tables make up each disclosure format, and who builds each of them.

A format (``BudgetCycle.disclosure_format``) is an ordered list of table builders. Another app
adds a table by registering a builder, e.g. the performance app for 2022's 表11::

    from disclosure.workbook.registry import register_table

    @register_table("2022", "表11", "整体支出绩效目标表")
    def table11(data: CycleData) -> Table | None: ...

A builder returns ``None`` when the cycle holds nothing for its table; the sheet is then left out.
Registering the same number again replaces the earlier builder.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .data import CycleData
from .table import Table

Builder = Callable[[CycleData], Table | None]


@dataclass(frozen=True)
class TableSpec:
    number: str
    title: str
    build: Builder


_FORMATS: dict[str, dict[str, TableSpec]] = {}


def register_table(fmt: str, number: str, title: str) -> Callable[[Builder], Builder]:
    def decorator(build: Builder) -> Builder:
        _FORMATS.setdefault(fmt, {})[number] = TableSpec(number, title, build)
        return build

    return decorator


def _table_order(number: str) -> int:
    match = re.search(r"\d+", number)
    return int(match.group()) if match else 0


def tables_for(fmt: str) -> list[TableSpec]:
    _load_builtin_tables()
    return sorted(_FORMATS.get(fmt, {}).values(), key=lambda spec: _table_order(spec.number))


def _load_builtin_tables() -> None:
    # Imported for their registrations; late, so that the modules may import this one.
    from . import tables_2020, tables_2022  # noqa: F401

"""Reading the finance system's monthly spending export: CSV or xlsx, one row per
(unit, project, month, amount). Only reading and per-cell parsing live here; the lookups and the
write are ``services.spending_import``.

Headers may be English or Chinese (单位 项目 月份 金额). A unit is named by its code, full or short
name; a blank project is the unit's basic expenditure; a month is 1-12, ``2020-07``, ``2020年7月``
or a date cell; an amount is yuan with at most two decimal places, thousands commas allowed.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from core.errors import BusinessRuleError

MAX_ROWS = 100_000
HEADERS = {
    "unit": "unit",
    "单位": "unit",
    "预算单位": "unit",
    "project": "project",
    "项目": "project",
    "项目名称": "project",
    "month": "month",
    "月份": "month",
    "月": "month",
    "amount": "amount",
    "金额": "amount",
    "支出金额": "amount",
}
_MONTH = re.compile(r"^(?:(?P<year>\d{4})\s*(?:[-/.]|年)\s*)?(?P<month>\d{1,2})\s*月?$")


@dataclass(frozen=True)
class SpendingRow:
    row: int  # as a spreadsheet numbers it: the header is row 1
    unit: str
    project: str
    month: Any
    amount: Any


class RowError(ValueError):
    pass


def read_rows(filename: str, content: bytes) -> list[SpendingRow]:
    """All data rows of the file; raises BusinessRuleError when the file itself is unusable."""
    if filename.lower().endswith(".xlsx"):
        table = _xlsx_table(content)
    elif filename.lower().endswith(".csv"):
        table = _csv_table(content)
    else:
        raise BusinessRuleError("spending_file_type", _("Upload a .csv or .xlsx file."))
    if not table:
        raise BusinessRuleError("spending_file_empty", _("The file is empty."))
    columns = _columns(table[0])
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        if all(cell is None or str(cell).strip() == "" for cell in cells):
            continue
        get = lambda name, cells=cells: cells[columns[name]] if columns[name] < len(cells) else None  # noqa: E731
        rows.append(
            SpendingRow(
                row=number,
                unit=_text(get("unit")),
                project=_text(get("project")),
                month=get("month"),
                amount=get("amount"),
            )
        )
    if len(rows) > MAX_ROWS:
        raise BusinessRuleError("spending_file_too_long", _("At most 100,000 rows per file."))
    return rows


def _columns(header: list[Any]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = HEADERS.get(_text(cell).lower())
        if key and key not in columns:
            columns[key] = index
    missing = [name for name in ("unit", "project", "month", "amount") if name not in columns]
    if missing:
        raise BusinessRuleError(
            "spending_file_columns",
            _("The first row must name the columns unit, project, month, amount (单位, 项目, 月份, 金额)."),
            missing=missing,
        )
    return columns


def _csv_table(content: bytes) -> list[list[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("gb18030")  # what Excel on a Chinese Windows saves
        except UnicodeDecodeError:
            raise BusinessRuleError(
                "spending_file_encoding", _("The CSV file is neither UTF-8 nor GB18030.")
            ) from None
    return [list(row) for row in csv.reader(io.StringIO(text))]


def _xlsx_table(content: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged file
        raise BusinessRuleError("spending_file_unreadable", _("The xlsx file cannot be read.")) from None
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def parse_month(value: Any, year: int) -> int:
    if isinstance(value, datetime | date):
        if value.year != year:
            raise RowError(_("the month is not in %(year)s") % {"year": year})
        return value.month
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        value = int(value)
    match = _MONTH.match(_text(value))
    if match is None:
        raise RowError(_("the month must be 1-12 or YYYY-MM"))
    if match["year"] and int(match["year"]) != year:
        raise RowError(_("the month is not in %(year)s") % {"year": year})
    month = int(match["month"])
    if not 1 <= month <= 12:
        raise RowError(_("the month must be 1-12 or YYYY-MM"))
    return month


def parse_amount(value: Any) -> Decimal:
    if isinstance(value, bool) or value is None or _text(value) == "":
        raise RowError(_("the amount is missing"))
    if isinstance(value, float):
        # A spreadsheet number: binary floating point, so round it to the fen it stands for.
        amount = Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    else:
        try:
            amount = Decimal(_text(value).replace(",", ""))
        except InvalidOperation:
            raise RowError(_("the amount is not a number")) from None
    if not amount.is_finite():
        raise RowError(_("the amount is not a number"))
    if amount < 0:
        raise RowError(_("the amount is negative"))
    if amount != amount.quantize(Decimal("0.01")):
        raise RowError(_("the amount has more than two decimal places"))
    if amount >= Decimal(10) ** 14:
        raise RowError(_("the amount is too large"))
    return amount.quantize(Decimal("0.01"))

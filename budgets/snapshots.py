"""What HQ saw: a plain snapshot of an item taken at each submission to HQ, and the field-level
difference between two snapshots (shown to the preparer on resubmission and to the reviewer)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from .fields import PROJECT_FIELDS
from .models import MoneyField, Project, UnitBudget
from .money import format_money


def _value(obj, field: str) -> str:
    """The stored value, never a translated label: a snapshot taken in Chinese and one taken in
    English must compare equal (labels are looked up when the difference is shown)."""
    value = getattr(obj, field)
    if value is None:
        return ""
    return str(value)


def shown_value(model, name: str, value: str) -> str:
    """A snapshot value as the reader's language shows it: a choice by its label, money in 元."""
    if value == "":
        return ""
    field = model._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, MoneyField):
        try:
            return format_money(Decimal(value), "yuan", unit=True)
        except InvalidOperation:
            return value
    return value


# A row of a snapshot is its cells joined by " · "; a cell that is an amount is written as the
# database holds it (1200000.00) and shown like every other amount (1,200,000.00 元).
ROW_SEPARATOR = " · "
_AMOUNT_CELL = re.compile(r"^\d+\.\d{2}$")


def _shown_row(row: str) -> str:
    return ROW_SEPARATOR.join(
        format_money(cell, "yuan", unit=True) if _AMOUNT_CELL.match(cell) else cell
        for cell in row.split(ROW_SEPARATOR)
    )


def snapshot(item) -> dict:
    if isinstance(item, Project):
        return {
            "fields": {f: _value(item, f) for f in PROJECT_FIELDS},
            "rows": {
                "sub_items": [
                    f"{s.name} · {s.amount} · {s.description}"
                    for s in item.sub_items.order_by("sort_order", "id")
                ]
            },
        }
    assert isinstance(item, UnitBudget)
    return {
        "fields": {},
        "rows": {
            "basic_lines": [
                f"{line.functional_code or ''} · {line.economic_code or ''} · {line.funding_source or ''} · {line.amount}"
                for line in item.basic_lines.select_related(
                    "functional_code", "economic_code", "funding_source"
                )
            ],
            "procurement_lines": [
                f"{line.item or line.description} · {line.amount} · {line.sme_amount} · {line.small_micro_amount}"
                for line in item.procurement_lines.select_related("item")
            ],
            "three_public": [
                f"{row.year} · {row.abroad} · {row.reception} · {row.vehicle_purchase} · {row.vehicle_operation}"
                for row in item.three_public.all()
            ],
        },
    }


@dataclass(frozen=True)
class Change:
    name: str
    label: str
    before: str
    after: str


ROW_LABELS = {
    "sub_items": _("Sub-items"),
    "basic_lines": _("Basic expenditure"),
    "procurement_lines": _("Government procurement"),
    "three_public": _("Three public expenses (三公经费)"),
}


def diff(before: dict, after: dict, model=Project) -> list[Change]:
    changes = []
    for name, old in before.get("fields", {}).items():
        new = after.get("fields", {}).get(name, "")
        if old != new:
            label = str(model._meta.get_field(name).verbose_name)
            changes.append(Change(name, label, shown_value(model, name, old), shown_value(model, name, new)))
    for name, old_rows in before.get("rows", {}).items():
        new_rows = after.get("rows", {}).get(name, [])
        if old_rows != new_rows:
            removed = [r for r in old_rows if r not in new_rows]
            added = [r for r in new_rows if r not in old_rows]
            changes.append(
                Change(
                    name,
                    str(ROW_LABELS.get(name, name)),
                    "\n".join(_shown_row(r) for r in removed),
                    "\n".join(_shown_row(r) for r in added),
                )
            )
    return changes

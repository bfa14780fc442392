"""The department self-evaluation as an xlsx in the layout of DOMAIN §8: level 1 (points) |
level 2 (points) | item | points | rule | figures and sources / reason | score, with the level
cells merged over their items, then the level totals, the total and the grade."""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from budgets.money import format_money

from . import rubric
from .models import DepartmentEvaluation

GRADE_LABELS = {"excellent": "优", "good": "良", "fair": "中", "poor": "差"}
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
WIDTHS = (14, 14, 24, 8, 40, 52, 10)


def figure_text(figure: rubric.Figure, value: Any) -> str:
    """A stored figure as a reader reads it: yes/no, the option's label, 万元 beside yuan."""
    if value in (None, ""):
        return "—"
    if figure.kind == "flag":
        return _("yes") if value in (True, "true", "True") else _("no")
    if figure.kind == "choice":
        return str(dict(figure.choices).get(str(value), value))
    if figure.kind == "yuan":
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        return f"{format_money(amount, 'yuan', unit=True)}（{format_money(amount, unit=True)}）"
    return f"{value} {figure.unit}".strip()


def evidence(item_score: rubric.ItemScore, inputs: dict) -> str:
    """What the score rests on: the figures with their sources and the deductions with their
    reasons, or the evaluator's reason."""
    item = item_score.item
    if not item.is_formula:
        return item_score.reason
    figures = inputs.get("figures") or {}
    deductions = inputs.get("deductions") or {}
    lines = []
    for key in item.figures:
        entry = figures.get(key) or {}
        if entry.get("value") in (None, ""):
            continue
        source = entry.get("source") or ""
        figure = rubric.FIGURES[key]
        lines.append(
            f"{figure.label}: {figure_text(figure, entry['value'])}" + (f"（{source}）" if source else "")
        )
    for deduction in item.deductions:
        entry = deductions.get(deduction.key) or {}
        reason = entry.get("reason") or ""
        lines.append(f"{deduction.label}: {entry.get('points') or '—'}" + (f"（{reason}）" if reason else ""))
    if item_score.working:
        lines.append(f"= {item_score.working}")
    return "\n".join(lines)


def department_evaluation_xlsx(evaluation: DepartmentEvaluation, score: rubric.DepartmentScore) -> bytes:
    scope = list(evaluation.scope.all())
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Self-evaluation")[:31]
    title = _("%(year)s department-wide expenditure performance self-evaluation: %(unit)s") % {
        "year": evaluation.cycle.year,
        "unit": evaluation.unit.name
        + (f"（{_('Evaluated scope')}：{'、'.join(u.short_name for u in scope)}）" if len(scope) > 1 else ""),
    }
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(WIDTHS))
    sheet["A1"].font = Font(bold=True, size=14)
    headers = [
        _("Level 1"),
        _("Level 2"),
        _("Level 3"),
        _("Points"),
        _("Rule"),
        _("Figures and sources / reason"),
        _("Score"),
    ]
    sheet.append(headers)
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
        cell = sheet.cell(row=2, column=column)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = WRAP

    first_row = 3
    level1_start: dict[str, int] = {}
    level2_start: dict[str, int] = {}
    for offset, item_score in enumerate(score.items):
        item = item_score.item
        level1 = rubric.PARENT[item.level2]
        row = first_row + offset
        level1_start.setdefault(level1, row)
        level2_start.setdefault(item.level2, row)
        level1_name = next(level.name for level in rubric.LEVEL1 if level.key == level1)
        level2_name = next(level.name for level in rubric.LEVEL2 if level.key == item.level2)
        values = [
            f"{level1_name}（{rubric.level1_max(level1)}）",
            f"{level2_name}（{rubric.level2_max(item.level2)}）",
            ("*" if item.computed else "") + str(item.name),
            item.max_points,
            str(item.rule),
            evidence(item_score, evaluation.inputs),
            item_score.points,
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.border = BORDER
            cell.alignment = WRAP
            if column in (4, 7):
                cell.number_format = "0.00"
    last_row = first_row + len(score.items) - 1
    for starts, column in ((level1_start, 1), (level2_start, 2)):
        keys = list(starts)
        for n, key in enumerate(keys):
            start = starts[key]
            end = starts[keys[n + 1]] - 1 if n + 1 < len(keys) else last_row
            if end > start:
                sheet.merge_cells(start_row=start, start_column=column, end_row=end, end_column=column)

    row = last_row + 1
    for level in rubric.LEVEL1:
        sheet.cell(row=row, column=3, value=f"{level.name} {_('subtotal')}").font = Font(bold=True)
        sheet.cell(row=row, column=4, value=rubric.level1_max(level.key)).number_format = "0.00"
        sheet.cell(row=row, column=7, value=score.level1_points(level.key)).number_format = "0.00"
        row += 1
    sheet.cell(row=row, column=3, value=_("Total")).font = Font(bold=True)
    sheet.cell(row=row, column=4, value=rubric.TOTAL_POINTS).number_format = "0.00"
    total = sheet.cell(row=row, column=7, value=score.total)
    total.number_format = "0.00"
    total.font = Font(bold=True)
    row += 1
    sheet.cell(row=row, column=3, value=_("Grade")).font = Font(bold=True)
    sheet.cell(row=row, column=7, value=GRADE_LABELS.get(score.grade or "", _("incomplete")))
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

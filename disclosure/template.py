"""The import template: one sheet per kind of line (headers with notes), the code lists, and
instructions. Filled with a cycle's data it is also the data export the import reads back."""

from __future__ import annotations

import io

from django.utils import translation
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from budgets.models import BudgetCycle
from core.models import Unit
from performance.models import LEVEL1_OF, Level1, Level2

from .facts_resource import ASSET_CATEGORY_LABELS
from .workbook.tables_2020 import FUND_USE_LABELS, PROJECT_TYPE_LABELS
from .workbook.writer import text_cells_only

INSTRUCTIONS = "填写说明"
CODE_SHEETS = {
    "代码-单位": "unit",
    "代码-功能科目": "functional",
    "代码-经济科目": "economic",
    "代码-资金来源": "funding",
    "代码-采购品目": "items",
    "代码-一级项目": "categories",
    "代码-项目类型": "project_types",
    "代码-资金用途": "fund_uses",
    "代码-资产类别": "asset_categories",
    "代码-一级指标": "level1",
    "代码-二级指标": "level2",
}
REFERENCE_SHEETS = frozenset({INSTRUCTIONS, *CODE_SHEETS})

HEAD_FILL = PatternFill("solid", fgColor="DDE7F5")

AMOUNT_NOTE = "金额单位：元，最多两位小数，不得为负数，不得填写公式或文字。\nYuan, at most 2 decimals; no negatives, formulas or text."
COLUMN_NOTES = {
    "单位代码": "必填，见“代码-单位”。本单位导入时可留空。\nRequired: see 代码-单位 (may be blank in a one-unit import).",
    "功能科目编码": "支出功能分类 3/5/7 位编码，见“代码-功能科目”。\nFunctional code (3, 5 or 7 digits).",
    "经济科目编码": "部门经济分类 3/5 位编码，可留空，见“代码-经济科目”。\nEconomic code (3 or 5 digits), may be blank.",
    "资金来源代码": "见“代码-资金来源”。\nFunding source code.",
    "采购品目编码": "本年度采购目录的品目编码，见“代码-采购品目”；待支付以前年度采购可留空。\nCatalogue item of the cycle's catalogue.",
    "项目名称": "同一单位内不得重复。\nUnique within a unit.",
    "一级项目": "见“代码-一级项目”。\nFirst-level category.",
    "项目类型": "见“代码-项目类型”。\nProject type.",
    "资金用途": "见“代码-资金用途”。\nUse of funds.",
    "计划开始日期": "日期，例如 2020-01-01。\nA date, e.g. 2020-01-01.",
    "计划完成日期": "日期，不得早于开始日期。\nA date, not before the start.",
    "待支付以前年度采购": "是 / 否。\nYes (是) or no (否).",
    "年度": "本年度或上年度。\nThe cycle's year or the year before.",
}

INSTRUCTION_LINES = [
    "预算数据导入模板 · Budget import template",
    "",
    "1. 每类数据一个工作表（见下表）。不需要的工作表可以删除，但不要改名。",
    "   One sheet per kind of line (listed below); delete the sheets you do not need, never rename them.",
    "2. 第一行为列名，不要修改；把鼠标移到列名上可以看到填写要求。",
    "   Row 1 holds the column names: do not change them; hover over a name for its rule.",
    "3. 金额一律以元为单位，最多两位小数；不要填写公式。",
    "   Amounts in yuan, at most two decimals; no formulas.",
    "4. 各类代码见“代码-…”工作表；编码列可从下拉列表选择，也可填写编码或名称。",
    "   The code lists are on the 代码-… sheets; pick from the drop-down, or write the code or the name.",
    "5. 导入前先预览：系统逐行逐列检查，有任何错误时不会写入任何数据（全部成功或全部不导入）。",
    "   A preview checks every row and column first; with any error nothing is written (all or nothing).",
    "6. 已有的数据按“单位 + 名称/编码”匹配并更新，文件中没有的数据保持不变。",
    "   Existing lines are matched by unit + name/code and updated; lines not in the file stay as they are.",
    "7. 公式按 Excel 保存的计算结果导入；未计算过的公式会被指出。",
    "   A formula is read by the value Excel saved with it; a formula never calculated is reported.",
]
SHEETS_HEADING = "数据工作表 Data sheets:"
CODE_SHEETS_HEADING = "代码工作表（只读）Code lists (read only):"
DROPDOWN = "下拉选项"


def _code_rows(lookups) -> dict[str, tuple[list[str], list[list]]]:
    return {
        "unit": (
            ["单位代码", "单位名称"],
            [[u.code, u.name] for u in sorted(lookups.units.values(), key=lambda u: u.sort_order)],
        ),
        "functional": (
            ["编码", "名称"],
            [[c.code, c.name] for c in sorted(lookups.functional.values(), key=lambda c: c.code)],
        ),
        "economic": (
            ["编码", "名称"],
            [[c.code, c.name] for c in sorted(lookups.economic.values(), key=lambda c: c.code)],
        ),
        "funding": (
            ["代码", "名称", "上级"],
            [
                [f.code, f.name, lookups.funding_by_pk[f.parent_id].name if f.parent_id else ""]
                for f in sorted(lookups.funding.values(), key=lambda f: f.sort_order)
            ],
        ),
        "items": (
            ["编码", "名称"],
            [[i.code, i.name] for i in sorted(lookups.items.values(), key=lambda i: i.code)],
        ),
        "categories": (
            ["名称"],
            [[c.name] for c in sorted(lookups.categories.values(), key=lambda c: c.sort_order)],
        ),
        "project_types": (["名称"], [[label] for label in PROJECT_TYPE_LABELS.values()]),
        "fund_uses": (["名称"], [[label] for label in FUND_USE_LABELS.values()]),
        "asset_categories": (["名称"], [[label] for label in ASSET_CATEGORY_LABELS.values()]),
        **_indicator_levels(),
    }


def _indicator_levels() -> dict[str, tuple[list[str], list[list]]]:
    """The indicator tree of DOMAIN §6 by its Chinese labels (what the import reads)."""
    with translation.override("zh-hans"):
        level1 = {value: str(label) for value, label in Level1.choices}
        return {
            "level1": (["名称"], [[label] for label in level1.values()]),
            "level2": (
                ["名称", "一级指标"],
                [[str(label), level1[LEVEL1_OF[value]]] for value, label in Level2.choices],
            ),
        }


def build_template(*, cycle: BudgetCycle, unit: Unit | None = None, with_data: bool = False) -> Workbook:
    from .kinds import kinds
    from .resources import Lookups

    lookups = Lookups(cycle, unit)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = INSTRUCTIONS
    for row, line in enumerate(INSTRUCTION_LINES, start=1):
        sheet.cell(row=row, column=1, value=line)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.cell(row=len(INSTRUCTION_LINES) + 2, column=1, value=f"预算年度 Fiscal year: {cycle.year}")
    if unit is not None:
        sheet.cell(row=len(INSTRUCTION_LINES) + 3, column=1, value=f"单位 Unit: {unit.code} {unit.name}")
    sheet.column_dimensions["A"].width = 110
    row = len(INSTRUCTION_LINES) + 5
    sheet.cell(row=row, column=1, value=SHEETS_HEADING).font = Font(bold=True)
    for offset, kind in enumerate(kinds(), start=1):
        sheet.cell(row=row + offset, column=1, value=f"· {kind.sheet}：{kind.resource.title}")
    row += len(kinds()) + 2
    sheet.cell(row=row, column=1, value=CODE_SHEETS_HEADING).font = Font(bold=True)
    for offset, title in enumerate(CODE_SHEETS, start=1):
        sheet.cell(row=row + offset, column=1, value=f"· {title}")

    offered = _offered(lookups)
    code_rows = _code_rows(lookups)
    for kind in kinds():
        resource = kind.resource(lookups)
        ws = workbook.create_sheet(kind.sheet)
        columns = [f.column_name for f in resource.fields.values()]
        for index, column in enumerate(columns, start=1):
            cell = ws.cell(row=1, column=index, value=column)
            cell.font = Font(bold=True)
            cell.fill = HEAD_FILL
            note = (
                resource.notes.get(column)
                or COLUMN_NOTES.get(column)
                or (AMOUNT_NOTE if "（元）" in column else "")
            )
            if note:
                cell.comment = Comment(note, "budget", width=320, height=90)
            ws.column_dimensions[get_column_letter(index)].width = max(12, len(column) * 2 + 4)
        ws.freeze_panes = "A2"
        _validations(ws, resource, offered, code_rows)
        if with_data:
            dataset = resource.export(queryset=kind.queryset(cycle, unit))
            for values in dataset:
                ws.append(list(values))
                for cell in ws[ws.max_row]:
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        # A target such as “=380宗” is text, not a formula.
                        cell.data_type = "s"

    for title, key in CODE_SHEETS.items():
        headers, rows = code_rows[key]
        ws = workbook.create_sheet(title)
        ws.append(headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = HEAD_FILL
        for values in rows:
            ws.append(values)
        if title in offered:
            dropdown = len(headers) + 1
            ws.cell(row=1, column=dropdown, value=DROPDOWN).font = Font(bold=True)
            for number, choice in enumerate(offered[title], start=2):
                ws.cell(row=number, column=dropdown, value=choice)
            ws.column_dimensions[get_column_letter(dropdown)].width = 48
        ws.column_dimensions["A"].width = 16
        ws.column_dimensions["B"].width = 40
    return text_cells_only(workbook)


def _offered(lookups) -> dict[str, list[str]]:
    """What each coded column's drop-down offers, per 代码-… sheet: "code name" where there are
    codes (funding sources: the leaves only, DOMAIN §9); the names where there are none."""

    def code_name(entries) -> list[str]:
        return [f"{e.code} {e.name}" for e in sorted(entries, key=lambda e: e.code)]

    return {
        "代码-单位": [
            f"{u.code} {u.name}" for u in sorted(lookups.units.values(), key=lambda u: u.sort_order)
        ],
        "代码-功能科目": code_name(lookups.functional.values()),
        "代码-经济科目": code_name(lookups.economic.values()),
        "代码-资金来源": [f"{f.code} {f.name}" for f in lookups.leaf_sources()],
        "代码-采购品目": code_name(lookups.items.values()),
    }


def _list_range(sheet: str, offered: dict[str, list[str]], rows: int) -> str:
    """The cells of ``sheet`` a drop-down reads: its 下拉选项 column, or the names (column A)."""
    if sheet in offered:
        column = {"代码-资金来源": "D"}.get(sheet, "C")
        return f"'{sheet}'!${column}$2:${column}${len(offered[sheet]) + 1}"
    return f"'{sheet}'!$A$2:$A${rows + 1}"


def _validations(ws, resource, offered: dict[str, list[str]], code_rows: dict) -> None:
    """A drop-down on every coded column, from its widget's 代码-… sheet. Typing a code or a name
    stays allowed (no error alert): the import checks every cell."""
    for index, field in enumerate(resource.fields.values(), start=1):
        sheet = getattr(field.widget, "sheet", "")
        if field.column_name == "单位代码":
            sheet = "代码-单位"
        if sheet:
            formula = _list_range(sheet, offered, len(code_rows[CODE_SHEETS[sheet]][1]))
        elif field.column_name == "待支付以前年度采购":
            formula = '"是,否"'
        else:
            continue
        validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=False)
        letter = get_column_letter(index)
        validation.add(f"{letter}2:{letter}5000")
        ws.add_data_validation(validation)


def template_bytes(**kwargs) -> bytes:
    buffer = io.BytesIO()
    text_cells_only(build_template(**kwargs)).save(buffer)
    return buffer.getvalue()

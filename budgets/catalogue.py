"""Procurement-catalogue codes (DOMAIN §4): what a code means, and loading a catalogue from Excel.

The 2022 national catalogue (《政府采购品目分类目录》, 财库〔2022〕31号; docs/procurement-catalogue.md)
codes an item as a letter (A 货物, B 工程, C 服务) and 8 digits, two per level, a heading padded
with zeros: A02000000 设备 → A02010000 信息化设备 → A02010100 计算机 → A02010105 台式计算机.
An item's parent is its code with the last non-zero pair set to 00; a first-level heading's
parent is its letter. The 2020 file uses short codes (the letter and 2, 4, 6 or 8 digits: A03,
C1000). A catalogue that holds one 8-digit code is of the 2022 kind.

:func:`resolve_item` is the one place that decides what a code written on a line means: a known
code is its item; a well-formed code the catalogue lacks is a warning, not a refusal (the line is
kept against an unlisted item, ``listed=False``, for someone to check); a malformed code is
refused. The importer, the forms and :func:`catalogue_load_xlsx` all ask here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

import openpyxl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import policy

from .models import CatalogueVersion, ProcurementItem

if TYPE_CHECKING:
    from pathlib import Path

    from core.policy import AnyUser

PAIRS = 4  # a 2022 code: the letter and four pairs of digits
_FULL = re.compile(r"[ABC](?:\d{8})?")
_SHORT = re.compile(r"[ABC](?:\d{2}){0,4}")
_FULL_IN_DATABASE = r"^[ABC][0-9]{8}$"
NAME_MAX_LENGTH = ProcurementItem._meta.get_field("name").max_length

# The headers of the code and name columns, compared without spaces: the published PDF prints
# "编 码 | 品目名称 | 说 明".
CODE_HEADERS = frozenset({"品目编码", "编码"})
NAME_HEADERS = frozenset({"品目名称", "名称"})
HEADER_SEARCH_ROWS = 20


def normalise_code(code: object) -> str:
    return str(code if code is not None else "").strip().upper()


def _pairs(code: str) -> list[str]:
    return [code[i : i + 2] for i in range(1, len(code), 2)]


def _significant_pairs(code: str) -> list[str]:
    """The pairs before the zero padding: A02010100 → 02, 01, 01."""
    pairs = _pairs(code)
    while pairs and pairs[-1] == "00":
        pairs.pop()
    return pairs


def uses_full_codes(catalogue: CatalogueVersion) -> bool:
    """The catalogue is of the 2022 kind (letter + 8 digits)."""
    return catalogue.items.filter(code__regex=_FULL_IN_DATABASE).exists()


def _is_full_code(code: str) -> bool:
    """A letter, or a letter and 8 digits whose zeros only pad: A02010100 yes, A00010000 no."""
    if not _FULL.fullmatch(code):
        return False
    if len(code) == 1:
        return True
    significant = _significant_pairs(code)
    return bool(significant) and "00" not in significant


def is_well_formed(code: str, catalogue: CatalogueVersion, *, full: bool | None = None) -> bool:
    """``code`` has the shape of the catalogue's codes (``full`` spares the query when known)."""
    code = normalise_code(code)
    if full is None:
        full = uses_full_codes(catalogue)
    return _is_full_code(code) if full else bool(_SHORT.fullmatch(code))


def parent_code(code: str) -> str | None:
    """The parent a 2022 code names: A02010105 → A02010100, A02000000 → A, A → none."""
    if len(code) == 1:
        return None
    significant = _significant_pairs(code)
    if len(significant) <= 1:
        return code[0]
    kept = significant[:-1]
    return code[0] + "".join(kept) + "00" * (PAIRS - len(kept))


def ancestor_codes(code: str) -> list[str]:
    """Where a code's parent may be, nearest first: the code with its last significant pair
    zeroed (2022: A02010105 → A02010100) or dropped (2020: A0301 → A03), then one level up, …,
    then the letter."""
    significant = _significant_pairs(code)
    width = len(_pairs(code))
    candidates: list[str] = []
    for kept in range(len(significant) - 1, 0, -1):
        prefix = code[0] + "".join(significant[:kept])
        candidates += [prefix + "00" * (width - kept), prefix]
    if len(code) > 1:
        candidates.append(code[0])
    return list(dict.fromkeys(candidates))


def _nearest(codes: list[str], present) -> str | None:
    return next((c for c in codes if c in present), None)


def malformed_message(code: str, catalogue: CatalogueVersion, *, full: bool) -> str:
    if full:
        return _(
            "采购品目编码“%(code)s”格式不正确：%(catalogue)s 年目录的编码为 A、B 或 C 加 8 位数字，"
            "每级 2 位，上级编码末尾补 0（如 A02010105、C21040000）"
        ) % {"code": code, "catalogue": catalogue.code}
    return _(
        "采购品目编码“%(code)s”格式不正确：%(catalogue)s 年目录的编码为 A、B 或 C 加 2、4、6 或 8 位数字（如 A03、C1000）"
    ) % {"code": code, "catalogue": catalogue.code}


def unlisted_warning(code: str, catalogue: CatalogueVersion) -> str:
    return _("采购品目编码 %(code)s 不在 %(catalogue)s 年目录中，已按未列入目录的品目记录，请核对") % {
        "code": code,
        "catalogue": catalogue.code,
    }


def resolve_item(
    *, catalogue: CatalogueVersion, code: str, create: bool = False, name: str = ""
) -> tuple[ProcurementItem | None, str | None]:
    """What ``code`` means in ``catalogue``, as (item, warning).

    A listed item: (item, None). A code the published catalogue lacks but that has its shape:
    a warning, with no item, or with a new unlisted item (named ``name``, under its nearest
    existing ancestor) when ``create``; an unlisted item made earlier comes back with the same
    warning. A malformed code raises ``ValidationError``.
    """
    code = normalise_code(code)
    item = catalogue.items.filter(code=code).first()
    if item is not None:
        return item, None if item.listed else unlisted_warning(code, catalogue)
    full = uses_full_codes(catalogue)
    if not is_well_formed(code, catalogue, full=full):
        raise ValidationError(
            malformed_message(code, catalogue, full=full), code="malformed_procurement_code"
        )
    warning = unlisted_warning(code, catalogue)
    if not create:
        return None, warning
    ancestors = ancestor_codes(code)
    parents = {p.code: p for p in catalogue.items.filter(code__in=ancestors)}
    item, _created = ProcurementItem.objects.get_or_create(
        catalogue=catalogue,
        code=code,
        defaults={
            # A name is data, kept in Chinese whatever the user's language.
            "name": (name.strip() or f"未列入目录的品目 {code}")[:NAME_MAX_LENGTH],
            "parent": parents.get(_nearest(ancestors, parents)),
            "listed": False,
        },
    )
    return item, warning


# --- Loading a catalogue from a workbook ------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int | None  # the worksheet's row number; None for the workbook as a whole
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return _("第 %(row)d 行：%(message)s") % {"row": self.row, "message": self.message}


@dataclass
class CatalogueLoadSummary:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _WorkbookUnreadable(Exception):
    pass


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _read_rows(file) -> tuple[list[tuple[int, str, str]], list[RowError]]:
    """The (row number, code, name) rows under the first header row that names both columns."""
    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise _WorkbookUnreadable(str(exc)) from exc
    try:
        for worksheet in workbook.worksheets:
            columns = None
            rows: list[tuple[int, str, str]] = []
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                cells = [_cell_text(v) for v in values]
                if columns is None:
                    if number > HEADER_SEARCH_ROWS:
                        break
                    headers = [re.sub(r"\s+", "", c) for c in cells]
                    code_col = next((i for i, h in enumerate(headers) if h in CODE_HEADERS), None)
                    name_col = next((i for i, h in enumerate(headers) if h in NAME_HEADERS), None)
                    if code_col is not None and name_col is not None:
                        columns = (code_col, name_col)
                    continue
                code = cells[columns[0]] if columns[0] < len(cells) else ""
                name = cells[columns[1]] if columns[1] < len(cells) else ""
                if code or name:
                    rows.append((number, code, name))
            if columns is not None:
                return rows, []
    finally:
        workbook.close()
    return [], [RowError(None, _("未找到表头：需要“品目编码”和“品目名称”两列（在前 20 行内）"))]


def _check_rows(
    rows: list[tuple[int, str, str]], catalogue: CatalogueVersion, *, full: bool
) -> tuple[dict[str, str], list[RowError]]:
    names: dict[str, str] = {}
    first_row: dict[str, int] = {}
    errors: list[RowError] = []
    for number, raw_code, name in rows:
        code = normalise_code(raw_code)
        if not code:
            errors.append(RowError(number, _("品目编码为空")))
        elif not is_well_formed(code, catalogue, full=full):
            errors.append(RowError(number, malformed_message(code, catalogue, full=full)))
        elif code in first_row:
            errors.append(
                RowError(
                    number,
                    _("品目编码 %(code)s 与第 %(row)d 行重复") % {"code": code, "row": first_row[code]},
                )
            )
        if not name:
            errors.append(RowError(number, _("品目名称为空")))
        elif len(name) > NAME_MAX_LENGTH:
            errors.append(RowError(number, _("品目名称超过 %(max)d 个字") % {"max": NAME_MAX_LENGTH}))
        if code and code not in first_row:
            first_row[code] = number
            names[code] = name
    return names, errors


def catalogue_load_xlsx(
    *, actor: AnyUser | None, catalogue: CatalogueVersion, file: str | Path | IO[bytes]
) -> CatalogueLoadSummary:
    """Load a catalogue's items from a workbook (columns 品目编码, 品目名称), all or nothing.

    Known codes take the file's name and are marked listed, new codes are added as listed, and
    every code of the file is put under its parent by the code rule (the nearest ancestor in the
    file or the catalogue). Every problem of the file is reported with its row; if there is one,
    nothing is written. ``actor`` must be an administrator (``policy.can_manage_codes``); None is
    the command line, whose operator already holds the server and its database.
    """
    if actor is not None and not policy.can_manage_codes(actor):
        raise PermissionDenied(_("只有系统管理员可以导入采购品目目录"))
    summary = CatalogueLoadSummary()
    try:
        rows, summary.errors = _read_rows(file)
    except _WorkbookUnreadable as exc:
        summary.errors = [RowError(None, _("无法读取该 Excel 文件：%(error)s") % {"error": exc})]
        return summary
    if summary.errors:
        return summary
    if not rows:
        summary.errors = [RowError(None, _("表头下没有品目行"))]
        return summary
    names, summary.errors = _check_rows(rows, catalogue, full=uses_full_codes(catalogue))
    if summary.errors:
        return summary
    with transaction.atomic():
        CatalogueVersion.objects.select_for_update().get(pk=catalogue.pk)
        existing = {item.code: item for item in catalogue.items.all()}
        new = [
            ProcurementItem(catalogue=catalogue, code=code, name=name, listed=True)
            for code, name in sorted(names.items())
            if code not in existing
        ]
        ProcurementItem.objects.bulk_create(new)
        items = {item.code: item for item in catalogue.items.all()}
        changed = []
        for code, name in sorted(names.items()):
            item = items[code]
            parent = items.get(_nearest(ancestor_codes(code), items))
            before = (item.name, item.listed, item.parent_id)
            item.name, item.listed, item.parent = name, True, parent
            if code not in existing:
                summary.added.append(code)
                changed.append(item)
            elif before != (item.name, item.listed, item.parent_id):
                summary.updated.append(code)
                changed.append(item)
            else:
                summary.unchanged += 1
        ProcurementItem.objects.bulk_update(changed, ["name", "listed", "parent"], batch_size=500)
    return summary

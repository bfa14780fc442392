"""The rounds as a workbook: one sheet per unit the user may see, each figure (rows) in each round
(columns), 万元 with two places rounded cell by cell (``budgets.money.to_wan``)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from budgets.money import to_wan

from .models import Round
from .selectors import rounds_table


def rounds_workbook(ceilings) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for ceiling in ceilings:
        sheet = workbook.create_sheet(title=ceiling.unit.short_name[:31])
        sheet.append(
            [_("Ceiling %(year)s · %(unit)s") % {"year": ceiling.cycle.year, "unit": ceiling.unit.name}]
        )
        sheet.append([_("Unit: 10,000 yuan (万元) unless marked 元.")])
        sheet.append(["", *[str(r.label) for r in Round]])
        for label, values in rounds_table(ceiling):
            sheet.append([str(label), *[None if v is None else float(to_wan(v, 2)) for v in values]])
        sheet.column_dimensions["A"].width = 24
    if not workbook.sheetnames:
        workbook.create_sheet(title=_("Ceilings"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

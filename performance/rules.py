"""What a reviewer expects of a project's target table (DOMAIN §6), as a pure function.

``target_problems`` checks rows that may not be saved yet (the entry form asks it on every change),
so the rules live here once and ``services.project_target_problems`` only feeds it saved rows.

* at least one output indicator, and at least one effect or satisfaction indicator;
* rates (name with 率, but not 效率 "efficiency") and counts (level 2 数量, or a name ending in
  数 / 数量 / 次数 / 场次) carry a number;
* satisfaction indicators (level 1 满意度指标) carry a percentage;
* every indicator has a target value and a source of the target value;
* level 2 belongs to level 1.

A "not applicable" target is exempt from the number rules. A target the parser had to keep as
text for review is not a problem by itself: the reviewer sees the flag beside the row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import LEVEL1_OF, Level1, Level2
from .targets import ParsedTarget, parse_target

_RATE = re.compile(r"(?<!效)率|比例|占比")
_COUNT_NAME = re.compile(r"(数|数量|次数|场次|人次)$")
_NUMERIC_KINDS = {"quantitative", "range"}


@dataclass(frozen=True)
class TargetRow:
    """One indicator row as the rules see it: saved (``indicator`` is its pk) or from a form."""

    level1: str
    level2: str
    name: str
    target_text: str
    target_source: str
    indicator: int | None = None
    position: int | None = None
    parsed: ParsedTarget | None = None  # the stored parsed form of a saved row, to save parsing again


@dataclass(frozen=True)
class TargetProblem:
    code: str
    message: Promise | str
    indicator: int | None = None  # the indicator concerned; None when it is about the whole table
    position: int | None = None  # its row in the form, for rows not saved yet

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "message": str(self.message),
            "indicator": self.indicator,
            "position": self.position,
        }


def is_rate(name: str) -> bool:
    return bool(_RATE.search(name))


def is_count(name: str, level2: str) -> bool:
    return level2 == Level2.QUANTITY or bool(_COUNT_NAME.search(name.strip()))


def target_problems(rows: Iterable[TargetRow]) -> list[TargetProblem]:
    rows = list(rows)
    problems: list[TargetProblem] = []
    levels = {row.level1 for row in rows}
    if Level1.OUTPUT not in levels:
        problems.append(TargetProblem("no_output", _("At least one output indicator is required.")))
    if not levels & {Level1.EFFECT, Level1.SATISFACTION}:
        problems.append(
            TargetProblem("no_effect", _("At least one effect or satisfaction indicator is required."))
        )
    for row in rows:
        problems.extend(_row_problems(row))
    return problems


def _row_problems(row: TargetRow) -> list[TargetProblem]:
    def problem(code: str, message: Promise) -> TargetProblem:
        return TargetProblem(code, message, indicator=row.indicator, position=row.position)

    name = row.name.strip() or "—"
    found = []
    if LEVEL1_OF.get(row.level2) != row.level1:
        found.append(
            problem(
                "level_mismatch",
                _("%(name)s: the level-2 indicator does not belong to its level 1.") % {"name": name},
            )
        )
    if not row.target_text.strip():
        found.append(problem("no_target", _("%(name)s: the target value is missing.") % {"name": name}))
        parsed = None
    else:
        parsed = row.parsed or parse_target(row.target_text)
    if not row.target_source.strip():
        found.append(
            problem("no_source", _("%(name)s: the source of the target value is missing.") % {"name": name})
        )
    if parsed is None or parsed.not_applicable:
        return found
    if row.level1 == Level1.SATISFACTION:
        if not _is_percentage(parsed):
            found.append(
                problem(
                    "satisfaction_not_percentage",
                    _("%(name)s: a satisfaction indicator needs a percentage, e.g. ≥90%%.") % {"name": name},
                )
            )
    elif (is_rate(row.name) or is_count(row.name, row.level2)) and parsed.kind not in _NUMERIC_KINDS:
        found.append(
            problem(
                "rate_or_count_without_number",
                _("%(name)s: a rate or a count needs a number as its target.") % {"name": name},
            )
        )
    return found


def _is_percentage(parsed: ParsedTarget) -> bool:
    return parsed.kind in _NUMERIC_KINDS and parsed.unit == "%"

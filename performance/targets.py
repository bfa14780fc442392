"""Parse the free-text target values (指标值) of the published performance tables.

The 表14/表15 cells are typed by hand, so one meaning comes in many spellings. ``parse_target``
turns a cell into a :class:`ParsedTarget`; ``format_target`` writes the canonical spelling back,
and parsing that spelling again gives the same fields.

Grammar, after normalisation (full-width ASCII to half-width, ``≧≦`` to ``≥≤``, ``>=``/``<=``,
LaTeX ``$\\geq 90\\%$``/``\\leq``/``\\ge``/``\\le``/``\\%``, whitespace runs collapsed, outer
whitespace and trailing sentence punctuation dropped)::

    target      = not-applicable | label | deadline | range | quantity
    quantity    = [subject] [word] [symbol] [approx] number [multiplier] unit {suffix}
    range       = [approx] number [multiplier] unit ("-" | "~" | "至" | "到") number [multiplier] unit
                | quantity ("&&" | "且" | ",") quantity          -- one ≥ and one ≤ half
    deadline    = [by] [year "年"] [month "月" [day "日"]] ["底" | "末"] ["内"] ["前"] ["完成"]
    number      = digits with optional thousands commas and decimals: 90, 99.5, 2,000,000
    multiplier  = 万 (x 10^4) | 亿 (x 10^8), unless 元 follows
    word        = 不低于 / 不少于 / 至少 / 达到 (≥), 不高于 / 不超过 / 至多 (≤), 高于 / 超过 (>), 低于 / 不足 (<)
    suffix      = 以上 (≥), 以下 / 以内 / 内 (≤), 左右 / 上下 (approximate), 完成 (filler)
    subject     = a rate named before its value: 合格率100%, 满意度≥90%

Examples::

    "2次"          -> quantitative, "=", 2, unit 次 (no comparator means equal)
    "≧7500 单"     -> quantitative, "≥", 7500, unit 单
    "$\\geq 90\\%$" -> quantitative, "≥", 90, unit %
    "≥380万"       -> quantitative, "≥", 3800000, multiplier 10000, unit ""
    "1000万元"     -> quantitative, "=", 1000, multiplier 1, unit 万元
    "约80000人次"  -> quantitative, "=", 80000, unit 人次, approximate
    "≥15&&≤18"     -> range 15..18            "1-2个工作日" -> range 1..2, unit 个工作日
    "2020年11月前" -> deadline ≤ 2020-11-30   "2020年底前"  -> deadline ≤ 2020-12-31
    "提高"         -> qualitative, label 提升 "不适用", "/", "无", "-" -> not applicable

Decisions a reader should know:

* 万/亿 right after the number is a multiplier (``≥380万`` is 3,800,000 people), except in 万元
  and 亿元: those are money units of their own, and the bureau's tables are kept in 万元, so
  ``1000万元`` stays 1000 with unit 万元 and can be compared with the budget columns directly.
  ``value`` always holds the multiplied number; ``multiplier`` is kept for display.
* A range has no single comparator (``comparator`` is None) and direction "equal": it is reached
  inside [value, upper]. Only inclusive bounds form a range; ``>15&&<18`` is sent to review.
* A deadline's date is the last day of the period named: ``2020年11月`` is 2020-11-30 and
  ``deadline_precision`` "month". With 前/以前/内/截至 the comparator is "≤" (earlier is better),
  without it "=" (in that period). A deadline without a year (``11月底前``) keeps kind
  "deadline" with ``deadline`` None, is flagged for review, and keeps its text in ``label`` so
  that nothing is lost and the canonical text can be written back.
* Qualitative values are accepted only from a known vocabulary (:data:`QUALITATIVE_LABELS`),
  with obvious synonyms folded (提高 -> 提升, 降低 -> 下降, 按时 -> 及时, 可以 -> 是). Anything else,
  including text that mentions numbers the grammar cannot place (``每个班次6人``, opening hours,
  two areas in one cell), becomes qualitative with ``needs_review`` and its stripped text as label.
* Negative numbers and ISO dates are not part of the published forms; they go to review.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Literal, NamedTuple, cast

Kind = Literal["quantitative", "range", "deadline", "qualitative"]
Comparator = Literal["=", "≥", ">", "≤", "<"]
Direction = Literal["increase", "decrease", "equal"]
Precision = Literal["", "year", "month", "day"]

ONE = Decimal(1)

NOT_APPLICABLE_LABEL = "不适用"

# Surface spelling -> canonical label. Short verdicts an evaluator can mark reached / partly /
# not reached; the longer entries are phrases the 2020 tables use as complete targets.
QUALITATIVE_LABELS: dict[str, str] = {
    "及时": "及时",
    "按时": "及时",
    "准时": "及时",
    "提升": "提升",
    "提高": "提升",
    "下降": "下降",
    "降低": "下降",
    "减少": "下降",
    "有效": "有效",
    "完整": "完整",
    "合格": "合格",
    "是": "是",
    "可以": "是",
    "否": "否",
    "满意": "满意",
    "达标": "达标",
    "良好": "良好",
    "规范": "规范",
    "准确": "准确",
    "安全": "安全",
    "完成": "完成",
    "到位": "到位",
    "正常": "正常",
    "改善": "改善",
    "优化": "优化",
    "促进": "促进",
    "耐用": "耐用",
    "节电": "节电",
    "全员": "全员",
    "保质保量": "保质保量",
    "足额支付": "足额支付",
    "满足业务需求": "满足业务需求",
    "提升效率": "提升效率",
    "良好氛围": "良好氛围",
}

_MULTIPLIER_POWERS = {"万": 4, "亿": 8}
_MULTIPLIER_SYMBOLS = {Decimal(10) ** power: symbol for symbol, power in _MULTIPLIER_POWERS.items()}

# None marks a filler word that carries no comparator.
_PREFIX_WORDS: dict[str, Comparator | None] = {
    "不低于": "≥",
    "不少于": "≥",
    "不小于": "≥",
    "大于等于": "≥",
    "大于或等于": "≥",
    "至少": "≥",
    "达到": "≥",
    "不高于": "≤",
    "不超过": "≤",
    "不大于": "≤",
    "不多于": "≤",
    "小于等于": "≤",
    "小于或等于": "≤",
    "至多": "≤",
    "最多": "≤",
    "高于": ">",
    "大于": ">",
    "超过": ">",
    "多于": ">",
    "低于": "<",
    "小于": "<",
    "少于": "<",
    "不足": "<",
    "等于": "=",
    "完成": None,
}

_APPROXIMATE = "approximate"
# 以上/以下 include the number itself, as in Chinese regulations.
_SUFFIX_WORDS: dict[str, str | None] = {
    "及以上": "≥",
    "以上": "≥",
    "及以下": "≤",
    "以下": "≤",
    "以内": "≤",
    "之内": "≤",
    "内": "≤",
    "左右": _APPROXIMATE,
    "上下": _APPROXIMATE,
    "完成": None,
}


def _alternation(words: Iterable[str]) -> str:
    # Longest first, so that 不低于 wins over 低于.
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


_NUMBER = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?"
_MULTIPLIER = r"[万亿](?!\s*元)"
_UNIT = r"(?:[^\W\d_]|[%‰/·℃㎡])*"
_APPROX_PREFIX = r"约为|大约|大概|约|≈"

_QUANTITY = re.compile(
    r"(?P<subject>[\u4e00-\u9fff]{0,8}(?:率|满意度))?\s*"
    rf"(?P<word>{_alternation(_PREFIX_WORDS)})?\s*"
    r"(?P<symbol>[=≥>≤<])?\s*"
    rf"(?P<approx>{_APPROX_PREFIX})?\s*"
    rf"(?P<number>{_NUMBER})\s*"
    rf"(?P<multiplier>{_MULTIPLIER})?\s*"
    rf"(?P<unit>{_UNIT})"
)
_DASH_RANGE = re.compile(
    rf"(?P<approx>{_APPROX_PREFIX})?\s*"
    rf"(?P<low>{_NUMBER})\s*(?P<low_multiplier>{_MULTIPLIER})?\s*(?P<low_unit>{_UNIT})\s*"
    r"(?:-|~|〜|—|–|至|到)\s*"
    rf"(?P<high>{_NUMBER})\s*(?P<high_multiplier>{_MULTIPLIER})?\s*(?P<high_unit>{_UNIT})"
)
# A comma or semicolon joins two bounds only when a comparator follows; otherwise it may be a
# thousands separator or a list.
_RANGE_JOIN = re.compile(r"\s*(?:&&?|并且|且|[,;](?=\s*(?:[≥>≤<]|不)))\s*")
_DEADLINE = re.compile(
    r"(?P<by>截至|截止到|截止|不晚于|不迟于)?\s*"
    r"(?:(?P<year>(?:19|20)[0-9]{2})\s*年)?\s*"
    r"(?:(?P<month>1[0-2]|0?[1-9])\s*月\s*(?:(?P<day>3[01]|[12][0-9]|0?[1-9])\s*[日号])?)?\s*"
    r"(?P<end>底|末)?(?P<within>以内|之内|内)?(?P<before>以前|之前|前)?(?:完成)?"
)
# Text that looks like a date but is not a deadline the grammar knows must not be read as a
# quantity with unit 年 or 月.
_DATE_LIKE = re.compile(r"[0-9]{4}\s*年|[0-9]\s*月")
_NOT_APPLICABLE = re.compile(r"不适用|无|[-—–/]+|n/?a", re.IGNORECASE)

# Full-width ASCII (U+FF01..U+FF5E) to half-width, plus the other look-alikes seen in Office files.
_CHARACTER_MAP = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {
    0x3000: " ",
    0x2267: "≥",  # ≧
    0x2266: "≤",  # ≦
    0x2A7E: "≥",  # ⩾
    0x2A7D: "≤",  # ⩽
    0xFE6A: "%",  # ﹪
}
_LATEX = re.compile(r"\\(?:(?P<word>geq|ge|leq|le|gt|lt|approx)(?![A-Za-z])|(?P<percent>%))")
_LATEX_SYMBOLS = {"geq": "≥", "ge": "≥", "leq": "≤", "le": "≤", "gt": ">", "lt": "<", "approx": "≈"}
_ASCII_COMPARATORS = re.compile(r">=|<=|==+")
_ASCII_SYMBOLS = {">=": "≥", "<=": "≤"}
_WHITESPACE = re.compile(r"\s+")
_TRAILING_PUNCTUATION = re.compile(r"[\s。.;；,，!！]+$")

_DIRECTIONS: dict[str, Direction] = {
    "≥": "increase",
    ">": "increase",
    "≤": "decrease",
    "<": "decrease",
    "=": "equal",
}


@dataclass(frozen=True)
class ParsedTarget:
    """One target value; ``original`` is always the cell text exactly as given."""

    original: str
    kind: Kind
    comparator: Comparator | None = None
    value: Decimal | None = None
    upper: Decimal | None = None
    unit: str = ""
    multiplier: Decimal = ONE
    approximate: bool = False
    deadline: date | None = None
    deadline_precision: Precision = ""
    label: str = ""
    direction: Direction | None = None
    not_applicable: bool = False
    needs_review: bool = False


class _Quantity(NamedTuple):
    comparator: Comparator | None  # None when the text gives none
    approximate: bool
    value: Decimal
    multiplier: Decimal
    unit: str


def parse_target(text: str) -> ParsedTarget:
    """Parse one target cell; never raises, and keeps unparseable text as a flagged label."""
    normalised = _normalise(text)
    if _NOT_APPLICABLE.fullmatch(normalised):
        return ParsedTarget(
            original=text, kind="qualitative", label=NOT_APPLICABLE_LABEL, not_applicable=True
        )
    if normalised in QUALITATIVE_LABELS:
        return ParsedTarget(original=text, kind="qualitative", label=QUALITATIVE_LABELS[normalised])
    deadline = _DEADLINE.fullmatch(normalised)
    if deadline and (deadline["year"] or deadline["month"]):
        return _parse_deadline(text, normalised, deadline) or _needs_review(text)
    if _DATE_LIKE.search(normalised):
        return _needs_review(text)
    return _parse_range(text, normalised) or _parse_quantity(text, normalised) or _needs_review(text)


def format_target(parsed: ParsedTarget) -> str:
    """Write the canonical text of a parsed target (parsing it again gives the same fields)."""
    if parsed.not_applicable:
        return NOT_APPLICABLE_LABEL
    if parsed.kind == "qualitative":
        return parsed.label
    if parsed.kind == "deadline":
        return _format_deadline(parsed)
    approx = "约" if parsed.approximate else ""
    multiplier = _MULTIPLIER_SYMBOLS.get(parsed.multiplier, "")
    power = _MULTIPLIER_POWERS.get(multiplier, 0)
    assert parsed.value is not None
    value = _plain(_scale(parsed.value, -power))
    if parsed.kind == "range":
        assert parsed.upper is not None
        upper = _plain(_scale(parsed.upper, -power))
        return f"{approx}{value}-{upper}{multiplier}{parsed.unit}"
    # "=" is implied by 约 and would only clutter it.
    comparator = "" if parsed.approximate and parsed.comparator == "=" else parsed.comparator or ""
    return f"{comparator}{approx}{value}{multiplier}{parsed.unit}"


def _normalise(text: str) -> str:
    text = text.translate(_CHARACTER_MAP).replace("$", "")
    text = _LATEX.sub(lambda m: _LATEX_SYMBOLS[m["word"]] if m["word"] else "%", text)
    text = _ASCII_COMPARATORS.sub(lambda m: _ASCII_SYMBOLS.get(m[0], "="), text)
    # One space per run: the grammar's optional spaces sit next to each other, and long runs would
    # make the regexes backtrack for minutes.
    text = _WHITESPACE.sub(" ", text)
    return _TRAILING_PUNCTUATION.sub("", text).strip()


def _needs_review(text: str) -> ParsedTarget:
    return ParsedTarget(original=text, kind="qualitative", label=text.strip(), needs_review=True)


def _parse_quantity(text: str, normalised: str) -> ParsedTarget | None:
    quantity = _match_quantity(normalised)
    if quantity is None:
        return None
    comparator = quantity.comparator or "="
    return ParsedTarget(
        original=text,
        kind="quantitative",
        comparator=comparator,
        value=quantity.value,
        unit=quantity.unit,
        multiplier=quantity.multiplier,
        approximate=quantity.approximate,
        direction=_DIRECTIONS[comparator],
    )


def _match_quantity(text: str) -> _Quantity | None:
    core, markers = _strip_suffixes(text)
    match = _QUANTITY.fullmatch(core)
    if match is None:
        return None
    if match["word"]:
        markers.add(_PREFIX_WORDS[match["word"]])
    markers.add(match["symbol"])
    if match["approx"]:
        markers.add(_APPROXIMATE)
    comparators = [marker for marker in markers if marker in _DIRECTIONS]
    if len(comparators) > 1:
        return None  # e.g. ≥90%以下: contradicts itself
    multiplier_power = _MULTIPLIER_POWERS.get(match["multiplier"] or "", 0)
    return _Quantity(
        comparator=cast(Comparator, comparators[0]) if comparators else None,
        approximate=_APPROXIMATE in markers,
        value=_scale(_decimal(match["number"]), multiplier_power),
        multiplier=Decimal(10) ** multiplier_power,
        unit=match["unit"],
    )


def _strip_suffixes(text: str) -> tuple[str, set[str | None]]:
    # Stripped before the main regex because a unit may be any CJK text and would swallow them.
    markers: set[str | None] = set()
    stripped = True
    while stripped:
        stripped = False
        for word, marker in _SUFFIX_WORDS.items():
            if text.endswith(word) and len(text) > len(word):
                text = text[: -len(word)].rstrip()
                markers.add(marker)
                stripped = True
    return text, markers


def _parse_range(text: str, normalised: str) -> ParsedTarget | None:
    parts = _RANGE_JOIN.split(normalised)
    if len(parts) == 2:
        return _parse_compound_range(text, *parts)
    if len(parts) > 2:
        return None
    core, markers = _strip_suffixes(normalised)
    match = _DASH_RANGE.fullmatch(core)
    if match is None or markers - {None, _APPROXIMATE}:
        return None
    high_power = _MULTIPLIER_POWERS.get(match["high_multiplier"] or "", 0)
    # "1-2万份" means 10,000-20,000: the lower number takes the upper one's multiplier.
    low_power = _MULTIPLIER_POWERS.get(match["low_multiplier"] or "", high_power)
    low = _Quantity(None, False, _scale(_decimal(match["low"]), low_power), ONE, match["low_unit"])
    high = _Quantity(None, False, _scale(_decimal(match["high"]), high_power), ONE, match["high_unit"])
    approximate = bool(match["approx"]) or _APPROXIMATE in markers
    return _range(text, low, high, Decimal(10) ** (high_power or low_power), approximate)


def _parse_compound_range(text: str, first: str, second: str) -> ParsedTarget | None:
    halves = [_match_quantity(first), _match_quantity(second)]
    if None in halves:
        return None
    by_comparator = {half.comparator: half for half in halves if half is not None}
    if set(by_comparator) != {"≥", "≤"}:
        return None
    low, high = by_comparator["≥"], by_comparator["≤"]
    multiplier = high.multiplier if high.multiplier != ONE else low.multiplier
    return _range(text, low, high, multiplier, low.approximate or high.approximate)


def _range(
    text: str, low: _Quantity, high: _Quantity, multiplier: Decimal, approximate: bool
) -> ParsedTarget | None:
    if low.unit and high.unit and low.unit != high.unit:
        return None
    if low.value > high.value:
        return None
    return ParsedTarget(
        original=text,
        kind="range",
        value=low.value,
        upper=high.value,
        unit=high.unit or low.unit,
        multiplier=multiplier,
        approximate=approximate,
        direction="equal",
    )


def _parse_deadline(text: str, normalised: str, match: re.Match[str]) -> ParsedTarget | None:
    if match["day"] and match["end"]:
        return None  # "30日底" names no period
    comparator: Comparator = "≤" if match["by"] or match["within"] or match["before"] else "="
    parsed = ParsedTarget(
        original=text,
        kind="deadline",
        comparator=comparator,
        deadline_precision="day" if match["day"] else "month" if match["month"] else "year",
        direction=_DIRECTIONS[comparator],
    )
    if not match["year"]:
        # The text itself is the only record of the month and day; keep it for display and review.
        return replace(parsed, label=normalised, needs_review=True)
    year = int(match["year"])
    month = int(match["month"] or 12)
    try:
        deadline = date(year, month, int(match["day"] or calendar.monthrange(year, month)[1]))
    except ValueError:
        return None  # 2月30日
    return replace(parsed, deadline=deadline)


def _format_deadline(parsed: ParsedTarget) -> str:
    if parsed.deadline is None:
        return parsed.label
    before = parsed.comparator == "≤"
    day = parsed.deadline
    if parsed.deadline_precision == "year":
        return f"{day.year}年底前" if before else f"{day.year}年"
    text = f"{day.year}年{day.month}月"
    if parsed.deadline_precision == "day":
        text += f"{day.day}日"
    return text + ("前" if before else "")


def _decimal(number: str) -> Decimal:
    return Decimal(number.replace(",", ""))


def _scale(number: Decimal, power: int) -> Decimal:
    # Exact shift by a power of ten: Decimal arithmetic would round to the context's 28 digits.
    sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    exponent += power
    if exponent > 0:
        digits, exponent = digits + (0,) * exponent, 0
    return Decimal((sign, digits, exponent))


def _plain(number: Decimal) -> str:
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text

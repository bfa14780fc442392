"""Target-value parsing (DOMAIN §6): every published 2020 string, the documented forms, properties."""

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from performance.targets import QUALITATIVE_LABELS, ParsedTarget, format_target, parse_target

TARGET_STRINGS = Path(__file__).parents[2] / "performance" / "demo_data" / "2020" / "target_strings.json"

DIRECTIONS = {"=": "equal", "≥": "increase", ">": "increase", "≤": "decrease", "<": "decrease"}


def quantity(
    comparator: str, value: str, unit: str = "", *, multiplier: int = 1, approximate: bool = False
) -> ParsedTarget:
    return ParsedTarget(
        original="",
        kind="quantitative",
        comparator=comparator,  # type: ignore[arg-type]
        value=Decimal(value),
        unit=unit,
        multiplier=Decimal(multiplier),
        approximate=approximate,
        direction=DIRECTIONS[comparator],  # type: ignore[arg-type]
    )


def band(value: str, upper: str, unit: str = "", *, multiplier: int = 1) -> ParsedTarget:
    return ParsedTarget(
        original="",
        kind="range",
        value=Decimal(value),
        upper=Decimal(upper),
        unit=unit,
        multiplier=Decimal(multiplier),
        direction="equal",
    )


def deadline(comparator: str, day: str, precision: str) -> ParsedTarget:
    return ParsedTarget(
        original="",
        kind="deadline",
        comparator=comparator,  # type: ignore[arg-type]
        deadline=date.fromisoformat(day),
        deadline_precision=precision,  # type: ignore[arg-type]
        direction=DIRECTIONS[comparator],  # type: ignore[arg-type]
    )


def label(text: str) -> ParsedTarget:
    return ParsedTarget(original="", kind="qualitative", label=text)


# Kept as qualitative, its own text as label, for a person to look at.
REVIEW = ParsedTarget(original="", kind="qualitative", needs_review=True)

# Written by reading each string of target_strings.json, in the file's order.
EXPECTED_2020: dict[str, ParsedTarget] = {
    "$\\geq 85\\%$": quantity("≥", "85", "%"),
    "$\\geq 90\\%$": quantity("≥", "90", "%"),
    "0": quantity("=", "0"),
    "0%": quantity("=", "0", "%"),
    "0次": quantity("=", "0", "次"),
    "0起": quantity("=", "0", "起"),
    "1": quantity("=", "1"),
    "1-2个工作日": band("1", "2", "个工作日"),
    "10": quantity("=", "10"),
    "100%": quantity("=", "100", "%"),
    "100万份": quantity("=", "1000000", "份", multiplier=10_000),
    "100宗": quantity("=", "100", "宗"),
    "1022册": quantity("=", "1022", "册"),
    "10台左右": quantity("=", "10", "台", approximate=True),
    "10次": quantity("=", "10", "次"),
    "10次左右": quantity("=", "10", "次", approximate=True),
    "11个": quantity("=", "11", "个"),
    "12": quantity("=", "12"),
    "1200盒": quantity("=", "1200", "盒"),
    "12次": quantity("=", "12", "次"),
    "150人": quantity("=", "150", "人"),
    "1580宗": quantity("=", "1580", "宗"),
    "15万": quantity("=", "150000", multiplier=10_000),
    "16": quantity("=", "16"),
    "17000": quantity("=", "17000"),
    "20": quantity("=", "20"),
    "20000": quantity("=", "20000"),
    "2000000份": quantity("=", "2000000", "份"),
    "2019年11月": deadline("=", "2019-11-30", "month"),
    "2019年12月": deadline("=", "2019-12-31", "month"),
    "2020年11月": deadline("=", "2020-11-30", "month"),
    "2020年11月前": deadline("≤", "2020-11-30", "month"),
    "2020年12月": deadline("=", "2020-12-31", "month"),
    "20台左右": quantity("=", "20", "台", approximate=True),
    "20种": quantity("=", "20", "种"),
    "210": quantity("=", "210"),
    "24": quantity("=", "24"),
    "2520份": quantity("=", "2520", "份"),
    "28人左右": quantity("=", "28", "人", approximate=True),
    "2万份": quantity("=", "20000", "份", multiplier=10_000),
    "2场": quantity("=", "2", "场"),
    "2次": quantity("=", "2", "次"),
    "3": quantity("=", "3"),
    "300万元左右": quantity("=", "300", "万元", approximate=True),
    "365天": quantity("=", "365", "天"),
    "36个": quantity("=", "36", "个"),
    "380宗": quantity("=", "380", "宗"),
    "39000": quantity("=", "39000"),
    "3次": quantity("=", "3", "次"),
    "4期": quantity("=", "4", "期"),
    "4次": quantity("=", "4", "次"),
    "50000份左右": quantity("=", "50000", "份", approximate=True),
    "5年": quantity("=", "5", "年"),
    "621台": quantity("=", "621", "台"),
    "70人左右": quantity("=", "70", "人", approximate=True),
    "70人次左右": quantity("=", "70", "人次", approximate=True),
    "84套": quantity("=", "84", "套"),
    "8件": quantity("=", "8", "件"),
    "90%": quantity("=", "90", "%"),
    "95%": quantity("=", "95", "%"),
    "=0": quantity("=", "0"),
    "=0次": quantity("=", "0", "次"),
    "=0起": quantity("=", "0", "起"),
    "=1": quantity("=", "1"),
    "=10": quantity("=", "10"),
    "=100": quantity("=", "100"),
    "=100%": quantity("=", "100", "%"),
    "=100人": quantity("=", "100", "人"),
    "=100宗": quantity("=", "100", "宗"),
    "=1022册": quantity("=", "1022", "册"),
    "=11个": quantity("=", "11", "个"),
    "=11人": quantity("=", "11", "人"),
    "=1200": quantity("=", "1200"),
    "=1295人": quantity("=", "1295", "人"),
    "=12次": quantity("=", "12", "次"),
    "=15000人": quantity("=", "15000", "人"),
    "=1580宗": quantity("=", "1580", "宗"),
    "=16": quantity("=", "16"),
    "=17": quantity("=", "17"),
    "=20": quantity("=", "20"),
    "=20000": quantity("=", "20000"),
    "=2000000份": quantity("=", "2000000", "份"),
    "=20宗": quantity("=", "20", "宗"),
    "=2295人": quantity("=", "2295", "人"),
    "=2500份": quantity("=", "2500", "份"),
    "=2520份": quantity("=", "2520", "份"),
    "=2台": quantity("=", "2", "台"),
    "=2次": quantity("=", "2", "次"),
    "=3": quantity("=", "3"),
    "=35000份": quantity("=", "35000", "份"),
    "=365天": quantity("=", "365", "天"),
    "=36个": quantity("=", "36", "个"),
    "=380宗": quantity("=", "380", "宗"),
    "=39000": quantity("=", "39000"),
    "=3次": quantity("=", "3", "次"),
    "=41台": quantity("=", "41", "台"),
    "=60套": quantity("=", "60", "套"),
    "=6100人": quantity("=", "6100", "人"),
    "=621台": quantity("=", "621", "台"),
    "=8": quantity("=", "8"),
    "=8270人": quantity("=", "8270", "人"),
    "=84套": quantity("=", "84", "套"),
    "=8宗": quantity("=", "8", "宗"),
    "=9次": quantity("=", "9", "次"),
    ">0": quantity(">", "0"),
    ">0%": quantity(">", "0", "%"),
    ">300000人": quantity(">", "300000", "人"),
    ">3000平方米": quantity(">", "3000", "平方米"),
    ">90%": quantity(">", "90", "%"),
    ">95%": quantity(">", "95", "%"),
    "≤0": quantity("≤", "0"),
    "≤0宗": quantity("≤", "0", "宗"),
    "≤0起": quantity("≤", "0", "起"),
    "≤1%": quantity("≤", "1", "%"),
    "≤1次": quantity("≤", "1", "次"),
    "≤30%": quantity("≤", "30", "%"),
    "≤480平方米": quantity("≤", "480", "平方米"),
    "≤60工作日": quantity("≤", "60", "工作日"),
    "≥0%": quantity("≥", "0", "%"),
    "≥100%": quantity("≥", "100", "%"),
    "≥100000人": quantity("≥", "100000", "人"),
    "≥100人": quantity("≥", "100", "人"),
    "≥100人次": quantity("≥", "100", "人次"),
    "≥10万页": quantity("≥", "100000", "页", multiplier=10_000),
    "≥10件": quantity("≥", "10", "件"),
    "≥10次": quantity("≥", "10", "次"),
    "≥12": quantity("≥", "12"),
    "≥12宗": quantity("≥", "12", "宗"),
    "≥15&&≤18": band("15", "18"),
    "≥15.6万": quantity("≥", "156000", multiplier=10_000),
    "≥16次": quantity("≥", "16", "次"),
    "≥2%": quantity("≥", "2", "%"),
    "≥20": quantity("≥", "20"),
    "≥20000份": quantity("≥", "20000", "份"),
    "≥260": quantity("≥", "260"),
    "≥2次": quantity("≥", "2", "次"),
    "≥300": quantity("≥", "300"),
    "≥30000家": quantity("≥", "30000", "家"),
    "≥3000平方米": quantity("≥", "3000", "平方米"),
    "≥30台": quantity("≥", "30", "台"),
    "≥380万": quantity("≥", "3800000", multiplier=10_000),
    "≥38万人": quantity("≥", "380000", "人", multiplier=10_000),
    "≥40台": quantity("≥", "40", "台"),
    "≥5": quantity("≥", "5"),
    "≥5%": quantity("≥", "5", "%"),
    "≥500000人": quantity("≥", "500000", "人"),
    "≥5000宗": quantity("≥", "5000", "宗"),
    "≥50件": quantity("≥", "50", "件"),
    "≥5年": quantity("≥", "5", "年"),
    "≥60%": quantity("≥", "60", "%"),
    "≥60篇": quantity("≥", "60", "篇"),
    "≥6宗": quantity("≥", "6", "宗"),
    "≥6次": quantity("≥", "6", "次"),
    "≥80%": quantity("≥", "80", "%"),
    "≥80000人": quantity("≥", "80000", "人"),
    "≥800卷": quantity("≥", "800", "卷"),
    "≥85%": quantity("≥", "85", "%"),
    "≥8次": quantity("≥", "8", "次"),
    "≥90": quantity("≥", "90"),
    "≥90%": quantity("≥", "90", "%"),
    "≥95": quantity("≥", "95"),
    "≥95%": quantity("≥", "95", "%"),
    "≥97%": quantity("≥", "97", "%"),
    "≥98%": quantity("≥", "98", "%"),
    "≥99%": quantity("≥", "99", "%"),
    "≥9宗": quantity("≥", "9", "宗"),
    "下降": label("下降"),
    # A pace relative to the calendar, not a number the parser can hold.
    "不低于时序进度": REVIEW,
    # A description of the spending pasted into the target column.
    "为方便办事群众，下设的二个管理站的租赁费按时支付。为弥补在编人员不足的情况，支付给临聘人员的工资福利支出。": REVIEW,
    "优化": label("优化"),
    # Names the dimension, not the level to reach.
    "便民程度": REVIEW,
    "促进": label("促进"),
    "保质保量": label("保质保量"),
    "全员": label("全员"),
    "到位": label("到位"),
    "及时": label("及时"),
    "可以": label("是"),
    "合格": label("合格"),
    "合格率100%": quantity("=", "100", "%"),
    "安全": label("安全"),
    "完成": label("完成"),
    "完整": label("完整"),
    # "As actually needed": nothing to measure against.
    "实际需求": REVIEW,
    # Opening hours: numbers, but not a target quantity.
    "工作日8:15-12:00, 14:00-18:00": REVIEW,
    # The source of the target (指标值来源) typed into the value column.
    "年度工作计划": REVIEW,
    # A sentence; probably means 及时, which a person should confirm.
    "按业务的办文时限需要，在限期内及时完成。": REVIEW,
    "提升": label("提升"),
    "提升效率": label("提升效率"),
    "提高": label("提升"),
    "改善": label("改善"),
    "是": label("是"),
    "有效": label("有效"),
    "正常": label("正常"),
    # 6 per shift, not 6 in total.
    "每个班次6人": REVIEW,
    # A saving relative to a baseline the text does not give.
    "比未整理前查询节约10%时间": REVIEW,
    # Two areas in one cell.
    "海天大厦二楼中南边1025.28平方米,三楼中南边1256.26平方米": REVIEW,
    "满意": label("满意"),
    "满足业务需求": label("满足业务需求"),
    "约20台": quantity("=", "20", "台", approximate=True),
    "约50000份": quantity("=", "50000", "份", approximate=True),
    "约80000人次": quantity("=", "80000", "人次", approximate=True),
    "耐用": label("耐用"),
    "良好": label("良好"),
    "良好氛围": label("良好氛围"),
    "节电": label("节电"),
    "规范": label("规范"),
    "足额支付": label("足额支付"),
    "达标": label("达标"),
    "降低": label("下降"),
}


def published_strings() -> list[str]:
    return [entry["text"] for entry in json.loads(TARGET_STRINGS.read_text(encoding="utf-8"))["strings"]]


def without_original(parsed: ParsedTarget) -> ParsedTarget:
    return replace(parsed, original="")


def expected_for(text: str) -> ParsedTarget:
    expected = EXPECTED_2020[text]
    return replace(expected, label=text) if expected is REVIEW else expected


def test_expectation_table_covers_exactly_the_published_strings():
    strings = published_strings()

    assert len(strings) == 209
    assert set(strings) - EXPECTED_2020.keys() == set(), "add the new strings to EXPECTED_2020"
    assert EXPECTED_2020.keys() - set(strings) == set()


@pytest.mark.parametrize("text", published_strings())
def test_every_published_2020_string_parses_as_expected(text):
    parsed = parse_target(text)

    assert parsed.original == text
    assert without_original(parsed) == expected_for(text)


@pytest.mark.parametrize("text", published_strings())
def test_every_published_2020_string_survives_format_and_parse(text):
    parsed = parse_target(text)

    assert without_original(parse_target(format_target(parsed))) == without_original(parsed)


DOMAIN_FORMS = {
    "=2次": quantity("=", "2", "次"),
    "2次": quantity("=", "2", "次"),
    "≥90%": quantity("≥", "90", "%"),
    "≧7500 单": quantity("≥", "7500", "单"),
    "≦69 人": quantity("≤", "69", "人"),
    "$\\geq 90\\%$": quantity("≥", "90", "%"),
    ">0%": quantity(">", "0", "%"),
    "≤0宗": quantity("≤", "0", "宗"),
    "≥380万": quantity("≥", "3800000", multiplier=10_000),
    "≥15&&≤18": band("15", "18"),
    "1-2个工作日": band("1", "2", "个工作日"),
    "约80000人次": quantity("=", "80000", "人次", approximate=True),
    "28人左右": quantity("=", "28", "人", approximate=True),
    "2020年11月前": deadline("≤", "2020-11-30", "month"),
    "及时": label("及时"),
    "提升": label("提升"),
    "有效": label("有效"),
    "完整": label("完整"),
    "合格": label("合格"),
    "是": label("是"),
    "满意": label("满意"),
    "不适用": ParsedTarget(original="", kind="qualitative", label="不适用", not_applicable=True),
}


@pytest.mark.parametrize(("text", "expected"), DOMAIN_FORMS.items())
def test_domain_section_6_forms(text, expected):
    parsed = parse_target(text)

    assert parsed.original == text
    assert without_original(parsed) == expected


OTHER_SPELLINGS = {
    "９０％": quantity("=", "90", "%"),
    "≥９５．５％": quantity("≥", "95.5", "%"),
    "＞＝90%": quantity("≥", "90", "%"),
    "＜5%": quantity("<", "5", "%"),
    "＝3次": quantity("=", "3", "次"),
    "  ≥ 90 %  ": quantity("≥", "90", "%"),
    "2,000,000份": quantity("=", "2000000", "份"),
    "≥99.5%": quantity("≥", "99.5", "%"),
    ">=85%": quantity("≥", "85", "%"),
    "<=3个工作日": quantity("≤", "3", "个工作日"),
    "$\\leq 5\\%$": quantity("≤", "5", "%"),
    "$\\ge 80\\%$": quantity("≥", "80", "%"),
    "不低于90%": quantity("≥", "90", "%"),
    "不少于20次": quantity("≥", "20", "次"),
    "不超过5个工作日": quantity("≤", "5", "个工作日"),
    "不高于1%": quantity("≤", "1", "%"),
    "90%以上": quantity("≥", "90", "%"),
    "3个工作日以内": quantity("≤", "3", "个工作日"),
    "5%以下": quantity("≤", "5", "%"),
    "100%完成": quantity("=", "100", "%"),
    "满意度≥90%": quantity("≥", "90", "%"),
    "大约300台": quantity("=", "300", "台", approximate=True),
    "≈95%": quantity("=", "95", "%", approximate=True),
    "1000万元": quantity("=", "1000", "万元"),
    "≥1.5亿": quantity("≥", "150000000", multiplier=100_000_000),
    "1500-2000家": band("1500", "2000", "家"),
    "1-2万份": band("10000", "20000", "份", multiplier=10_000),
    "90%~95%": band("90", "95", "%"),
    "2020年12月31日前": deadline("≤", "2020-12-31", "day"),
    "2020年底前": deadline("≤", "2020-12-31", "year"),
    "截至2020年6月30日": deadline("≤", "2020-06-30", "day"),
    "2020年": deadline("=", "2020-12-31", "year"),
    "2020年2月": deadline("=", "2020-02-29", "month"),
    "提高。": label("提升"),
    "/": ParsedTarget(original="", kind="qualitative", label="不适用", not_applicable=True),
    "无": ParsedTarget(original="", kind="qualitative", label="不适用", not_applicable=True),
    "-": ParsedTarget(original="", kind="qualitative", label="不适用", not_applicable=True),
}


@pytest.mark.parametrize(("text", "expected"), OTHER_SPELLINGS.items())
def test_other_spellings_normalise_to_the_same_fields(text, expected):
    assert without_original(parse_target(text)) == expected


def test_deadline_without_a_year_keeps_its_kind_and_is_flagged():
    parsed = parse_target("11月底前")

    assert parsed.kind == "deadline"
    assert parsed.comparator == "≤"
    assert parsed.deadline is None
    assert parsed.needs_review
    assert parsed.label == "11月底前"
    assert format_target(parsed) == "11月底前"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "≥",
        "≥90%以下",  # contradicts itself
        ">15&&<18",  # open bounds are not a range we score
        "≥18&&≤15",  # bounds the wrong way round
        "2020年2月30日前",
        "2020-11-30",
        "-5%",
        "8:30",
        "百分之九十",
        "≥90%，≥95%，≥98%",
    ],
)
def test_text_the_grammar_cannot_place_is_kept_for_review(text):
    parsed = parse_target(text)

    assert parsed.kind == "qualitative"
    assert parsed.needs_review
    assert parsed.label == text.strip()
    assert parsed.original == text


def test_long_whitespace_runs_parse_without_backtracking_for_minutes():
    assert without_original(parse_target("≥" + " " * 20_000 + "90 %")) == quantity("≥", "90", "%")


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("2次", "=2次"),
        ("≧7500 单", "≥7500单"),
        ("$\\geq 90\\%$", "≥90%"),
        ("≥380万", "≥380万"),
        ("≥15.6万", "≥15.6万"),
        ("≥15&&≤18", "15-18"),
        ("1-2个工作日", "1-2个工作日"),
        ("28人左右", "约28人"),
        ("300万元左右", "约300万元"),
        ("2,000,000份", "=2000000份"),
        ("99.50%", "=99.5%"),
        ("2020年11月前", "2020年11月前"),
        ("2020年12月31日之前", "2020年12月31日前"),
        ("2020年底前", "2020年底前"),
        ("2020年内", "2020年底前"),
        ("2019年11月", "2019年11月"),
        ("可以", "是"),
        ("-", "不适用"),
        ("年度工作计划", "年度工作计划"),
    ],
)
def test_format_writes_the_canonical_text_and_canonical_text_is_a_fixed_point(text, canonical):
    assert format_target(parse_target(text)) == canonical
    assert format_target(parse_target(canonical)) == canonical


@pytest.mark.parametrize(
    ("text", "direction"),
    [("≥90%", "increase"), (">0", "increase"), ("≤0宗", "decrease"), ("<5%", "decrease"), ("2次", "equal")],
)
def test_comparator_sets_the_scoring_direction(text, direction):
    assert parse_target(text).direction == direction


# Surface spelling of a comparator -> the comparator it stands for.
COMPARATOR_SPELLINGS = {
    "": "=",
    "=": "=",
    "＝": "=",
    "等于": "=",
    "≥": "≥",
    "≧": "≥",
    ">=": "≥",
    "不低于": "≥",
    "不少于": "≥",
    ">": ">",
    "＞": ">",
    "超过": ">",
    "≤": "≤",
    "≦": "≤",
    "<=": "≤",
    "不超过": "≤",
    "不高于": "≤",
    "<": "<",
    "＜": "<",
    "低于": "<",
}
UNITS = ["", "%", "次", "宗", "人", "人次", "个工作日", "份", "册", "台", "套", "个", "元", "万元", "天"]
UNITS += ["小时", "分钟", "平方米", "起", "页", "家"]
MULTIPLIER_POWERS = {"": 0, "万": 4, "亿": 8}
FULL_WIDTH_DIGITS = str.maketrans("0123456789.,", "０１２３４５６７８９．，")

numbers = st.decimals(min_value=0, max_value=Decimal("1e15"), places=3, allow_nan=False, allow_infinity=False)


def written(number: Decimal, *, thousands: bool, full_width: bool) -> str:
    text = f"{abs(number):,f}" if thousands else f"{abs(number):f}"
    return text.translate(FULL_WIDTH_DIGITS) if full_width else text


@given(
    spelling=st.sampled_from(sorted(COMPARATOR_SPELLINGS)),
    number=numbers,
    multiplier=st.sampled_from(sorted(MULTIPLIER_POWERS)),
    unit=st.sampled_from(UNITS),
    approximate=st.sampled_from(["", "约", "大约", "左右"]),
    thousands=st.booleans(),
    full_width=st.booleans(),
    space=st.sampled_from(["", " "]),
)
def test_quantities_survive_parse_format_parse(
    spelling, number, multiplier, unit, approximate, thousands, full_width, space
):
    prefix, suffix = ("", approximate) if approximate == "左右" else (approximate, "")
    text = f"{spelling}{prefix}{written(number, thousands=thousands, full_width=full_width)}"
    text += f"{space}{multiplier}{unit}{suffix}"

    # 万元 is a money unit, not 万 times 元.
    expected_unit, power = (
        (multiplier + unit, 0) if unit.startswith("元") else (unit, MULTIPLIER_POWERS[multiplier])
    )

    parsed = parse_target(text)

    assert parsed.kind == "quantitative", text
    assert not parsed.needs_review
    assert parsed.comparator == COMPARATOR_SPELLINGS[spelling]
    assert parsed.value == abs(number).scaleb(power)
    assert parsed.unit == expected_unit
    assert parsed.approximate == bool(approximate)
    canonical = format_target(parsed)
    assert without_original(parse_target(canonical)) == without_original(parsed)
    assert format_target(parse_target(canonical)) == canonical


@given(low=numbers, width=numbers, unit=st.sampled_from(UNITS), compound=st.booleans())
def test_ranges_survive_parse_format_parse(low, width, unit, compound):
    high = abs(low) + abs(width)
    text = f"≥{abs(low):f}&&≤{high:f}{unit}" if compound else f"{abs(low):f}-{high:f}{unit}"

    parsed = parse_target(text)

    assert (parsed.kind, parsed.value, parsed.upper, parsed.unit) == ("range", abs(low), high, unit)
    assert without_original(parse_target(format_target(parsed))) == without_original(parsed)


@given(
    day=st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    precision=st.sampled_from(["year", "month", "day"]),
    before=st.sampled_from(["", "前", "以前", "之前"]),
)
def test_deadlines_survive_parse_format_parse(day, precision, before):
    text = {
        "year": f"{day.year}年底",
        "month": f"{day.year}年{day.month}月",
        "day": f"{day.year}年{day.month}月{day.day}日",
    }[precision] + before

    parsed = parse_target(text)

    assert parsed.kind == "deadline"
    assert parsed.comparator == ("≤" if before else "=")
    assert parsed.deadline is not None
    assert (parsed.deadline.year, parsed.deadline_precision) == (day.year, precision)
    assert without_original(parse_target(format_target(parsed))) == without_original(parsed)


KNOWN_LABELS = {*QUALITATIVE_LABELS.values(), "不适用"}
# Characters the grammar cares about, so that random text reaches the interesting branches.
GRAMMAR_ALPHABET = "0123456789０９.,，%％≥≤<>=≧≦$\\geq&-~约左右万亿元次人年月日底前内以上下不低于超过 "


def assert_parsed_or_flagged(text: str) -> None:
    parsed = parse_target(text)

    assert parsed.original == text
    if parsed.needs_review:
        if parsed.kind != "deadline":  # a deadline without a year keeps its kind
            assert parsed.kind == "qualitative"
            assert parsed.label == text.strip()
            assert (parsed.comparator, parsed.value, parsed.unit) == (None, None, "")
    elif parsed.kind == "qualitative":
        assert parsed.label in KNOWN_LABELS
    elif parsed.kind == "deadline":
        assert parsed.deadline is not None
    else:
        assert parsed.value is not None
        assert parsed.kind == "range" or parsed.comparator is not None
    assert without_original(parse_target(format_target(parsed))) == without_original(parsed)


@given(st.text())
def test_any_text_is_parsed_or_kept_for_review_without_raising(text):
    assert_parsed_or_flagged(text)


@given(st.text(alphabet=GRAMMAR_ALPHABET, max_size=20))
def test_text_near_the_grammar_is_parsed_or_kept_for_review(text):
    assert_parsed_or_flagged(text)

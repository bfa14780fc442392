"""Traffic lights of the August checkpoint (DOMAIN §7)."""

from decimal import Decimal

import pytest

from performance.lights import Light, LightRules, expected_to_date, light, share_of_expected
from performance.targets import parse_target

D = Decimal


@pytest.mark.parametrize(
    ("target", "actual", "expected"),
    [
        # 12 a year: 7 expected by July.
        ("12次", "4.19", Light.RED),  # 59.9 %
        ("12次", "4.2", Light.YELLOW),  # 60 %
        ("12次", "5.59", Light.YELLOW),
        ("12次", "5.6", Light.GREEN),  # 80 %
        ("≥12次", "8.39", Light.GREEN),
        ("≥12次", "8.4", Light.BLUE),  # 120 %
        ("4期", "1", Light.RED),  # 1 of 2.33: 42.9 %
        ("≥100万份", "600000", Light.GREEN),  # 1,000,000 x 7/12 = 583,333
    ],
)
def test_increasing_targets_against_time_elapsed(target, actual, expected):
    assert light(parse_target(target), actual=D(actual), progress=None, month=7) == expected


def test_a_rate_is_held_all_year_not_pro_rated():
    target = parse_target("≥95%")
    assert expected_to_date(target, 7) == 95
    assert light(target, actual=D("94"), progress=None, month=7) == Light.GREEN
    assert light(target, actual=D("50"), progress=None, month=7) == Light.RED


@pytest.mark.parametrize(
    ("target", "actual", "expected"),
    [
        ("≤0宗", "0", Light.GREEN),
        ("≤0宗", "1", Light.RED),
        ("≦69 人", "69", Light.GREEN),
        ("<5%", "5", Light.RED),
        ("0起", "0", Light.GREEN),  # a zero target is a bound
        ("0起", "2", Light.RED),
        ("1-2个工作日", "1.5", Light.GREEN),
        ("1-2个工作日", "3", Light.RED),
    ],
)
def test_bounds_and_ranges_are_green_inside(target, actual, expected):
    assert light(parse_target(target), actual=D(actual), progress=None, month=7) == expected


@pytest.mark.parametrize(
    ("progress", "expected"),
    [("reached", Light.GREEN), ("partly", Light.YELLOW), ("not_reached", Light.RED), ("", None)],
)
def test_qualitative_and_deadline_targets_take_the_reported_progress(progress, expected):
    for target in ("及时", "2020年11月前"):
        assert light(parse_target(target), actual=None, progress=progress, month=7) == expected


def test_no_light_without_data_or_for_not_applicable():
    assert light(parse_target("12次"), actual=None, progress=None, month=7) is None
    assert light(parse_target("不适用"), actual=D(1), progress="reached", month=7) is None


def test_thresholds_are_configurable():
    strict = LightRules(yellow_from=D(70), green_from=D(90), blue_from=D(150))
    assert light(parse_target("12次"), actual=D("6"), progress=None, month=7, rules=strict) == Light.YELLOW


def test_share_of_expected_for_display():
    assert share_of_expected(parse_target("4期"), actual=D(1), month=7) == D("42.86")
    assert share_of_expected(parse_target("及时"), actual=D(1), month=7) is None

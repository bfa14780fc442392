"""Project self-evaluation scores (DOMAIN §8)."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from performance.scoring import (
    IndicatorInput,
    Weights,
    completion_ratio,
    group_weights,
    score_project,
    split,
)
from performance.targets import parse_target

D = Decimal


def row(key, level1, target, actual=None, **kwargs):
    return IndicatorInput(
        key=key,
        level1=level1,
        target=parse_target(target),
        actual=None if actual is None else D(actual),
        **kwargs,
    )


@pytest.mark.parametrize(
    ("target", "actual", "ratio"),
    [
        ("≥8次", "8", "1"),
        ("≥8次", "10", "1"),  # capped at full
        ("≥8次", "6", "0.75"),
        ("4期", "2", "0.5"),
        ("≤2天", "1", "1"),
        ("≤2天", "4", "0.5"),  # target / actual
        ("≤0宗", "3", "0"),
        ("0起", "0", "1"),
        ("≥0%", "-2", "0"),
        ("1-2个工作日", "3", "0.6666666666666666666666666667"),
        ("1-2个工作日", "0.5", "0.5"),
    ],
)
def test_completion_ratio_of_numbers(target, actual, ratio):
    assert completion_ratio(parse_target(target), actual=D(actual)) == (D(ratio), "")


@pytest.mark.parametrize(
    ("band", "share", "expected"),
    [
        ("reached", "90", (D("0.9"), "")),
        ("partly", "80", (D("0.8"), "")),
        ("partly", "85", (None, "share_outside_band")),
        ("not_reached", "0", (D(0), "")),
        ("", None, (None, "band_missing")),
        ("reached", None, (None, "share_missing")),
    ],
)
def test_qualitative_targets_take_a_band_and_a_share_inside_it(band, share, expected):
    share = None if share is None else D(share)
    assert (
        completion_ratio(parse_target("及时"), actual=None, achievement=band, band_percent=share) == expected
    )


def test_split_adds_up_exactly():
    assert split(D(50), [D(1)] * 3) == [D("16.67"), D("16.67"), D("16.66")]
    assert sum(split(D(10), [D(50), D(30)])) == D(10)
    assert split(D(10), [D(50), D(30)]) == [D("6.25"), D("3.75")]


def test_without_satisfaction_its_points_go_to_outputs_and_effects():
    weights = group_weights(Weights(), {"output", "effect"})
    assert weights == {"execution": D(10), "output": D("56.25"), "effect": D("33.75"), "satisfaction": D(0)}


def test_an_empty_group_rescales_the_rest_to_100():
    weights = group_weights(Weights(), {"output", "satisfaction"})
    assert weights == {
        "execution": D("14.29"),
        "output": D("71.43"),
        "effect": D(0),
        "satisfaction": D("14.28"),
    }
    assert sum(weights.values()) == 100


def test_a_project_scored_by_hand():
    indicators = [
        row(1, "output", "4期", "2", deviation_reason="疫情影响，培训推迟"),  # 25 x 0.5 = 12.5
        row(2, "output", "100%", "100"),  # 25
        row(3, "effect", "提升", achievement="reached", band_percent=D(90)),  # 30 x 0.9 = 27
        row(4, "effect", "不适用"),  # left out
        row(5, "satisfaction", "≥99%", "99.5"),  # 10
    ]
    score = score_project(weights=Weights(), budget=D("660000"), spending=D("594000"), indicators=indicators)
    assert score.execution_rate == D("0.9")
    assert score.execution_points == D("9.00")
    assert [(s.key, s.max_points, s.points) for s in score.indicators] == [
        (1, D("25.00"), D("12.50")),
        (2, D("25.00"), D("25.00")),
        (3, D("30.00"), D("27.00")),
        (5, D("10.00"), D("10.00")),
    ]
    assert score.excluded == [4]
    assert score.total == D("83.50") and score.grade == "good"
    assert score.total == score.execution_points + sum(s.points for s in score.indicators)


def test_below_full_points_needs_a_deviation_reason():
    score = score_project(
        weights=Weights(),
        budget=D(1),
        spending=D(1),
        indicators=[
            row(1, "output", "4期", "2"),
            row(2, "effect", "有效", achievement="reached", band_percent=D(100)),
        ],
    )
    assert score.indicators[0].problem == "reason_missing"
    assert score.indicators[1].problem == ""


def test_incomplete_scores_have_no_grade():
    score = score_project(weights=Weights(), budget=D(1), spending=None, indicators=[row(1, "output", "4期")])
    assert not score.complete and score.grade is None
    assert score.indicators[0].problem == "actual_missing"


def test_perfect_project_scores_exactly_100_with_thirds():
    indicators = (
        [row(n, "output", "1次", "1") for n in range(3)]
        + [row(10 + n, "effect", "1次", "1") for n in range(7)]
        + [row(20, "satisfaction", "≥90%", "95")]
    )
    score = score_project(weights=Weights(), budget=D(3), spending=D(3), indicators=indicators)
    assert score.total == D(100) and score.grade == "excellent"


targets = st.sampled_from(
    ["4期", "≥100万份", "100%", "≤2天", "0起", "1-2个工作日", "≥0%", "提升", "2020年11月前", "不适用"]
)
actuals = st.decimals(min_value=-10, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["output", "effect", "satisfaction"]),
            targets,
            actuals,
            st.sampled_from(["reached", "partly", "not_reached"]),
            st.booleans(),
        ),
        min_size=1,
        max_size=12,
    ),
    spending=st.decimals(min_value=0, max_value=10**6, places=2),
)
def test_any_project_scores_within_100_and_adds_up(rows, spending):
    from performance.scoring import BANDS

    indicators = [
        IndicatorInput(
            key=n,
            level1=level1,
            target=parse_target(target),
            actual=actual,
            achievement=band,
            band_percent=BANDS[band][0],
            not_applicable=skip,
        )
        for n, (level1, target, actual, band, skip) in enumerate(rows)
    ]
    score = score_project(weights=Weights(), budget=D(500000), spending=spending, indicators=indicators)
    assert score.complete
    assert 0 <= score.total <= 100
    assert score.total == score.execution_points + sum(s.points for s in score.indicators)
    for s in score.indicators:
        assert 0 <= s.points <= s.max_points
    if score.indicators:
        assert sum(score.weights.values()) == 100

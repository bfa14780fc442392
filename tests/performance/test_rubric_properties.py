"""Property tests of the department rubric (DOMAIN §8): for every rule scored from figures, the
points stay within [0, max], move in the right direction, change band exactly at the stated
thresholds; the adjustment step, the caps and the deductions; the total is the sum of its items."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from performance.rubric import DEDUCTIONS, ITEM_BY_KEY, LEVEL1, LEVEL2, score_department

from .test_rubric import CHECKLIST, FIGURES
from .test_rubric import DEDUCTIONS as NO_CUTS

D = Decimal
QUICK = settings(max_examples=120, deadline=None)

money = st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False, allow_infinity=False)
positive_money = money.filter(lambda v: v > 0)
percent = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
counts = st.integers(min_value=0, max_value=5000)
cut = st.decimals(min_value=0, max_value=1, places=2)


def score(figures=None, deductions=None):
    inputs = {
        "figures": {**FIGURES, **(figures or {})},
        "deductions": {**NO_CUTS, **(deductions or {})},
        "checklist": CHECKLIST,
    }
    return score_department(inputs, partial=True)


def points(key, figures=None, deductions=None) -> Decimal:
    result = score(figures, deductions).item(key)
    assert result.points is not None, score(figures, deductions).errors
    assert 0 <= result.points <= ITEM_BY_KEY[key].max_points
    assert result.points == result.points.quantize(D("0.01"))
    return result.points


def on(total: Decimal, share: Decimal) -> Decimal:
    """An in-use amount that is ``share`` percent of ``total``, to the fen, never above the share."""
    return (total * share / 100).quantize(D("0.01"), rounding="ROUND_DOWN")


# --- 固定资产利用率: in use / total, ≥ 90 % 1, ≥ 75 % 0.7, ≥ 60 % 0.4, else 0 ------------------


def asset_points(share: Decimal) -> Decimal:
    return points(
        "asset_utilisation", {"fixed_assets_total": "10000.00", "fixed_assets_in_use": on(D(10000), share)}
    )


def test_asset_band_edges_are_exactly_at_the_thresholds():
    expected = {"100": "1", "90": "1", "89.99": "0.7", "75": "0.7", "74.99": "0.4", "60": "0.4", "59.99": "0"}
    assert {k: asset_points(D(k)) for k in expected} == {k: D(v) for k, v in expected.items()}


@QUICK
@given(total=positive_money, a=percent, b=percent)
def test_asset_points_grow_with_the_share_in_use(total, a, b):
    low, high = sorted((a, b))
    pa = points("asset_utilisation", {"fixed_assets_total": total, "fixed_assets_in_use": on(total, low)})
    pb = points("asset_utilisation", {"fixed_assets_total": total, "fixed_assets_in_use": on(total, high)})
    assert pa <= pb
    assert pb in {D(0), D("0.4"), D("0.7"), D(1)}


# --- 财政供养人员控制率 and 编外人员控制率 ----------------------------------------------------------


@QUICK
@given(authorised=st.integers(1, 5000), actual=counts)
def test_staff_control_is_one_exactly_within_the_establishment(authorised, actual):
    result = points("staff_control", {"headcount_authorised": authorised, "headcount_actual": actual})
    assert result == (1 if actual <= authorised else 0)


@QUICK
@given(actual=st.integers(1, 5000), outsourced=counts, more=st.integers(0, 50))
def test_outsourced_control_bands_and_direction(actual, outsourced, more):
    def p(n):
        return points("outsourced_control", {"headcount_actual": actual, "staff_outsourced": n})

    share = D(outsourced) / (actual + outsourced) * 100
    assert p(outsourced) == (1 if share < 5 else D("0.5") if share <= 10 else 0)
    assert p(outsourced + more) <= p(outsourced)  # more outsourced staff never scores more


def test_outsourced_band_edges():
    assert [
        points("outsourced_control", {"headcount_actual": 100 - n, "staff_outsourced": n})
        for n in (4, 5, 10, 11)
    ] == [
        1,
        D("0.5"),
        D("0.5"),
        0,
    ]


# --- 财务合规性: the adjustment step, the deductions, misappropriation ---------------------------


def compliance(initial, adjusted, spending="0", accounting="0", misused=False):
    return points(
        "financial_compliance",
        {
            "budget_initial": initial,
            "budget_adjusted": adjusted,
            "funds_misused": misused,
            **NO_SPENDING_LIMIT,
        },
        {
            "spending_compliance": {"points": spending, "reason": "酌情扣分"},
            "accounting": {"points": accounting, "reason": "酌情扣分"},
        },
    )


# The spending figures do not matter here; rates keep the execution item out of the way.
NO_SPENDING_LIMIT = {f"spending_q{q}": "" for q in (1, 2, 3, 4)} | {
    f"execution_rate_q{q}": str(25 * q) for q in (1, 2, 3, 4)
}


@QUICK
@given(rate=st.decimals(min_value=0, max_value=100, places=2))
def test_adjustment_loses_a_tenth_per_point_above_ten_percent(rate):
    adjusted = D("1000000.00")
    initial = adjusted - adjusted * rate / 100
    expected = D(1) if rate <= 10 else max(D(0), 1 - D("0.1") * (rate - 10))
    assert compliance(initial, adjusted) == (2 + expected).quantize(D("0.01"), rounding="ROUND_HALF_UP")


def test_adjustment_step_examples():
    assert [compliance(i, "100") for i in ("90", "89", "85", "80", "70", "0")] == [
        D(3),
        D("2.90"),
        D("2.50"),
        D(2),
        D(2),
        D(2),
    ]


@QUICK
@given(initial=money, adjusted=positive_money, a=cut, b=cut)
def test_deductions_come_off_their_part_and_never_below_zero(initial, adjusted, a, b):
    full = compliance(initial, adjusted)
    cut_down = compliance(initial, adjusted, str(a), str(b))
    assert cut_down == max(D(0), full - a - b)
    assert 0 <= cut_down <= full


@QUICK
@given(initial=money, adjusted=positive_money, a=cut, b=cut)
def test_misappropriation_sets_the_whole_item_to_zero(initial, adjusted, a, b):
    assert compliance(initial, adjusted, str(a), str(b), misused=True) == 0


def test_deductions_are_bounded_to_their_part():
    for key, deduction in DEDUCTIONS.items():
        over = {key: {"points": str(deduction.max_points + D("0.01")), "reason": "x"}}
        result = score(deductions=over)
        assert f"deductions.{key}" in result.errors
        assert result.item(deduction.item).points is None


# --- 政府采购执行情况 --------------------------------------------------------------------------


@QUICK
@given(planned=positive_money, a=percent, b=percent, c=cut)
def test_procurement_grows_with_execution_up_to_the_plan_then_drops_to_the_policy_point(planned, a, b, c):
    def p(share):
        return points(
            "procurement",
            {"procurement_planned": planned, "procurement_actual": on(planned, share)},
            {"procurement_policy": {"points": str(c), "reason": "预留份额未落实"}},
        )

    low, high = sorted((a, b))
    assert p(low) <= p(high) <= 2 - c
    over = points(
        "procurement",
        {"procurement_planned": planned, "procurement_actual": planned + D("0.01")},
        {"procurement_policy": {"points": str(c), "reason": "预留份额未落实"}},
    )
    assert over == 1 - c


# --- 公用经费控制率 ------------------------------------------------------------------------------


def control(three_share, public_share):
    return points(
        "public_funds_control",
        {
            "three_public_budget": "10000.00",
            "three_public_actual": on(D(10000), three_share),
            "public_budget": "10000.00",
            "public_actual": on(D(10000), public_share),
        },
    )


def test_public_funds_band_edges():
    assert [control(D(s), D(50)) for s in ("89.99", "90", "100", "100.01")] == [6, 5, 5, 3]


@QUICK
@given(a=st.decimals(0, 200, places=2), b=st.decimals(0, 200, places=2), other=st.decimals(0, 200, places=2))
def test_public_funds_never_score_more_for_spending_more(a, b, other):
    low, high = sorted((a, b))
    assert control(high, other) <= control(low, other)


# --- 预算执行率 ----------------------------------------------------------------------------------

cumulative = st.lists(percent, min_size=4, max_size=4).map(sorted)


def execution(rates):
    figures = {f"spending_q{q}": "" for q in (1, 2, 3, 4)}
    figures |= {f"execution_rate_q{q}": str(r) for q, r in enumerate(rates, start=1)}
    return points("budget_execution", figures)


@QUICK
@given(rates=cumulative)
def test_execution_caps_each_quarter_at_one_and_the_average_at_two(rates):
    progress = [r / t for r, t in zip(rates, (25, 50, 75, 100), strict=True)]
    exact = sum(min(p, 1) for p in progress) + min(sum(progress) / 4 * 2, 2)
    assert execution(rates) == exact.quantize(D("0.01"), rounding="ROUND_HALF_UP")


@QUICK
@given(rates=cumulative, q=st.integers(0, 3), more=percent)
def test_execution_grows_with_any_quarter(rates, q, more):
    raised = list(rates)
    raised[q] = min(D(100), raised[q] + more)
    raised = [raised[i] if i <= q else max(raised[i], raised[q]) for i in range(4)]
    assert execution(rates) <= execution(raised)


def test_on_schedule_or_ahead_is_full_points():
    assert execution([D(25), D(50), D(75), D(100)]) == 6
    assert execution([D(60), D(100), D(100), D(100)]) == 6


@QUICK
@given(budget=positive_money.filter(lambda v: v >= 100), rates=cumulative)
def test_amounts_and_rates_of_the_same_execution_score_alike(budget, rates):
    spent = [on(budget, r) for r in rates]
    by_amount = points(
        "budget_execution",
        {"budget_adjusted": budget, **{f"spending_q{q}": s for q, s in enumerate(spent, start=1)}},
    )
    exact_rates = [s / budget * 100 for s in spent]
    assert abs(by_amount - execution([r.quantize(D("0.0001")) for r in exact_rates])) <= D("0.01")


@QUICK
@given(rates=cumulative, spent=st.lists(money, min_size=4, max_size=4).map(sorted))
def test_rates_and_amounts_together_are_an_error(rates, spent):
    figures = {f"execution_rate_q{q}": str(r) for q, r in enumerate(rates, start=1)}
    figures |= {f"spending_q{q}": s for q, s in enumerate(spent, start=1)}
    result = score(figures)
    assert "execution_rate_q1" in result.errors and result.item("budget_execution").points is None


# --- 项目完成及时性, 绩效目标完整性, 重点工作完成情况 ------------------------------------------------


@QUICK
@given(planned=st.integers(1, 5000), a=counts, b=counts)
def test_timeliness_is_proportional_and_grows(planned, a, b):
    low, high = sorted((min(a, planned), min(b, planned)))
    pa = points("project_timeliness", {"projects_planned": planned, "projects_on_time": low})
    pb = points("project_timeliness", {"projects_planned": planned, "projects_on_time": high})
    assert pa <= pb
    assert pa == (D(low) / planned * 6).quantize(D("0.01"), rounding="ROUND_HALF_UP")


@QUICK
@given(n=counts)
def test_count_rules_lose_their_step_and_stop_at_zero(n):
    assert points("target_completeness", {"projects_without_proper_targets": n}) == max(0, 3 - n)
    assert points("key_tasks", {"key_tasks_unfinished": n}) == max(0, 8 - 4 * n)


# --- 公众或服务对象满意度 and 预决算信息公开 ------------------------------------------------------


def test_satisfaction_band_edges():
    rates = {"100": 6, "95": 6, "94.99": 4, "90": 4, "89.99": 2, "80": 2, "79.99": 1, "0": 1}
    assert {r: points("satisfaction", {"satisfaction_rate": r}) for r in rates} == {
        r: D(p) for r, p in rates.items()
    }


@QUICK
@given(a=percent, b=percent)
def test_satisfaction_grows_with_the_rate(a, b):
    low, high = sorted((a, b))
    assert points("satisfaction", {"satisfaction_rate": low}) <= points(
        "satisfaction", {"satisfaction_rate": high}
    )


@given(band=st.sampled_from(["95", "90", "80", "below"]))
def test_a_band_from_other_evidence_scores_as_the_rate_it_stands_for(band):
    rate = {"95": "95", "90": "90", "80": "80", "below": "79.99"}[band]
    chosen = points(
        "satisfaction", {"satisfaction_rate": "", "satisfaction_band": {"value": band, "source": "民主评议"}}
    )
    assert chosen == points("satisfaction", {"satisfaction_rate": rate})


@given(
    budget=st.sampled_from(["on_time", "late_or_incomplete", "not_published"]),
    final=st.sampled_from(["on_time", "late_or_incomplete", "not_published"]),
)
def test_disclosure_is_the_sum_of_its_two_parts_and_exemption_is_full(budget, final):
    value = {"on_time": D("1.5"), "late_or_incomplete": D(1), "not_published": D(0)}
    assert (
        points("disclosure", {"disclosure_budget": budget, "disclosure_final": final})
        == value[budget] + value[final]
    )
    exempt = {"disclosure_exempt": {"value": True, "source": "保密规定"}, "disclosure_budget": budget}
    assert points("disclosure", exempt) == 3


# --- The whole rubric ---------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(
    procurement=st.tuples(positive_money, percent),
    adjustment=st.tuples(money, positive_money),
    assets=st.tuples(positive_money, percent),
    staff=st.tuples(st.integers(1, 5000), st.integers(1, 5000), counts),
    rates=cumulative,
    projects=st.tuples(counts, counts),
    satisfaction=percent,
    cuts=st.tuples(cut, cut, cut),
    misused=st.booleans(),
)
def test_every_item_within_bounds_and_the_total_is_the_sum_of_its_items(
    procurement, adjustment, assets, staff, rates, projects, satisfaction, cuts, misused
):
    planned, share = procurement
    total_assets, in_use = assets
    figures = {
        "procurement_planned": planned,
        "procurement_actual": on(planned, share),
        "budget_initial": adjustment[0],
        "budget_adjusted": adjustment[1],
        "funds_misused": misused,
        "fixed_assets_total": total_assets,
        "fixed_assets_in_use": on(total_assets, in_use),
        "headcount_authorised": staff[0],
        "headcount_actual": staff[1],
        "staff_outsourced": staff[2],
        **{f"spending_q{q}": "" for q in (1, 2, 3, 4)},
        **{f"execution_rate_q{q}": r for q, r in enumerate(rates, start=1)},
        "projects_planned": max(projects),
        "projects_on_time": min(projects),
        "satisfaction_rate": satisfaction,
    }
    deductions = {
        key: {"points": str(c), "reason": "酌情扣分"} for key, c in zip(DEDUCTIONS, cuts, strict=True)
    }
    result = score_department(
        {"figures": {**FIGURES, **figures}, "deductions": deductions, "checklist": CHECKLIST}
    )
    assert result.complete
    for item_score in result.items:
        assert 0 <= item_score.points <= item_score.item.max_points
    assert result.total == sum(s.points for s in result.items)
    assert result.total == sum(result.level1_points(level.key) for level in LEVEL1)
    assert sum(result.level2_points(level.key) for level in LEVEL2) == result.total
    assert 0 <= result.total <= 100

"""Fill-to-ceiling (ceilings/fill.py): the rule of docs/ceilings-and-standards.md, by example and
as properties over any requests and any ceiling."""

import random
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ceilings.fill import ZERO, Request, apply_rate, fill_to_ceiling, project_limit

D = Decimal


def req(key, amount, rank=None, mandated=False):
    return Request(key=key, name=f"p{key}", amount=D(amount), rank=rank, mandated=mandated,
                   why_mandated="marked" if mandated else "")  # fmt: skip


def test_requests_are_taken_in_rank_order_until_the_next_does_not_fit():
    fill = fill_to_ceiling(D(100), [req(1, 50, 2), req(2, 40, 1), req(3, 30, 3), req(4, 5, 4)])
    assert [r.key for r in fill.kept] == [2, 1]
    assert [r.key for r in fill.below] == [3, 4]  # 4 would fit, but it ranks below the line
    assert fill.kept_total == D(90) and fill.below_total == D(35) and fill.room_left == D(10)


def test_mandated_items_are_kept_first_whatever_their_rank():
    fill = fill_to_ceiling(D(100), [req(1, 60, 1), req(2, 50, 9, mandated=True)])
    assert [r.key for r in fill.kept] == [2]
    assert [r.key for r in fill.below] == [1]


def test_mandated_items_above_the_ceiling_are_all_kept_and_the_excess_is_reported():
    fill = fill_to_ceiling(D(100), [req(1, 80, mandated=True), req(2, 70, mandated=True), req(3, 1, 1)])
    assert {r.key for r in fill.kept} == {1, 2}
    assert fill.over_by == D(50)
    assert [r.key for r in fill.below] == [3]


def test_unranked_requests_come_after_the_ranked_ones():
    fill = fill_to_ceiling(D(10), [req(1, 10), req(2, 10, 5)])
    assert [r.key for r in fill.kept] == [2]


def test_project_limit_is_the_ceiling_less_basic_and_at_most_the_project_ceiling():
    assert project_limit(total=D(1000), project_ceiling=None, basic_total=D(300)) == D(700)
    assert project_limit(total=D(1000), project_ceiling=D(500), basic_total=D(300)) == D(500)
    assert project_limit(total=D(200), project_ceiling=None, basic_total=D(300)) == ZERO
    assert project_limit(total=None, project_ceiling=None, basic_total=D(0)) == ZERO


def test_a_rate_rounds_half_up_to_the_cent():
    assert apply_rate(D("1000.00"), D(-4)) == D("960.00")
    assert apply_rate(D("0.05"), D(-50)) == D("0.03")


amounts = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False, allow_infinity=False)
requests = st.lists(
    st.tuples(amounts, st.one_of(st.none(), st.integers(1, 40)), st.booleans()), max_size=25
).map(
    lambda rows: [
        Request(key=i + 1, name=str(i), amount=a, rank=r, mandated=m) for i, (a, r, m) in enumerate(rows)
    ]
)


@settings(max_examples=300, deadline=None)
@given(limit=amounts, items=requests)
def test_property_the_sum_kept_never_exceeds_the_ceiling_unless_mandated_items_alone_do(limit, items):
    fill = fill_to_ceiling(limit, items)
    mandated = sum((r.amount for r in items if r.mandated), ZERO)
    if mandated <= limit:
        assert fill.kept_total <= limit
        assert fill.over_by == ZERO
    else:
        assert {r.key for r in fill.kept} == {r.key for r in items if r.mandated}
        assert fill.over_by == mandated - limit


@settings(max_examples=300, deadline=None)
@given(limit=amounts, items=requests)
def test_property_mandated_items_are_always_kept_and_nothing_is_lost(limit, items):
    fill = fill_to_ceiling(limit, items)
    kept = {r.key for r in fill.kept}
    assert {r.key for r in items if r.mandated} <= kept
    assert kept.isdisjoint({r.key for r in fill.below})
    assert kept | {r.key for r in fill.below} == {r.key for r in items}
    assert fill.kept_total + fill.below_total == sum((r.amount for r in items), ZERO)


@settings(max_examples=300, deadline=None)
@given(limit=amounts, items=requests)
def test_property_rank_order_is_respected_and_the_line_is_where_the_next_does_not_fit(limit, items):
    fill = fill_to_ceiling(limit, items)
    kept_optional = [r for r in fill.kept if not r.mandated]
    if fill.below and kept_optional:
        assert max(r.order for r in kept_optional) < min(r.order for r in fill.below)
    if fill.below:
        assert fill.below[0].amount > limit - fill.kept_total


@settings(max_examples=200, deadline=None)
@given(limit=amounts, items=requests, seed=st.integers())
def test_property_the_result_does_not_depend_on_the_order_requests_come_in(limit, items, seed):
    shuffled = list(items)
    random.Random(seed).shuffle(shuffled)
    assert fill_to_ceiling(limit, items) == fill_to_ceiling(limit, shuffled)


@settings(max_examples=200, deadline=None)
@given(a=amounts, b=amounts, items=requests)
def test_property_a_deeper_cut_never_brings_a_request_back_above_the_line(a, b, items):
    low, high = sorted((a, b))
    assert {r.key for r in fill_to_ceiling(high, items).below} <= {
        r.key for r in fill_to_ceiling(low, items).below
    }

from decimal import Decimal

import pytest

from budgets.money import format_wan, format_yuan, to_wan, wan_to_yuan


@pytest.mark.parametrize(
    ("yuan", "places", "expected"),
    [
        ("4512200.00", 2, "451.22"),  # DOMAIN §3: 4,512,200.00 元 = 451.22 万元
        ("4512200.00", 0, "451"),
        ("25836260.00", 0, "2584"),
        ("5000.00", 0, "1"),  # half up, not half even
        ("15000.00", 0, "2"),
        ("4999.99", 0, "0"),
        ("3500.00", 2, "0.35"),
    ],
)
def test_to_wan_rounds_each_figure_half_up(yuan, places, expected):
    assert to_wan(Decimal(yuan), places) == Decimal(expected)


def test_format_wan_writes_thousands_like_the_bureau():
    assert format_wan(Decimal("625900000.00")) == "62,590"
    assert format_wan(Decimal("4512200.00"), places=2) == "451.22"
    assert format_wan(None) == ""
    assert format_wan(Decimal("0"), blank_zero=True) == ""


def test_wan_to_yuan_is_exact():
    assert wan_to_yuan("0.35") == Decimal("3500.00")
    assert wan_to_yuan(Decimal("62590")) == Decimal("625900000.00")


def test_format_yuan_keeps_two_places():
    assert format_yuan(Decimal("1362387.04")) == "1,362,387.04"
